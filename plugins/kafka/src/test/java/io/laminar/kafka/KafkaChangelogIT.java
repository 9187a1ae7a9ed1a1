package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.laminar.testkit.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changelogs through the real server (a child JVM running {@code laminar run}) with the packaged
 * kafka plugin and the testkit's {@code test_changelog} source as a plugin: a GROUP BY without a
 * window over scripted inserts, updates and deletes, into {@code stdout} (the exact op sequence) and
 * into an exactly-once kafka sink with {@code write.mode = "upsert"} (the last record of each key is
 * the group's final result, a tombstone for a group that was emptied), also across SIGKILLs.
 */
class KafkaChangelogIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FRUITS = {"apple", "pear", "fig", "kiwi", "plum", "lime", "date", "yuzu"};
  private static EmbeddedKafka kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  /** A server config: test_changelog {@code orders} → per-fruit COUNT and SUM → {@code sink}. */
  private static String config(String server, Path checkpoints, List<String> changes, String batchInterval,
      String sink) {
    return """
        [server]
        name = "%s"
        bind = "127.0.0.1:0"
        workers = 1
        shutdown_timeout = "20s"

        [checkpoint]
        path = "%s"
        interval = "300ms"
        retain = 3

        [[source]]
        name = "orders"
        connector = "test_changelog"
        [source.properties]
        batch_rows = 7
        batch_interval = "%s"
        rows = \"""
        %s
        \"""
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "fruit"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"

        [[pipeline]]
        name = "totals"
        sql = "SELECT fruit, COUNT(*) AS orders, SUM(qty) AS qty FROM orders GROUP BY fruit"

        [[sink]]
        name = "out"
        pipeline = "totals"
        """.formatted(server, checkpoints, batchInterval, String.join("\n", changes)) + sink;
  }

  private static String upsertSink(String topic) {
    return """
        connector = "kafka"
        delivery = "exactly_once"
        [sink.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        "write.mode" = "upsert"
        """.formatted(kafka.bootstrapServers(), topic);
  }

  private Path plugins;

  private String[] run(Path config) throws Exception {
    if (plugins == null) {
      plugins = LaminarProcess.pluginsDir(dir, "test-changelog");
    }
    return new String[] {"run", "--plugins", plugins.toString(), "-c", config.toString()};
  }

  @Test
  void aGroupByOverAChangelogPrintsTheExactOpSequenceOnStdout() throws Exception {
    // batches of 7: three groups appear; apple's two rows change, fig's only row goes (so fig is
    // deleted); pear moves to kiwi
    List<String> changes = List.of("+I,1,apple,5", "+I,2,pear,3", "+I,3,fig,2", "+I,4,apple,1", "-U,1,apple,5",
        "+U,1,apple,7", "-D,3,fig,2",
        "-U,2,pear,3", "+U,2,kiwi,3", "-D,4,apple,1", "+I,5,fig,9");
    Path config = dir.resolve("stdout.toml");
    Files.writeString(config, config("stdout", dir.resolve("cp"), changes, "0s", """
        connector = "stdout"
        """));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("stdout"), 120, run(config));
    assertEquals(0, r.exit(), r.stderr());
    // first batch: apple 7+1 (two rows), pear; fig came and went, so nothing. Second batch, in the
    // order the groups first changed: pear moved away (deleted), kiwi is new, apple lost row 4, fig is back
    assertEquals(List.of(
        "{\"op\":\"+I\",\"fruit\":\"apple\",\"orders\":2,\"qty\":8}",
        "{\"op\":\"+I\",\"fruit\":\"pear\",\"orders\":1,\"qty\":3}",
        "{\"op\":\"-D\",\"fruit\":\"pear\",\"orders\":1,\"qty\":3}",
        "{\"op\":\"+I\",\"fruit\":\"kiwi\",\"orders\":1,\"qty\":3}",
        "{\"op\":\"-U\",\"fruit\":\"apple\",\"orders\":2,\"qty\":8}",
        "{\"op\":\"+U\",\"fruit\":\"apple\",\"orders\":1,\"qty\":7}",
        "{\"op\":\"+I\",\"fruit\":\"fig\",\"orders\":1,\"qty\":9}"), r.stdout().lines().toList());
  }

  /** A seeded changelog over a table of rows (id, fruit, qty); in the end every yuzu and date row is deleted. */
  private static List<String> changelog(long seed, int events, Map<Long, Object[]> table) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    long nextId = 0;
    for (int i = 0; i < events; i++) {
      int dice = r.nextInt(100);
      if (table.isEmpty() || dice < 45) {
        Object[] row = {nextId++, FRUITS[r.nextInt(FRUITS.length)], r.nextInt(100)};
        table.put((Long) row[0], row);
        out.add(line("+I", row));
        continue;
      }
      List<Long> ids = new ArrayList<>(table.keySet());
      long id = ids.get(r.nextInt(ids.size()));
      Object[] old = table.get(id);
      if (dice < 70) {
        table.remove(id);
        out.add(line("-D", old));
      } else {
        Object[] updated = {id, r.nextBoolean() ? old[1] : FRUITS[r.nextInt(FRUITS.length)], r.nextInt(100)};
        table.put(id, updated);
        out.add(line("-U", old));
        out.add(line("+U", updated));
      }
    }
    for (Object[] row : new ArrayList<>(table.values())) {
      if (row[1].equals("yuzu") || row[1].equals("date")) {
        table.remove((Long) row[0]);
        out.add(line("-D", row));
      }
    }
    return out;
  }

  private static String line(String op, Object[] row) {
    return op + "," + row[0] + "," + row[1] + "," + row[2];
  }

  /** Per fruit of the final table: {orders, qty}; fruits without rows are absent. */
  private static Map<String, List<Long>> finalState(Map<Long, Object[]> table) {
    Map<String, List<Long>> state = new TreeMap<>();
    for (Object[] row : table.values()) {
      state.merge((String) row[1], List.of(1L, (long) (Integer) row[2]),
          (a, b) -> List.of(a.get(0) + b.get(0), a.get(1) + b.get(1)));
    }
    return state;
  }

  /** The committed records as "key value" lines, in topic order (value "null" for a tombstone). */
  private static List<String> committed(String topic) {
    return kafka.readAll(topic, "read_committed").stream().map(r -> r.key() + " " + r.value()).toList();
  }

  /**
   * Checks that the last record of each key is the key's final result, or a tombstone if it has none.
   * With {@code everyBatchSmall} (batches of 7 changes) the emptied groups had rows at some emission,
   * so each must end with a tombstone; otherwise a group may come and go within one batch and never
   * appear.
   */
  private static void assertLastPerKeyIsTheFinalState(String topic, Map<String, List<Long>> expected,
      boolean everyBatchSmall) throws Exception {
    Map<String, String> last = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> r : kafka.readAll(topic, "read_committed")) {
      last.put(r.key(), r.value());
    }
    Map<String, List<Long>> actual = new TreeMap<>();
    List<String> tombstoned = new ArrayList<>();
    for (Map.Entry<String, String> e : last.entrySet()) {
      if (e.getValue() == null) {
        tombstoned.add(e.getKey());
        continue;
      }
      JsonNode row = JSON.readTree(e.getValue());
      assertEquals(e.getKey(), row.get("fruit").asText(), "the record key is the group key");
      actual.put(e.getKey(), List.of(row.get("orders").asLong(), row.get("qty").asLong()));
    }
    assertEquals(expected, actual, "the last record of each live group");
    List<String> emptied = new ArrayList<>(List.of(FRUITS));
    emptied.removeAll(expected.keySet());
    tombstoned.sort(null);
    emptied.sort(null);
    assertTrue(emptied.containsAll(List.of("date", "yuzu")), emptied::toString);
    if (everyBatchSmall) {
      assertEquals(emptied, tombstoned, "groups emptied by deletes end with a tombstone");
    } else {
      assertTrue(emptied.containsAll(tombstoned), () -> "tombstones " + tombstoned + " of live groups");
    }
  }

  @Test
  void anUpsertKafkaSinkEndsWithEachGroupsFinalStateAndTombstonesForEmptiedGroups() throws Exception {
    Map<Long, Object[]> table = new HashMap<>();
    List<String> changes = changelog(20261202, 1500, table);
    String topic = kafka.createTopic("totals", 1);
    Path config = dir.resolve("upsert.toml");
    Files.writeString(config, config("upsert", dir.resolve("cp"), changes, "0s", upsertSink(topic)));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("upsert"), 120, run(config));
    assertEquals(0, r.exit(), r.stderr());
    assertLastPerKeyIsTheFinalState(topic, finalState(table), true);
  }

  @Test
  void killedWithSigkillAfterACheckpointTheRestartedRunCommitsExactlyWhatAnUninterruptedRunDoes()
      throws Exception {
    Map<Long, Object[]> table = new HashMap<>();
    List<String> changes = changelog(7, 1500, table);
    // the reference: the same changelog in one uninterrupted run
    String reference = kafka.createTopic("reference", 1);
    Path referenceConfig = dir.resolve("reference.toml");
    Files.writeString(referenceConfig, config("reference", dir.resolve("cp-ref"), changes, "0s",
        upsertSink(reference)));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("reference"), 120, run(referenceConfig));
    assertEquals(0, r.exit(), r.stderr());

    // ~190 batches 25 ms apart: about 5 s of input, killed twice at random moments after a checkpoint
    String topic = kafka.createTopic("crash", 1);
    Path checkpoints = dir.resolve("cp-crash");
    Path config = dir.resolve("crash.toml");
    Files.writeString(config, config("crash", checkpoints, changes, "25ms", upsertSink(topic)));
    Random random = new Random(20261202);
    Path logs = dir.resolve("crash");
    for (int kill = 0; kill < 2; kill++) {
      ServerProcess server = LaminarProcess.start(logs, run(config));
      long before = latestCheckpoint(checkpoints);
      server.await("a checkpoint", 60, () -> latestCheckpoint(checkpoints) > before);
      Thread.sleep(random.nextInt(1500)); // a random moment, not a synchronisation
      assertTrue(server.isAlive(), () -> "laminar ended before the kill:\n" + server.stderr());
      server.kill();
    }
    ServerProcess server = LaminarProcess.start(logs, run(config));
    assertTrue(server.waitFor(120), "the restarted run did not finish");
    assertEquals(0, server.exitValue(), server.stderr());
    assertTrue(server.stderr().contains("restoring from checkpoint"), "the runs resumed from checkpoints:\n"
        + server.stderr());

    assertLastPerKeyIsTheFinalState(topic, finalState(table), true);
    List<String> expected = committed(reference);
    assertTrue(expected.size() > 100, "records: " + expected.size());
    assertEquals(expected, committed(topic), "exactly once: the committed records of the interrupted run");
  }

  /** A row of the changelog as Debezium's JSON for a table (id, fruit, qty). */
  private static String image(String[] cells) {
    return "{\"id\":" + cells[1] + ",\"fruit\":\"" + cells[2] + "\",\"qty\":" + cells[3] + "}";
  }

  /**
   * The changelog as Debezium would write it: one event per change (an update's -U/+U pair is one
   * {@code u} event), a tombstone after each delete, keyed and partitioned by row id, some events
   * inside the JSON converter's schema/payload wrapper.
   */
  private static int sendAsDebezium(List<String> changes, String topic, int partitions) throws Exception {
    Random r = new Random(3);
    int records = 0;
    try (KafkaProducer<byte[], byte[]> producer = kafka.newProducer(Map.of())) {
      for (int i = 0; i < changes.size(); i++) {
        String[] cells = changes.get(i).split(",");
        String event;
        switch (cells[0]) {
          case "+I" -> event = "{\"before\":null,\"after\":" + image(cells) + ",\"op\":\"c\"";
          case "-U" -> {
            String[] after = changes.get(++i).split(",");
            event = "{\"before\":" + image(cells) + ",\"after\":" + image(after) + ",\"op\":\"u\"";
          }
          case "-D" -> event = "{\"before\":" + image(cells) + ",\"after\":null,\"op\":\"d\"";
          default -> throw new AssertionError(changes.get(i));
        }
        event += ",\"source\":{\"connector\":\"postgresql\",\"table\":\"orders\"},\"ts_ms\":" + i + "}";
        if (r.nextBoolean()) {
          event = "{\"schema\":{\"type\":\"struct\",\"optional\":false},\"payload\":" + event + "}";
        }
        long id = Long.parseLong(cells[1]);
        byte[] key = ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8);
        int partition = (int) (id % partitions);
        producer.send(new ProducerRecord<>(topic, partition, key, event.getBytes(StandardCharsets.UTF_8)));
        records++;
        if (cells[0].equals("-D")) {
          producer.send(new ProducerRecord<>(topic, partition, key, null));
          records++;
        }
      }
      producer.flush();
    }
    return records;
  }

  @Test
  void debeziumEventsFromKafkaKeepAGroupByUpToDateInAnUpsertTopic() throws Exception {
    Map<Long, Object[]> table = new HashMap<>();
    List<String> changes = changelog(11, 1500, table);
    String in = kafka.createTopic("dbserver1.public.orders", 3);
    String out = kafka.createTopic("totals", 1);
    int records = sendAsDebezium(changes, in, 3);
    Path checkpoints = dir.resolve("cp");
    Path config = dir.resolve("debezium.toml");
    String source = """
        connector = "kafka"
        [source.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        format = "debezium-json"
        """.formatted(kafka.bootstrapServers(), in);
    String toml = config("debezium", checkpoints, List.of(), "0s", upsertSink(out)).replace("workers = 1", "workers = 2");
    // the same pipeline, with the kafka source in place of the scripted one
    toml = toml.substring(0, toml.indexOf("connector = \"test_changelog\"")) + source
        + toml.substring(toml.indexOf("[[source.schema]]"));
    Files.writeString(config, toml);

    ServerProcess server = LaminarProcess.start(dir.resolve("debezium"), run(config));
    Map<TopicPartition, Long> end = kafka.endOffsets(in);
    assertEquals(records, end.values().stream().mapToLong(Long::longValue).sum());
    server.await("all input read", 90, () -> Trades.checkpointedOffsets(checkpoints, "orders")
        .map(end::equals).orElse(false));
    assertEquals(0, server.stop(30), server.stderr());
    assertLastPerKeyIsTheFinalState(out, finalState(table), false);
  }

  @Test
  void theDebeziumExampleValidatesAgainstARealBroker() throws Exception {
    String orders = kafka.createTopic("dbserver1.public.orders", 1);
    String totals = kafka.createTopic("customer_totals", 1);
    Path example = Path.of("../../examples/kafka-debezium.toml").toAbsolutePath().normalize();
    String pluginsDir = LaminarProcess.pluginsDir(dir).toString();
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("example"), Map.of("KAFKA_BOOTSTRAP",
        kafka.bootstrapServers(), "ORDERS_TOPIC", orders, "TOTALS_TOPIC", totals), 120, "validate", "--plugins",
        pluginsDir, "-c", example.toString());
    assertEquals(0, r.exit(), r.stdout() + r.stderr());
    ServerProcess.Result explain = LaminarProcess.run(dir.resolve("explain"), Map.of("KAFKA_BOOTSTRAP",
        kafka.bootstrapServers()), 120, "explain", "--plugins", pluginsDir, "-c",
        example.toString(), "orders_per_minute");
    assertEquals(0, explain.exit(), explain.stderr());
    assertTrue(explain.stdout().contains("retract)  [append-only]"), explain.stdout());
  }

  /** The id in the {@code latest} pointer under {@code checkpoints}, or -1 before the first checkpoint. */
  private static long latestCheckpoint(Path checkpoints) {
    if (!Files.isDirectory(checkpoints)) {
      return -1;
    }
    try (Stream<Path> files = Files.walk(checkpoints)) {
      Path latest = files.filter(f -> f.getFileName().toString().equals("latest")).findFirst().orElse(null);
      return latest == null ? -1 : Long.parseLong(Files.readString(latest).trim());
    } catch (java.io.IOException | java.io.UncheckedIOException | NumberFormatException e) {
      return -1; // a checkpoint being written or rotated while read: look again
    }
  }
}
