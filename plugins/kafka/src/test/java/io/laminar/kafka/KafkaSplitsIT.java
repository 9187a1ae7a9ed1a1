package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.kafka.Trades.Agg;
import io.laminar.kafka.Trades.Key;
import io.laminar.kafka.Trades.Trade;
import io.laminar.state.CheckpointStore;
import io.laminar.state.CheckpointWriter;
import io.laminar.state.RestoredCheckpoint;
import io.laminar.testkit.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka partitions as splits through the real server (a child JVM running {@code laminar run}
 * with the packaged kafka plugin, two workers): each partition has its own watermark, so a backlog
 * read partition by partition makes no row late; a partition without records stops holding the
 * windows after {@code idle_timeout} and holds them again when it produces; SIGKILLs lose and
 * double nothing; and a checkpoint written by the single-reader kafka source (the whole topic's
 * offsets under the default split) restores exactly.
 */
class KafkaSplitsIT {
  private static final Pattern LISTENING = Pattern.compile("HTTP API listening on (http://127\\.0\\.0\\.1:\\d+)");
  private static final String[] SYMBOLS = {"AAPL", "MSFT", "GOOG", "NVDA"};
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

  private static String[] run(Path config) {
    return new String[] {"run", "--plugins", LaminarProcess.KAFKA_PLUGIN.getParent().toString(), "-c",
        config.toString()};
  }

  /** Large record batches: a fetch brings each partition's records in big steps, far apart in event time. */
  private static KafkaProducer<byte[], byte[]> bulkProducer() {
    return kafka.newProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int partition, Trade t) {
    producer.send(new ProducerRecord<>(topic, partition, null, t.json().getBytes(StandardCharsets.UTF_8)));
  }

  /** The config of {@link Trades#config} with two workers, large fetches and the given watermark lines. */
  private Path config(String name, String in, String out, String watermark) throws Exception {
    String text = Trades.config(name, dir.resolve("cp"), kafka.bootstrapServers(), in, out, "exactly_once", 2, false);
    String bound = "max_out_of_orderness = \"2s\"\n";
    assertTrue(text.contains(bound));
    Path config = dir.resolve(name + ".toml");
    Files.writeString(config, text.replace(bound, watermark));
    return config;
  }

  /**
   * The case: a backlog on four partitions of very different sizes and time ranges, read
   * with a 500 ms bound. Read as one stream, the consumer hands out thousands of records of one
   * partition (tens of seconds of event time) before the next, so a watermark per topic drops most
   * of the others' rows as late; per partition none is late.
   */
  @Test
  void anUnevenBacklogOfFourPartitionsDropsNoRowAsLate() throws Exception {
    String in = kafka.createTopic("uneven", 4);
    String out = kafka.createTopic("uneven-out", 1);
    Random random = new Random(20261202);
    // {records, first event time, step} per partition, in ms from T0
    int[][] shape = {{30_000, 0, 1}, {3_000, 0, 10}, {15_000, 0, 1}, {300, 10_000, 60}};
    List<Trade> trades = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = bulkProducer()) {
      for (int p = 0; p < shape.length; p++) {
        for (int i = 0; i < shape[p][0]; i++) {
          // in order within the partition but for up to 200 ms of jitter, well inside the 500 ms bound
          long ts = Trades.T0 + shape[p][1] + (long) i * shape[p][2] + 200 - random.nextInt(201);
          Trade t = new Trade(SYMBOLS[random.nextInt(SYMBOLS.length)], 10 + random.nextInt(49_000) / 100.0,
              1 + random.nextInt(100), ts);
          trades.add(t);
          send(producer, in, p, t);
        }
      }
      producer.flush();
    }
    Path config = config("uneven", in, out, "max_out_of_orderness = \"500ms\"\n");

    ServerProcess server = LaminarProcess.start(dir.resolve("uneven"), run(config));
    Map<Key, Agg> expected = Trades.expected(trades);
    finish(server, in, out, 4, expected.size());
    assertEquals(0L, lateRowsDropped(server), "late rows of pipeline 'stats'");
    assertEquals(0, server.stop(30), server.stderr());
    Trades.assertExactly(expected, kafka.readAll(out, "read_committed"));
  }

  /**
   * Partitions 0 and 1 get trades all the time, partition 2 none at first: the windows fire once
   * its idle timeout passed. Then partition 2 produces, its event time far behind the others': it
   * holds the watermark again, so none of its rows is late although the others run seconds ahead.
   */
  @Test
  void anIdlePartitionStopsHoldingTheWindowsAndHoldsThemAgainWhenItProduces() throws Exception {
    String in = kafka.createTopic("idle", 3);
    String out = kafka.createTopic("idle-out", 1);
    Path config = config("idle", in, out, "max_out_of_orderness = \"200ms\"\nidle_timeout = \"3s\"\n");
    List<Trade> trades = Collections.synchronizedList(new ArrayList<>());
    AtomicLong eventTime = new AtomicLong(Trades.T0);
    AtomicBoolean feeding = new AtomicBoolean(true);
    AtomicReference<Exception> failure = new AtomicReference<>();
    Random random = new Random(7);
    Thread busy = new Thread(() -> {
      try (KafkaProducer<byte[], byte[]> producer = kafka.newProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
        while (feeding.get()) {
          long ts = eventTime.addAndGet(50);
          for (int p = 0; p < 2; p++) {
            Trade t = new Trade(SYMBOLS[random.nextInt(SYMBOLS.length)], 10 + random.nextInt(1000) / 10.0,
                1 + random.nextInt(100), ts);
            trades.add(t);
            send(producer, in, p, t);
          }
          producer.flush();
          Thread.sleep(50); // the pace of the input (1 s of event time a second), not a wait for a condition
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }, "busy-partitions");
    busy.start();
    ServerProcess server = LaminarProcess.start(dir.resolve("idle"), run(config));
    try {
      server.await("windows fired while partition 2 has no record", 90,
          () -> !kafka.readAll(out, "read_committed").isEmpty());

      // partition 2 produces, 2 s of event time ahead of the others, then 10× slower than they do
      long start = eventTime.get() + 2000;
      try (KafkaProducer<byte[], byte[]> producer = kafka.newProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
        for (int j = 0; j < 60; j++) {
          Trade t = new Trade("AAPL", 20, 1, start + j * 20L);
          trades.add(t);
          send(producer, in, 2, t);
          producer.flush();
          Thread.sleep(100); // the pace of partition 2's input
        }
      }
      assertTrue(eventTime.get() > start + 60 * 20L + 500, "the busy partitions ran ahead of partition 2");
    } finally {
      feeding.set(false);
      busy.join(30_000);
    }
    assertEquals(null, failure.get());

    Map<Key, Agg> expected = Trades.expected(List.copyOf(trades));
    finish(server, in, out, 3, expected.size());
    assertEquals(0L, lateRowsDropped(server), "late rows of pipeline 'stats'");
    assertEquals(0, server.stop(30), server.stderr());
    Trades.assertExactly(expected, kafka.readAll(out, "read_committed"));
  }

  /** Two workers reading four partitions as splits, killed with SIGKILL again and again: every window once. */
  @Test
  void killedWithSigkillRepeatedlyTwoWorkersOfFourPartitionsCommitEveryWindowExactlyOnce() throws Exception {
    String in = kafka.createTopic("splits-crash", 4);
    String out = kafka.createTopic("splits-crash-out", 1);
    List<Trade> trades = Trades.generate(23, 8000, 2, 500);
    Path config = config("crash", in, out, "max_out_of_orderness = \"2s\"\n");

    AtomicInteger produced = new AtomicInteger();
    AtomicReference<Exception> producerFailure = new AtomicReference<>();
    Thread feeder = new Thread(() -> {
      try (KafkaProducer<byte[], byte[]> producer = kafka.newProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
        for (int i = 0; i < trades.size(); i += 50) {
          int to = Math.min(trades.size(), i + 50);
          Trades.send(producer, in, 4, trades, i, to);
          producer.flush();
          produced.set(to);
          Thread.sleep(100); // the pace of the input
        }
      } catch (Exception e) {
        producerFailure.set(e);
      }
    }, "trade-feeder");
    feeder.start();

    Random random = new Random(20261202);
    Path logs = dir.resolve("crash");
    for (int kills = 0; kills < 6; kills++) {
      ServerProcess server = LaminarProcess.start(logs, run(config));
      Thread.sleep(1200 + random.nextInt(2300)); // when to kill: a random point of the run, not a wait
      assertTrue(server.isAlive(), () -> "laminar ended before the kill:\n" + server.stderr());
      server.kill();
    }
    feeder.join(60_000);
    assertEquals(null, producerFailure.get());
    assertEquals(trades.size(), produced.get());

    ServerProcess server = LaminarProcess.start(logs, run(config));
    Map<Key, Agg> expected = Trades.expected(trades);
    finish(server, in, out, 4, expected.size());
    assertEquals(0, server.stop(30), server.stderr());
    Trades.assertExactly(expected, kafka.readAll(out, "read_committed"));
  }

  /**
   * A checkpoint of the single-reader kafka source — its offsets file the whole topic's
   * {@link Offsets} JSON, which the host reads as the default split's — restores each partition at
   * its offset: the committed output is exactly an uninterrupted run's (re-reading the topic, as
   * dropping those offsets would, doubles windows).
   */
  @Test
  void aCheckpointOfTheSingleReaderSourceRestoresEveryPartitionAtItsOffset() throws Exception {
    String in = kafka.createTopic("old-checkpoint", 4);
    String out = kafka.createTopic("old-checkpoint-out", 1);
    List<Trade> trades = Trades.generate(29, 4000, 3, 400);
    Path config = config("old", in, out, "max_out_of_orderness = \"2s\"\n");
    try (KafkaProducer<byte[], byte[]> producer = bulkProducer()) {
      Trades.send(producer, in, 4, trades, 0, 2000);
      producer.flush();
    }
    ServerProcess first = LaminarProcess.start(dir.resolve("old-1"), run(config));
    Map<TopicPartition, Long> half = kafka.endOffsets(in);
    first.await("the first half read", 90, () -> Trades.checkpointedOffsets(dir.resolve("cp"), "trades")
        .map(half::equals).orElse(false));
    assertEquals(0, first.stop(30), first.stderr());

    Map<TopicPartition, Long> saved = rewriteOffsetsAsTheSingleReaderSource(dir.resolve("cp"));
    assertEquals(half, saved);

    try (KafkaProducer<byte[], byte[]> producer = bulkProducer()) {
      Trades.send(producer, in, 4, trades, 2000, trades.size());
      producer.flush();
    }
    ServerProcess second = LaminarProcess.start(dir.resolve("old-2"), run(config));
    Map<Key, Agg> expected = Trades.expected(trades);
    finish(second, in, out, 4, expected.size());
    assertEquals(0, second.stop(30), second.stderr());
    assertTrue(second.stderr().contains("restores offsets of 4 partitions checkpointed by the single-reader kafka"
        + " source"), second.stderr());
    Trades.assertExactly(expected, kafka.readAll(out, "read_committed"));
  }

  /**
   * Writes a new latest checkpoint equal to the latest one but for the kafka source's offsets file,
   * which holds the {@link Offsets} JSON as the single-reader source wrote it; returns those offsets.
   */
  private static Map<TopicPartition, Long> rewriteOffsetsAsTheSingleReaderSource(Path checkpoints) throws Exception {
    String offsetsFile = "source-trades.offsets";
    String configHash;
    Map<String, String> metadata;
    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    try (CheckpointStore store = new CheckpointStore(checkpoints, 3, "reading")) {
      RestoredCheckpoint latest = store.latestValid().orElseThrow();
      configHash = latest.configHash();
      metadata = latest.metadata();
      for (String name : latest.fileNames()) {
        files.put(name, latest.read(name));
      }
    }
    byte[] split = files.get(offsetsFile);
    assertTrue(split != null && new String(split, StandardCharsets.US_ASCII).startsWith("LMNSPLT1"),
        "the offsets file is per split: " + files.keySet());
    Map<TopicPartition, Long> offsets = Trades.decodeOffsetsFile(split);
    files.put(offsetsFile, Trades.singleReaderOffsets(offsets));
    try (CheckpointStore store = new CheckpointStore(checkpoints, 3, configHash)) {
      try (CheckpointWriter writer = store.begin(store.nextId())) {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          writer.put(f.getKey(), f.getValue());
        }
        writer.commit(metadata);
      }
    }
    return offsets;
  }

  /**
   * Waits until the server has read all input (its checkpointed offsets reach the end offsets), then
   * sends the flush trade to every partition and waits until {@code windows} rows are committed.
   */
  private void finish(ServerProcess server, String in, String out, int partitions, int windows) throws Exception {
    Map<TopicPartition, Long> end = kafka.endOffsets(in);
    server.await("all input read", 120, () -> Trades.checkpointedOffsets(dir.resolve("cp"), "trades")
        .map(end::equals).orElse(false));
    try (KafkaProducer<byte[], byte[]> producer = kafka.newProducer(Map.of())) {
      Trades.sendFlush(producer, in, partitions);
    }
    server.await(windows + " windows committed", 90, () -> kafka.readAll(out, "read_committed").size() >= windows);
  }

  /** {@code laminar_pipeline_late_rows_dropped_total} of every pipeline, from the server's /metrics. */
  private static long lateRowsDropped(ServerProcess server) throws Exception {
    Matcher m = LISTENING.matcher(server.stderr());
    assertTrue(m.find(), server.stderr());
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(m.group(1) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    long total = 0;
    boolean found = false;
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith("laminar_pipeline_late_rows_dropped_total{")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    assertTrue(found, "no late-row counter in /metrics:\n" + metrics.body());
    return total;
  }
}
