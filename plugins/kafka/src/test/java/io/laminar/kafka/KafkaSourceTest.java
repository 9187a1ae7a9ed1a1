package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.BOOLEAN;
import static io.laminar.kafka.Fixtures.DATE;
import static io.laminar.kafka.Fixtures.DOUBLE;
import static io.laminar.kafka.Fixtures.FLOAT;
import static io.laminar.kafka.Fixtures.INT;
import static io.laminar.kafka.Fixtures.TIMESTAMP;
import static io.laminar.kafka.Fixtures.VARCHAR;
import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kafka source against one real broker. */
class KafkaSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Schema ID_SCHEMA = Fixtures.schema(col("id", BIGINT));

  private static EmbeddedKafka kafka;
  private BufferAllocator allocator;
  /** Readers and sources to close, in the order made (closed in reverse: readers before their source). */
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    kafka.close();
  }

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Fixtures.Context context(Schema schema, Map<String, ?> props) {
    Map<String, Object> all = new HashMap<>(props);
    all.putIfAbsent(KafkaSourceFactory.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    return Fixtures.context("orders", ConnectorKind.SOURCE, new KafkaSourceFactory().spec(), all, schema, allocator, null);
  }

  private Source source(Fixtures.Context ctx) throws ConnectorException {
    Source s = new KafkaSourceFactory().create(ctx);
    open.add(s);
    return s;
  }

  /** A reader of every partition of a new source, as the host makes it ({@code offsets} null: a fresh start). */
  private SplitReader open(Fixtures.Context ctx, Map<String, byte[]> offsets) throws ConnectorException {
    return reader(source(ctx), offsets);
  }

  private SplitReader reader(Source source, Map<String, byte[]> offsets) throws ConnectorException {
    SplitReader r = Fixtures.readerOfAll(source, offsets);
    open.add(r);
    return r;
  }

  /** A split's offsets as text (the partition's next offset). */
  private static Map<String, String> shown(Map<String, byte[]> offsets) {
    Map<String, String> out = new java.util.TreeMap<>();
    offsets.forEach((split, o) -> out.put(split, o == null ? null : new String(o, StandardCharsets.US_ASCII)));
    return out;
  }

  /**
   * What the host's discovery does: lists the splits again (every call waits at most poll.timeout
   * for the brokers) until {@code split} is among them, then hands it to {@code reader}.
   */
  private static void discover(Source source, SplitReader reader, String split) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!source.splits().contains(split)) {
      assertTrue(System.nanoTime() < deadline, "split " + split + " was not listed within " + WAIT);
    }
    Map<String, byte[]> added = new HashMap<>();
    added.put(split, null); // found by discovery: read from its beginning
    reader.addSplits(added);
  }

  private static List<String> ids(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "{\"id\":" + i + "}").toList();
  }

  private static Set<Long> idsOf(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (Long) r.get("id")).collect(Collectors.toSet());
  }

  @Test
  void jsonRecordsFromThreePartitionsArriveWithTheirTypes() throws Exception {
    String topic = kafka.createTopic("typed", 3);
    for (int p = 0; p < 3; p++) {
      kafka.send(topic, p, null, "{\"i\":" + p + ",\"b\":" + (10_000_000_000L + p) + ",\"d\":1.5,\"f\":2.5,"
          + "\"s\":\"p" + p + "\",\"ok\":true,\"ts\":\"2026-01-02T03:04:05.678Z\",\"day\":\"2026-01-31\"}");
    }
    Schema schema = Fixtures.schema(col("i", INT), col("b", BIGINT), col("d", DOUBLE), col("f", FLOAT),
        col("s", VARCHAR), col("ok", BOOLEAN), col("ts", TIMESTAMP), col("day", DATE));
    SplitReader source = open(context(schema, Map.of("topic", topic)), null);

    List<Map<String, Object>> rows = Fixtures.read(source, 3, WAIT);

    assertEquals(3, rows.size());
    rows.sort((a, b) -> Integer.compare((Integer) a.get("i"), (Integer) b.get("i")));
    for (int p = 0; p < 3; p++) {
      Map<String, Object> row = rows.get(p);
      assertEquals(p, row.get("i"));
      assertEquals(10_000_000_000L + p, row.get("b"));
      assertEquals(1.5, row.get("d"));
      assertEquals(2.5f, row.get("f"));
      assertEquals("p" + p, row.get("s"));
      assertEquals(true, row.get("ok"));
      assertEquals(Instant.parse("2026-01-02T03:04:05.678Z").toEpochMilli(), row.get("ts"));
      assertEquals(20484, row.get("day")); // 2026-01-31 in days since the epoch
    }
  }

  @Test
  void missingFieldsAreNull() throws Exception {
    String topic = kafka.createTopic("missing", 1);
    kafka.send(topic, 0, null, "{\"id\":1}");
    SplitReader source = open(context(Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("ts", TIMESTAMP)),
        Map.of("topic", topic)), null);

    List<Map<String, Object>> rows = Fixtures.read(source, 1, WAIT);

    assertEquals(1, rows.size());
    assertEquals(1L, rows.get(0).get("id"));
    assertNull(rows.get(0).get("name"));
    assertNull(rows.get(0).get("ts"));
  }

  @Test
  void reopeningAtSnapshottedOffsetsResumesWithoutLossOrDuplicates() throws Exception {
    String topic = kafka.createTopic("resume", 3);
    for (int p = 0; p < 3; p++) {
      kafka.sendAll(topic, p, ids(p * 100, p * 100 + 20));
    }
    SplitReader first = open(context(ID_SCHEMA, Map.of("topic", topic)), null);
    List<Map<String, Object>> before = Fixtures.read(first, 25, WAIT);
    Map<String, byte[]> offsets = first.snapshotOffsets();
    first.close();
    for (int p = 0; p < 3; p++) {
      kafka.sendAll(topic, p, ids(p * 100 + 20, p * 100 + 30));
    }

    SplitReader second = open(context(ID_SCHEMA, Map.of("topic", topic)), offsets);
    List<Map<String, Object>> after = Fixtures.read(second, 90 - before.size(), WAIT);
    after.addAll(Fixtures.drain(second, Duration.ofMillis(500)));

    assertEquals(25, before.size());
    Set<Long> all = new HashSet<>(idsOf(before));
    all.addAll(idsOf(after));
    assertEquals(90, before.size() + after.size(), "no duplicates");
    assertEquals(90, all.size(), "no loss");
  }

  @Test
  void snapshotOffsetsAreTheNextOffsetOfEachPartitionsSplit() throws Exception {
    String topic = kafka.createTopic("snapshot", 2);
    kafka.sendAll(topic, 0, ids(0, 3));
    SplitReader source = open(context(ID_SCHEMA, Map.of("topic", topic)), null);

    assertEquals(3, Fixtures.read(source, 3, WAIT).size());

    assertEquals(Map.of(topic + "-0", "3", topic + "-1", "0"), shown(source.snapshotOffsets()));
  }

  @Test
  void latestStartsAfterTheRecordsAlreadyThere() throws Exception {
    String topic = kafka.createTopic("latest", 2);
    kafka.sendAll(topic, 0, ids(0, 5));
    SplitReader source = open(context(ID_SCHEMA, Map.of("topic", topic, "startup.mode", "latest")), null);
    kafka.sendAll(topic, 1, ids(5, 7));

    List<Map<String, Object>> rows = Fixtures.read(source, 2, WAIT);
    rows.addAll(Fixtures.drain(source, Duration.ofMillis(300)));

    assertEquals(Set.of(5L, 6L), idsOf(rows));
    assertEquals(2, rows.size());
  }

  @Test
  void timestampStartsAtTheFirstRecordAtOrAfterIt() throws Exception {
    String topic = kafka.createTopic("timestamp", 1);
    for (int i = 0; i < 6; i++) {
      kafka.send(topic, 0, 1_000_000L + i * 1000, "{\"id\":" + i + "}");
    }
    SplitReader source = open(context(ID_SCHEMA, Map.of("topic", topic, "startup.mode", "timestamp",
        "startup.timestamp", 1_003_000L)), null);

    List<Map<String, Object>> rows = Fixtures.read(source, 3, WAIT);
    rows.addAll(Fixtures.drain(source, Duration.ofMillis(300)));

    assertEquals(Set.of(3L, 4L, 5L), idsOf(rows));
  }

  /** Polls until {@code expected} changes arrived, each as "op id,name,qty". */
  private static List<String> changes(SplitReader source, int expected) throws ConnectorException {
    List<String> out = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (out.size() < expected && System.nanoTime() < deadline) {
      SplitBatch polled = source.poll(100, Duration.ofMillis(200));
      if (polled == null) {
        continue;
      }
      try (Batch b = polled.batch()) {
        List<Map<String, Object>> rows = Fixtures.rows(b.data());
        for (int r = 0; r < rows.size(); r++) {
          Map<String, Object> row = rows.get(r);
          out.add(b.rowKind(r).shortString() + " " + row.get("id") + "," + row.get("name") + "," + row.get("qty"));
        }
      }
    }
    return out;
  }

  @Test
  void debeziumChangeEventsBecomeRowKindsWithOrWithoutTheSchemaWrapper() throws Exception {
    String topic = kafka.createTopic("dbz", 1);
    String source = ",\"source\":{\"connector\":\"postgresql\",\"lsn\":1},\"ts_ms\":1767225600000";
    kafka.sendAll(topic, 0, List.of(
        "{\"before\":null,\"after\":{\"id\":1,\"name\":\"apple\",\"qty\":5},\"op\":\"r\"" + source + "}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[]},\"payload\":{\"before\":null,"
            + "\"after\":{\"id\":2,\"name\":\"pear\",\"qty\":3},\"op\":\"c\"" + source + "}}",
        "{\"op\":\"u\",\"before\":{\"id\":1,\"name\":\"apple\",\"qty\":5},"
            + "\"after\":{\"id\":1,\"name\":\"apple\",\"qty\":7}" + source + "}",
        "{\"before\":{\"id\":2,\"name\":\"pear\",\"qty\":4},\"after\":null,\"op\":\"d\"}"));
    kafka.send(topic, 0, null, null); // the tombstone Debezium writes after a delete
    kafka.send(topic, 0, null, "{\"schema\":null,\"payload\":null}");
    kafka.send(topic, 0, null, "{\"before\":null,\"after\":{\"id\":3,\"name\":null,\"qty\":null},\"op\":\"c\"}");
    Schema schema = Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("qty", INT));
    Source dbz = source(context(schema, Map.of("topic", topic, "format", "debezium-json")));
    assertEquals(ChangelogMode.ALL, dbz.changelogMode());
    SplitReader s = reader(dbz, null);

    assertEquals(List.of("+I 1,apple,5", "+I 2,pear,3", "-U 1,apple,5", "+U 1,apple,7", "-D 2,pear,4",
        "+I 3,null,null"), changes(s, 6));
    // the position is past the tombstones too
    assertEquals(Map.of(topic + "-0", "7"), shown(s.snapshotOffsets()));
    Source plain = source(context(schema, Map.of("topic", topic)));
    assertEquals(ChangelogMode.APPEND_ONLY, plain.changelogMode());
  }

  @Test
  void aDebeziumUpdateWithoutItsBeforeRowFailsNamingTopicPartitionAndOffset() throws Exception {
    String topic = kafka.createTopic("dbz-no-before", 1);
    // PostgreSQL's default replica identity: the update carries only the new row, which an updating
    // GROUP BY would add to the old one's count without taking that back
    kafka.sendAll(topic, 0, List.of("{\"before\":null,\"after\":{\"id\":2},\"op\":\"c\"}",
        "{\"before\":null,\"after\":{\"id\":2},\"op\":\"u\"}"));
    SplitReader s = open(context(ID_SCHEMA, Map.of("topic", topic, "format", "debezium-json")), null);

    ConnectorException e = assertThrows(ConnectorException.class, () -> Fixtures.read(s, 3, WAIT));

    assertEquals(ConnectorException.Kind.RUNTIME, e.kind());
    assertTrue(e.getMessage().startsWith("cannot decode the record at topic " + topic + ", partition 0, offset 1:"
        + " op 'u' needs its 'before' row"), e.getMessage());
  }

  @Test
  void aDebeziumDeleteWithoutItsBeforeRowIsSkippedAndCountedWithOnErrorSkip() throws Exception {
    String topic = kafka.createTopic("dbz-skip", 1);
    kafka.sendAll(topic, 0, List.of("{\"before\":null,\"after\":null,\"op\":\"d\"}",
        "{\"after\":{\"id\":1},\"op\":\"x\"}", "{\"after\":{\"id\":\"one\"},\"op\":\"c\"}",
        "{\"id\":1}", "{\"after\":{\"id\":9},\"op\":\"c\"}"));
    Fixtures.Context ctx = context(ID_SCHEMA, Map.of("topic", topic, "format", "debezium-json", "on.error", "skip"));
    SplitReader s = open(ctx, null);
    List<Map<String, Object>> rows = Fixtures.read(s, 1, WAIT);
    assertEquals(Set.of(9L), idsOf(rows));
    assertEquals(4, ctx.metrics().counter("records_skipped_total"));
  }

  @Test
  void malformedRecordsAreSkippedAndCountedWithOnErrorSkip() throws Exception {
    String topic = kafka.createTopic("skip", 1);
    kafka.sendAll(topic, 0, List.of("{\"id\":1}", "{\"id\":", "{\"id\":\"two\"}", "{\"id\":3}"));
    Fixtures.Context ctx = context(ID_SCHEMA, Map.of("topic", topic, "on.error", "skip"));
    SplitReader source = open(ctx, null);

    List<Map<String, Object>> rows = Fixtures.read(source, 2, WAIT);

    assertEquals(Set.of(1L, 3L), idsOf(rows));
    assertEquals(2, ctx.metrics().counter("records_skipped_total"));
    assertEquals(Map.of(topic + "-0", "4"), shown(source.snapshotOffsets()));
  }

  @Test
  void malformedRecordWithOnErrorFailNamesTopicPartitionAndOffset() throws Exception {
    String topic = kafka.createTopic("fail", 1);
    kafka.sendAll(topic, 0, List.of("{\"id\":1}", "not json"));
    SplitReader source = open(context(ID_SCHEMA, Map.of("topic", topic)), null);

    ConnectorException e = assertThrows(ConnectorException.class, () -> Fixtures.read(source, 2, WAIT));

    assertEquals(ConnectorException.Kind.RUNTIME, e.kind());
    assertTrue(e.getMessage().contains("topic " + topic + ", partition 0, offset 1"), e.getMessage());
    assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
  }

  @Test
  void aPartitionAddedWhileRunningIsReadFromItsBeginning() throws Exception {
    String topic = kafka.createTopic("grow", 1);
    kafka.sendAll(topic, 0, ids(0, 2));
    Source source = source(context(ID_SCHEMA, Map.of("topic", topic,
        "partition.discovery.interval", Duration.ofMillis(200))));
    assertEquals(Duration.ofMillis(200), source.splitDiscoveryInterval());
    SplitReader reader = reader(source, null);
    assertEquals(2, Fixtures.read(reader, 2, WAIT).size());

    kafka.addPartitions(topic, 2);
    kafka.sendAll(topic, 1, ids(2, 5));
    discover(source, reader, topic + "-1");
    List<Map<String, Object>> rows = Fixtures.read(reader, 3, WAIT);

    assertEquals(Set.of(2L, 3L, 4L), idsOf(rows));
    assertEquals(Map.of(topic + "-0", "2", topic + "-1", "3"), shown(reader.snapshotOffsets()));
  }

  @Test
  void kafkaTimestampFillsTheFirstTimestampColumnTheRecordLacks() throws Exception {
    String topic = kafka.createTopic("kts", 1);
    kafka.send(topic, 0, 1_234_567L, "{\"id\":1,\"event_time\":\"2026-01-01T00:00:00Z\"}");
    Schema schema = Fixtures.schema(col("id", BIGINT), col("event_time", TIMESTAMP), col("kafka_time", TIMESTAMP));
    SplitReader source = open(context(schema, Map.of("topic", topic, "ts_column", "$kafka.timestamp")), null);

    List<Map<String, Object>> rows = Fixtures.read(source, 1, WAIT);

    assertEquals(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), rows.get(0).get("event_time"));
    assertEquals(1_234_567L, rows.get(0).get("kafka_time"));
  }

  @Test
  void csvRecordsFollowTheSchemaColumnOrder() throws Exception {
    String topic = kafka.createTopic("csv", 1);
    kafka.sendAll(topic, 0, List.of("1,\"hello, world\",2026-01-01T00:00:00Z", "2,,"));
    Schema schema = Fixtures.schema(col("id", BIGINT), col("text", VARCHAR), col("ts", TIMESTAMP));
    SplitReader source = open(context(schema, Map.of("topic", topic, "format", "csv")), null);

    List<Map<String, Object>> rows = Fixtures.read(source, 2, WAIT);

    assertEquals("hello, world", rows.get(0).get("text"));
    assertEquals(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), rows.get(0).get("ts"));
    assertEquals("", rows.get(1).get("text"));
    assertNull(rows.get(1).get("ts"));
  }

  @Test
  void lagGaugeCountsRecordsNotYetHandedOut() throws Exception {
    String topic = kafka.createTopic("lag", 1);
    kafka.sendAll(topic, 0, ids(0, 10));
    Fixtures.Context ctx = context(ID_SCHEMA, Map.of("topic", topic));
    SplitReader source = open(ctx, null);

    assertEquals(4, Fixtures.read(source, 4, WAIT).size());

    assertEquals(6.0, ctx.metrics().gauge("lag_records"));
  }

  @Test
  void lagGaugesPerPartitionAndInTotalCountWhatIsNotHandedOutYet() throws Exception {
    String topic = kafka.createTopic("lag-partitions", 4);
    int[] sizes = {10, 3, 0, 7};
    for (int p = 0; p < 4; p++) {
      kafka.sendAll(topic, p, ids(p * 100, p * 100 + sizes[p]));
    }
    Fixtures.Context ctx = context(ID_SCHEMA, Map.of("topic", topic));
    SplitReader source = open(ctx, null);
    Map<Map<String, String>, Double> expectedAtOpen = new HashMap<>();
    for (int p = 0; p < 4; p++) {
      expectedAtOpen.put(Map.of("partition", topic + "-" + p), (double) sizes[p]);
    }
    assertEquals(expectedAtOpen, ctx.metrics().series("lag_records"), "before the first poll");
    assertEquals(20.0, ctx.metrics().gauge("lag_records"));

    assertEquals(6, Fixtures.read(source, 6, WAIT).size());

    // each partition's lag is its end offset minus the position after the rows handed out
    Map<String, String> handedOut = shown(source.snapshotOffsets());
    Map<Map<String, String>, Double> expected = new HashMap<>();
    double total = 0;
    for (int p = 0; p < 4; p++) {
      double lag = sizes[p] - Long.parseLong(handedOut.get(topic + "-" + p));
      expected.put(Map.of("partition", topic + "-" + p), lag);
      total += lag;
    }
    assertEquals(14.0, total);
    assertEquals(expected, ctx.metrics().series("lag_records"));
    assertEquals(14.0, ctx.metrics().gauge("lag_records"));

    assertEquals(14, Fixtures.read(source, 14, WAIT).size());
    Fixtures.drain(source, Duration.ofMillis(300)); // one more poll: every partition's fetch has answered
    ctx.metrics().series("lag_records").forEach((tags, lag) -> assertEquals(0.0, lag, tags.toString()));
    assertEquals(0.0, ctx.metrics().gauge("lag_records"));
  }

  @Test
  void aPartitionFoundWhileRunningGetsItsOwnLagGauge() throws Exception {
    String topic = kafka.createTopic("lag-grow", 1);
    kafka.sendAll(topic, 0, ids(0, 2));
    Fixtures.Context ctx = context(ID_SCHEMA, Map.of("topic", topic,
        "partition.discovery.interval", Duration.ofMillis(200)));
    Source source = source(ctx);
    SplitReader reader = reader(source, null);
    assertEquals(2, Fixtures.read(reader, 2, WAIT).size());

    kafka.addPartitions(topic, 2);
    kafka.sendAll(topic, 1, ids(2, 5));
    discover(source, reader, topic + "-1");
    assertEquals(3, Fixtures.read(reader, 3, WAIT).size());

    assertEquals(Map.of(Map.of("partition", topic + "-0"), 0.0, Map.of("partition", topic + "-1"), 0.0),
        ctx.metrics().series("lag_records"));
  }

  @Test
  void everyPartitionIsASplitAndEachReaderReadsOnlyItsOwnOneSplitPerBatch() throws Exception {
    String topic = kafka.createTopic("splits", 4);
    int[] sizes = {50, 5, 0, 20};
    for (int p = 0; p < 4; p++) {
      kafka.sendAll(topic, p, ids(p * 1000, p * 1000 + sizes[p]));
    }
    Fixtures.Context ctx = context(ID_SCHEMA, Map.of("topic", topic));
    Source source = source(ctx);
    List<String> splits = source.splits();
    assertEquals(List.of(topic + "-0", topic + "-1", topic + "-2", topic + "-3"), splits);
    assertEquals(Map.of(), source.remapOffsets(Map.of(), splits));
    Map<String, byte[]> even = new HashMap<>();
    even.put(topic + "-0", null);
    even.put(topic + "-2", null);
    Map<String, byte[]> odd = new HashMap<>();
    odd.put(topic + "-1", null);
    odd.put(topic + "-3", null);
    SplitReader first = source.createReader(even);
    open.add(first);
    SplitReader second = source.createReader(odd);
    open.add(second);

    Map<String, List<Long>> bySplit = new java.util.TreeMap<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    int rows = 0;
    while (rows < 75 && System.nanoTime() < deadline) {
      for (SplitReader r : List.of(first, second)) {
        SplitBatch b = r.poll(7, Duration.ofMillis(100));
        if (b == null) {
          continue;
        }
        try (Batch batch = b.batch()) {
          assertTrue((r == first ? even : odd).containsKey(b.split()), b.split() + " from the wrong reader");
          for (Map<String, Object> row : Fixtures.rows(batch.data())) {
            long id = (Long) row.get("id");
            assertEquals(topic + "-" + id / 1000, b.split(), "row " + id + " in a batch of another partition");
            bySplit.computeIfAbsent(b.split(), k -> new ArrayList<>()).add(id);
            rows++;
          }
        }
      }
    }
    Map<String, List<Long>> expected = new java.util.TreeMap<>();
    for (int p = 0; p < 4; p++) {
      if (sizes[p] > 0) {
        expected.put(topic + "-" + p, IntStream.range(p * 1000, p * 1000 + sizes[p]).mapToObj(i -> (long) i).toList());
      }
    }
    assertEquals(expected, bySplit, "every record once, in partition order");
    assertEquals(List.of(), Fixtures.drain(first, Duration.ofMillis(300)));
    assertEquals(List.of(), Fixtures.drain(second, Duration.ofMillis(300)));
    assertEquals(Map.of(topic + "-0", "50", topic + "-2", "0"), shown(first.snapshotOffsets()));
    assertEquals(Map.of(topic + "-1", "5", topic + "-3", "20"), shown(second.snapshotOffsets()));
    assertEquals(0.0, ctx.metrics().gauge("lag_records"), "the total over both readers");
  }

  @Test
  void aCheckpointOfTheSingleReaderSourceRestoresEveryPartitionAtItsOffset() throws Exception {
    String topic = kafka.createTopic("old-offsets", 3);
    for (int p = 0; p < 3; p++) {
      kafka.sendAll(topic, p, ids(p * 100, p * 100 + 10));
    }
    // what the single-reader source checkpointed: the whole topic's JSON, which the host reads as
    // the default split's offsets; partition 2 had no entry yet, and the topic 'gone' is no longer read
    byte[] old = ("{\"" + topic + "\":{\"0\":3,\"1\":10},\"gone\":{\"0\":5}}").getBytes(StandardCharsets.UTF_8);
    Source source = source(context(ID_SCHEMA, Map.of("topic", topic, "startup.mode", "latest")));
    List<String> splits = source.splits();

    Map<String, byte[]> mapped = source.remapOffsets(Map.of(Source.DEFAULT_SPLIT, old), splits);

    assertEquals(Map.of(topic + "-0", "3", topic + "-1", "10", "gone-0", "5"), shown(mapped),
        "per partition (the host drops gone-0, which the source does not list)");
    Map<String, byte[]> mine = new HashMap<>();
    splits.forEach(split -> mine.put(split, mapped.get(split)));
    SplitReader reader = source.createReader(mine);
    open.add(reader);
    List<Map<String, Object>> rows = Fixtures.read(reader, 17, WAIT);
    rows.addAll(Fixtures.drain(reader, Duration.ofMillis(300)));

    Set<Long> expected = new HashSet<>();
    IntStream.range(3, 10).forEach(i -> expected.add((long) i));
    IntStream.range(200, 210).forEach(i -> expected.add((long) i)); // no offsets in a resumed run: from the beginning
    assertEquals(expected, idsOf(rows));
    assertEquals(17, rows.size(), "no record twice");
    assertEquals(Map.of(topic + "-0", "10", topic + "-1", "10", topic + "-2", "10"), shown(reader.snapshotOffsets()));
  }

  @Test
  void unusableOffsetsOfASplitFailNamingTheSplit() throws Exception {
    String topic = kafka.createTopic("bad-offsets", 1);
    Source source = source(context(ID_SCHEMA, Map.of("topic", topic)));
    Map<String, byte[]> bad = new HashMap<>();
    bad.put(topic + "-0", "{\"x\":1}".getBytes(StandardCharsets.UTF_8));

    ConnectorException e = assertThrows(ConnectorException.class, () -> source.createReader(bad));

    assertEquals(ConnectorException.Kind.RUNTIME, e.kind());
    assertTrue(e.getMessage().contains("split '" + topic + "-0'"), e.getMessage());
  }

  @Test
  void aTopicThatDoesNotExistFailsOpenWithConnectionFailed() {
    Fixtures.Context ctx = context(ID_SCHEMA, Map.of("topic", "no-such-topic"));

    ConnectorException e = assertThrows(ConnectorException.class, () -> open(ctx, null));

    assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
    assertTrue(e.getMessage().contains("topic 'no-such-topic' does not exist"), e.getMessage());
  }
}
