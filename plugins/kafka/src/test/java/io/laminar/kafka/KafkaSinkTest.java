package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.DOUBLE;
import static io.laminar.kafka.Fixtures.TIMESTAMP;
import static io.laminar.kafka.Fixtures.VARCHAR;
import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kafka sink against one real broker. */
class KafkaSinkTest {
  private static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("ts", TIMESTAMP),
      col("score", DOUBLE));

  private static EmbeddedKafka kafka;
  private BufferAllocator allocator;
  private final List<Sink> open = new ArrayList<>();
  @TempDir
  Path dataDir;

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
  void noLeaks() throws ConnectorException {
    for (Sink s : open) {
      s.close();
    }
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Sink sink(String name, String topic, DeliveryGuarantee delivery, Map<String, ?> extra) throws Exception {
    Sink s = unopened(name, topic, delivery, extra);
    s.open(0);
    return s;
  }

  /** A sink whose data directory is per instance name, as on a server: a restart finds its files. */
  private Sink unopened(String name, String topic, DeliveryGuarantee delivery, Map<String, ?> extra)
      throws Exception {
    Map<String, Object> props = new java.util.HashMap<>(extra);
    props.put(KafkaSinkFactory.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    props.put(KafkaSinkFactory.TOPIC, topic);
    Sink s = new KafkaSinkFactory().create(Fixtures.context(name, ConnectorKind.SINK, new KafkaSinkFactory().spec(),
        props, SCHEMA, allocator, delivery, dataDir.resolve(name)));
    open.add(s);
    return s;
  }

  /**
   * Sink {@code name} prepares epoch 1 with rows [0, 10) and then "crashes": it is neither
   * committed nor closed during the test (its producer stays alive, so nothing aborts the
   * transaction); {@link #noLeaks} closes it afterwards.
   */
  private void crashAfterPrepare(String name, String topic) throws Exception {
    Sink crashed = sink(name, topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    write(crashed, 0, 10);
    crashed.prepareCommit(1);
  }

  /** Writes rows with ids [from, to) in one batch. */
  private void write(Sink sink, int from, int to) throws ConnectorException {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector name = (VarCharVector) root.getVector("name");
    TimeStampMilliVector ts = (TimeStampMilliVector) root.getVector("ts");
    Float8Vector score = (Float8Vector) root.getVector("score");
    for (int i = 0; i < to - from; i++) {
      id.setSafe(i, from + i);
      name.setSafe(i, ("n" + (from + i)).getBytes(StandardCharsets.UTF_8));
      ts.setSafe(i, 1_767_225_600_000L); // 2026-01-01T00:00:00Z
      if (i % 2 == 0) {
        score.setSafe(i, 0.5);
      } else {
        score.setNull(i);
      }
    }
    root.setRowCount(to - from);
    try (Batch batch = Batch.of(root)) {
      sink.write(batch);
    }
  }

  /**
   * The committed records, read again (within a deadline) until at least {@code atLeast} are visible:
   * the broker writes a commit's markers after {@code commitTransaction} returns, and until then the
   * last stable offset stays before the transaction, the more so while a next one is open.
   */
  private static List<ConsumerRecord<String, String>> committed(String topic, int atLeast) {
    return readUntil(topic, "read_committed", atLeast);
  }

  /** The records {@code isolation} reads, read again (within a deadline) until at least {@code atLeast} are there. */
  private static List<ConsumerRecord<String, String>> readUntil(String topic, String isolation, int atLeast) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    List<ConsumerRecord<String, String>> records = kafka.readAll(topic, isolation);
    while (records.size() < atLeast && System.nanoTime() < deadline) {
      records = kafka.readAll(topic, isolation);
    }
    return records;
  }

  private static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  @Test
  void producerDefaultsApplyAndTheUsersKafkaSettingsOverrideThem() throws Exception {
    Map<String, Object> eos = ((KafkaSink) unopened("defaults", "t", DeliveryGuarantee.EXACTLY_ONCE, Map.of()))
        .producerConfig(null, "");
    assertEquals(256 * 1024, eos.get("batch.size"));
    assertEquals(10, eos.get("retry.backoff.ms"));
    assertEquals("all", eos.get("acks"));

    Map<String, Object> atLeastOnce = ((KafkaSink) unopened("defaults-alo", "t", DeliveryGuarantee.AT_LEAST_ONCE,
        Map.of("kafka.batch.size", "16384"))).producerConfig(null, "");
    assertEquals("16384", atLeastOnce.get("batch.size"));
    assertNull(atLeastOnce.get("retry.backoff.ms"));
    Map<String, Object> overridden = ((KafkaSink) unopened("defaults-eos", "t", DeliveryGuarantee.EXACTLY_ONCE,
        Map.of("kafka.retry.backoff.ms", "100"))).producerConfig(null, "");
    assertEquals("100", overridden.get("retry.backoff.ms"));
  }

  @Test
  void atLeastOnceWritesEveryRowAsJson() throws Exception {
    String topic = kafka.createTopic("alo", 2);
    Sink sink = sink("out", topic, DeliveryGuarantee.AT_LEAST_ONCE, Map.of());

    write(sink, 0, 50);
    write(sink, 50, 100);
    sink.prepareCommit(1);
    sink.commit(1);

    List<String> values = values(kafka.readAll(topic, "read_uncommitted"));
    assertEquals(100, values.size());
    assertTrue(values.contains("{\"id\":0,\"name\":\"n0\",\"ts\":\"2026-01-01T00:00:00Z\",\"score\":0.5}"), values.get(0));
    assertTrue(values.contains("{\"id\":1,\"name\":\"n1\",\"ts\":\"2026-01-01T00:00:00Z\",\"score\":null}"));
  }

  @Test
  void keyColumnValueBecomesTheRecordKey() throws Exception {
    String topic = kafka.createTopic("keyed", 1);
    Sink sink = sink("keyed", topic, DeliveryGuarantee.AT_LEAST_ONCE, Map.of("key.column", "id"));

    write(sink, 7, 9);
    sink.prepareCommit(1);

    assertEquals(List.of("7", "8"), kafka.readAll(topic, "read_uncommitted").stream().map(ConsumerRecord::key).toList());
  }

  /** The row id in a record's JSON value. */
  private static long idOf(ConsumerRecord<String, String> r) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\":(\\d+)").matcher(r.value());
    assertTrue(m.find(), r.value());
    return Long.parseLong(m.group(1));
  }

  /** Per write (rows [from, from + rowsPerWrite)): the partitions its records went to. */
  private static Map<Long, java.util.Set<Integer>> partitionsPerWrite(List<ConsumerRecord<String, String>> records,
      int rowsPerWrite) {
    Map<Long, java.util.Set<Integer>> partitions = new java.util.TreeMap<>();
    for (ConsumerRecord<String, String> r : records) {
      partitions.computeIfAbsent(idOf(r) / rowsPerWrite, w -> new java.util.TreeSet<>()).add(r.partition());
    }
    return partitions;
  }

  @Test
  void keylessRecordsOfConcurrentWritersGoToDifferentPartitions() throws Exception {
    String topic = kafka.createTopic("keyless-writers", 4);
    Sink sink = sink("writers", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());

    // two writing threads, as two pipeline workers; each write is far below batch.size
    List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int from = t * 100;
      threads.add(new Thread(() -> {
        try {
          write(sink, from, from + 50);
          write(sink, from + 50, from + 100);
        } catch (ConnectorException e) {
          failures.add(e);
        }
      }));
    }
    for (Thread t : threads) {
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), failures);
    sink.prepareCommit(1);
    sink.commit(1);

    Map<Long, java.util.Set<Integer>> byThread = partitionsPerWrite(committed(topic, 200), 100);
    assertEquals(2, byThread.size(), byThread.toString());
    java.util.Set<Integer> first = byThread.get(0L);
    java.util.Set<Integer> second = byThread.get(1L);
    assertEquals(1, first.size(), "one partition per writer: " + byThread);
    assertEquals(1, second.size(), "one partition per writer: " + byThread);
    assertTrue(java.util.Collections.disjoint(first, second), "the writers share a partition: " + byThread);
  }

  @Test
  void aWriterMovesToTheNextPartitionOnceItSentABatchSizeThere() throws Exception {
    String topic = kafka.createTopic("keyless-spread", 4);
    Sink sink = sink("spread", topic, DeliveryGuarantee.AT_LEAST_ONCE, Map.of("kafka.batch.size", "1024"));

    // 20 rows of ~70 bytes: every write passes batch.size, so the next one goes to the next partition
    for (int w = 0; w < 8; w++) {
      write(sink, w * 20, w * 20 + 20);
    }
    sink.prepareCommit(1);

    Map<Long, java.util.Set<Integer>> byWrite = partitionsPerWrite(kafka.readAll(topic, "read_uncommitted"), 20);
    assertEquals(8, byWrite.size(), byWrite.toString());
    java.util.Set<Integer> used = new java.util.TreeSet<>();
    for (java.util.Set<Integer> p : byWrite.values()) {
      assertEquals(1, p.size(), "a write's records share one partition: " + byWrite);
      used.addAll(p);
    }
    assertEquals(java.util.Set.of(0, 1, 2, 3), used, "every partition gets writes: " + byWrite);
    for (long w = 1; w < 8; w++) {
      assertTrue(!byWrite.get(w).equals(byWrite.get(w - 1)), "consecutive writes on one partition: " + byWrite);
    }
  }

  @Test
  void keyedRecordsGoToTheMurmur2PartitionOfTheirKey() throws Exception {
    String topic = kafka.createTopic("keyed-partitions", 4);
    Sink sink = sink("keyed-partitions", topic, DeliveryGuarantee.AT_LEAST_ONCE, Map.of("key.column", "id"));

    write(sink, 0, 100);
    sink.prepareCommit(1);

    List<ConsumerRecord<String, String>> records = kafka.readAll(topic, "read_uncommitted");
    assertEquals(100, records.size());
    java.util.Set<Integer> used = new java.util.TreeSet<>();
    for (ConsumerRecord<String, String> r : records) {
      byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
      // what Kafka's default partitioner chooses for a key, so other producers of the topic agree
      assertEquals(org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % 4,
          r.partition(), "key " + r.key());
      used.add(r.partition());
    }
    assertEquals(4, used.size(), "100 keys over 4 partitions: " + used);
  }

  @Test
  void upsertModeWritesTheLatestRowPerKeyAndTombstonesForDeletes() throws Exception {
    String topic = kafka.createTopic("upsert", 1);
    Sink sink = sink("upserts", topic, DeliveryGuarantee.AT_LEAST_ONCE,
        Map.of("key.column", "name", KafkaSinkFactory.WRITE_MODE, "upsert"));
    assertEquals(io.laminar.api.ChangelogMode.UPSERT, sink.acceptedChangelogMode());
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    String[] names = {"a", "b", "a", "a", "b", "c", "c"};
    double[] scores = {1, 2, 1, 3, 2, 4, 4};
    io.laminar.api.RowKind[] kinds = {io.laminar.api.RowKind.INSERT, io.laminar.api.RowKind.INSERT,
        io.laminar.api.RowKind.UPDATE_BEFORE, io.laminar.api.RowKind.UPDATE_AFTER, io.laminar.api.RowKind.DELETE,
        io.laminar.api.RowKind.INSERT, io.laminar.api.RowKind.UPDATE_BEFORE};
    org.apache.arrow.vector.TinyIntVector rowKinds = new org.apache.arrow.vector.TinyIntVector("kind", allocator);
    rowKinds.allocateNew(names.length);
    for (int i = 0; i < names.length; i++) {
      ((BigIntVector) root.getVector("id")).setSafe(i, i);
      ((VarCharVector) root.getVector("name")).setSafe(i, names[i].getBytes(StandardCharsets.UTF_8));
      ((TimeStampMilliVector) root.getVector("ts")).setSafe(i, 1_767_225_600_000L);
      ((Float8Vector) root.getVector("score")).setSafe(i, scores[i]);
      rowKinds.set(i, kinds[i].code());
    }
    rowKinds.setValueCount(names.length);
    root.setRowCount(names.length);
    try (Batch batch = Batch.changelog(root, rowKinds)) {
      sink.write(batch);
    }
    sink.prepareCommit(1);
    List<ConsumerRecord<String, String>> records = kafka.readAll(topic, "read_uncommitted");
    // the -U of a is replaced by the +U that follows it; the -U of c (no +U follows) is a tombstone
    assertEquals(List.of("a", "b", "a", "b", "c", "c"), records.stream().map(ConsumerRecord::key).toList());
    List<String> values = values(records);
    assertEquals("{\"id\":3,\"name\":\"a\",\"ts\":\"2026-01-01T00:00:00Z\",\"score\":3.0}", values.get(2));
    assertEquals(java.util.Arrays.asList(null, null), List.of(3, 5).stream().map(values::get).toList());
  }

  @Test
  void upsertModeWithoutAKeyIsRefusedNamingWriteMode() {
    Map<String, Object> props = Map.of(KafkaSinkFactory.BOOTSTRAP_SERVERS, "localhost:1", KafkaSinkFactory.TOPIC,
        "t", KafkaSinkFactory.WRITE_MODE, "upsert");
    ConnectorException e = assertThrows(ConnectorException.class, () -> new KafkaSinkFactory().create(
        Fixtures.context("nokey", ConnectorKind.SINK, new KafkaSinkFactory().spec(), props, SCHEMA, allocator,
            DeliveryGuarantee.AT_LEAST_ONCE)));
    assertEquals(java.util.Optional.of(KafkaSinkFactory.WRITE_MODE), e.property());
    assertTrue(e.getMessage().contains("set key.column"), e.getMessage());
  }

  @Test
  void preparedEpochIsInvisibleToReadCommittedUntilCommitted() throws Exception {
    String topic = kafka.createTopic("eos", 1);
    Sink sink = sink("eos", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());

    write(sink, 0, 10);
    sink.prepareCommit(1);

    assertEquals(0, kafka.readAll(topic, "read_committed").size(), "prepared, not committed");
    assertEquals(10, kafka.readAll(topic, "read_uncommitted").size(), "the rows are in the log");

    sink.commit(1);

    assertEquals(10, kafka.readAll(topic, "read_committed").size());
  }

  @Test
  void abortDiscardsTheEpochAndLaterEpochsStillCommit() throws Exception {
    String topic = kafka.createTopic("abort", 1);
    Sink sink = sink("aborting", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());

    write(sink, 0, 10);
    sink.prepareCommit(1);
    sink.abort(1);
    write(sink, 10, 12);
    sink.prepareCommit(2);
    sink.commit(2);

    List<String> values = values(kafka.readAll(topic, "read_committed"));
    assertEquals(2, values.size());
    assertTrue(values.get(0).startsWith("{\"id\":10,"), values.get(0));
  }

  @Test
  void rowsWrittenWhileAnEpochAwaitsCommitGoIntoTheNextTransaction() throws Exception {
    String topic = kafka.createTopic("overlap", 1);
    Sink sink = sink("overlap", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());

    write(sink, 0, 3);
    sink.prepareCommit(1);
    write(sink, 3, 5); // epoch 2, while epoch 1 is not yet committed
    sink.commit(1);

    assertEquals(3, committed(topic, 3).size(), "only epoch 1 is visible");

    sink.prepareCommit(2);
    sink.commit(2);

    assertEquals(5, kafka.readAll(topic, "read_committed").size());
  }

  @Test
  void rowsOfTheNextEpochGoOutWhileThePendingOneAwaitsItsCommitAndEveryRowCommitsOnceInOrder() throws Exception {
    String topic = kafka.createTopic("turns", 1);
    Sink sink = sink("turns", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());

    write(sink, 0, 3);
    sink.prepareCommit(1);
    write(sink, 3, 5); // epoch 2, on the other producer, while epoch 1 awaits its commit
    assertEquals(5, readUntil(topic, "read_uncommitted", 5).size(), "epoch 2's rows are in the log, not held");
    assertEquals(0, kafka.readAll(topic, "read_committed").size());
    sink.commit(1);
    assertEquals(3, committed(topic, 3).size(), "only epoch 1 is visible");
    for (int epoch = 2; epoch <= 4; epoch++) { // each producer gets a turn again
      sink.prepareCommit(epoch);
      write(sink, 5 + 2 * (epoch - 2), 7 + 2 * (epoch - 2));
      sink.commit(epoch);
    }
    sink.prepareCommit(5);
    sink.commit(5);

    List<String> values = values(committed(topic, 11));
    assertEquals(11, values.size(), values.toString());
    for (int i = 0; i < 11; i++) {
      assertTrue(values.get(i).startsWith("{\"id\":" + i + ","), values.get(i));
    }
  }

  @Test
  void aPreparedEpochOfTheSecondProducerIsCommittedByTheNextStart() throws Exception {
    String topic = kafka.createTopic("resume-second", 1);
    Sink crashed = sink("second-lane", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    write(crashed, 0, 3);
    crashed.prepareCommit(1);
    crashed.commit(1);
    write(crashed, 3, 8);
    crashed.prepareCommit(2); // prepared on the second producer, then the process dies

    assertEquals("laminar-test-second-lane-1",
        PreparedTransaction.read(dataDir.resolve("second-lane")).orElseThrow().transactionalId());
    Sink restarted = unopened("second-lane", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    restarted.open(2); // checkpoint 2 was durable
    write(restarted, 8, 9);
    restarted.prepareCommit(3);
    restarted.commit(3);

    List<String> visible = values(committed(topic, 9));
    assertEquals(9, visible.size(), visible.toString());
    assertTrue(IntStream.range(0, 9).allMatch(i -> visible.get(i).startsWith("{\"id\":" + i + ",")),
        visible.toString());
  }

  @Test
  void theNextStartAbortsWhatEitherProducerLeftOpenSoCommittedReadsAreNotHeldBack() throws Exception {
    String topic = kafka.createTopic("left-open", 1);
    Sink crashed = sink("left-open", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    write(crashed, 0, 3);
    crashed.prepareCommit(1);
    write(crashed, 3, 6); // epoch 2, open on the second producer, sent but never prepared
    crashed.commit(1);
    assertEquals(6, readUntil(topic, "read_uncommitted", 6).size(), "epoch 2's rows are in the log");

    Sink restarted = unopened("left-open", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    restarted.open(1);
    write(restarted, 100, 102);
    restarted.prepareCommit(2);
    restarted.commit(2);

    // an open transaction of the crashed run would keep the last stable offset before its rows until
    // it timed out (a minute), and the new run's rows would not be readable within the deadline
    List<String> visible = values(committed(topic, 5));
    assertEquals(5, visible.size(), visible.toString());
    assertTrue(visible.get(3).startsWith("{\"id\":100,") && visible.get(4).startsWith("{\"id\":101,"),
        visible.toString());
  }

  @Test
  void aNewInstanceFencesTheCrashedOnesPreparedTransaction() throws Exception {
    String topic = kafka.createTopic("fence", 1);
    Sink crashed = sink("fenced", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    write(crashed, 0, 10);
    crashed.prepareCommit(1);

    Sink restarted = sink("fenced", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of()); // same transactional.id
    write(restarted, 100, 102);
    restarted.prepareCommit(1);
    restarted.commit(1);

    ConnectorException e = assertThrows(ConnectorException.class, () -> crashed.commit(1));
    assertTrue(e.getMessage().contains("fenced"), e.getMessage());
    assertTrue(e.getMessage().contains("another producer with transactional.id 'laminar-test-fenced' or"
        + " 'laminar-test-fenced-1' (the two this sink takes turns with) is running"),
        e.getMessage());
    assertTrue(e.getMessage().contains("[server] name") && e.getMessage().contains("'transactional.id'"),
        "names the settings that make the id unique: " + e.getMessage());
    List<String> visible = values(kafka.readAll(topic, "read_committed"));
    assertEquals(2, visible.size(), "only the new instance's rows");
    assertTrue(IntStream.range(0, 2).allMatch(i -> visible.get(i).startsWith("{\"id\":10" + i + ",")), visible.toString());
  }

  @Test
  void twoSinksGivenOneTransactionalIdFenceEachOtherAndTheFencedOneSaysWhichSettingToChange() throws Exception {
    String topic = kafka.createTopic("shared-txid", 1);
    Map<String, String> shared = Map.of(KafkaSinkFactory.TRANSACTIONAL_ID, "shared-" + topic);
    Sink first = sink("first", topic, DeliveryGuarantee.EXACTLY_ONCE, shared);
    write(first, 0, 3);
    first.prepareCommit(1);
    Sink second = sink("second", topic, DeliveryGuarantee.EXACTLY_ONCE, shared);
    write(second, 100, 101);
    second.prepareCommit(1);
    second.commit(1);

    ConnectorException e = assertThrows(ConnectorException.class, () -> first.commit(1));
    assertTrue(e.getMessage().contains("kafka sink 'first' was fenced"), e.getMessage());
    assertTrue(e.getMessage().contains("transactional.id 'shared-" + topic + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("[sink.properties] of sink 'first'"), e.getMessage());
    assertEquals(1, kafka.readAll(topic, "read_committed").size(), "only the second sink's row is committed");
  }

  @Test
  void aPreparedEpochWhoseCheckpointCompletedIsCommittedByTheNextStart() throws Exception {
    String topic = kafka.createTopic("resume", 1);
    crashAfterPrepare("resumed", topic);
    assertEquals(0, kafka.readAll(topic, "read_committed").size(), "prepared, not committed");

    Sink restarted = unopened("resumed", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    restarted.open(1); // checkpoint 1 was durable

    List<String> visible = values(kafka.readAll(topic, "read_committed"));
    assertEquals(10, visible.size(), visible.toString());
    assertEquals(10, visible.stream().distinct().count(), "each row once");
    assertTrue(IntStream.range(0, 10).allMatch(i -> visible.get(i).startsWith("{\"id\":" + i + ",")),
        visible.toString());
  }

  @Test
  void theNextStartKeepsWritingAfterCommittingTheResumedEpoch() throws Exception {
    String topic = kafka.createTopic("resume-then-write", 1);
    crashAfterPrepare("continued", topic);

    Sink restarted = unopened("continued", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    restarted.open(1);
    write(restarted, 10, 15);
    restarted.prepareCommit(2);
    restarted.commit(2);

    assertEquals(15, kafka.readAll(topic, "read_committed").size());
  }

  @Test
  void aPreparedEpochWhoseCheckpointDidNotCompleteIsAborted() throws Exception {
    String topic = kafka.createTopic("not-durable", 1);
    crashAfterPrepare("undurable", topic);

    Sink restarted = unopened("undurable", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    restarted.open(0); // checkpoint 1 never completed
    write(restarted, 100, 101);
    restarted.prepareCommit(1);
    restarted.commit(1);

    List<String> visible = values(kafka.readAll(topic, "read_committed"));
    assertEquals(1, visible.size(), "only the new run's row: " + visible);
    assertTrue(visible.get(0).startsWith("{\"id\":100,"), visible.get(0));
  }

  @Test
  void aRecordedTransactionThatIsNoLongerOpenFailsTheStartNamingTheRecord() throws Exception {
    String topic = kafka.createTopic("gone", 1);
    crashAfterPrepare("gone", topic);
    Path record = dataDir.resolve("gone").resolve(PreparedTransaction.FILE);
    byte[] saved = Files.readAllBytes(record);
    unopened("gone", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of()).open(0); // aborts epoch 1
    Files.write(record, saved); // as if checkpoint 1 had completed after all

    Sink restarted = unopened("gone", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    ConnectorException e = assertThrows(ConnectorException.class, () -> restarted.open(1));

    assertTrue(e.getMessage().startsWith("kafka sink cannot commit epoch 1, which the previous run prepared"),
        e.getMessage());
    assertTrue(e.getMessage().contains(record.toString()), e.getMessage());
    assertTrue(Files.exists(record), "kept for the operator");
    assertEquals(0, kafka.readAll(topic, "read_committed").size());
  }

  @Test
  void aCrashBetweenTheCommitAndRemovingTheRecordRestartsWithEveryRowOnce() throws Exception {
    String topic = kafka.createTopic("committed-record", 1);
    Sink first = sink("committed-record", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    Path record = dataDir.resolve("committed-record").resolve(PreparedTransaction.FILE);
    write(first, 0, 4);
    first.prepareCommit(1);
    byte[] saved = Files.readAllBytes(record);
    first.commit(1);
    Files.write(record, saved); // the process died after the commit, before the record was removed

    Sink restarted = unopened("committed-record", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    restarted.open(1);
    write(restarted, 4, 6);
    restarted.prepareCommit(2);
    restarted.commit(2);

    List<String> visible = values(committed(topic, 6));
    assertEquals(6, visible.size(), visible.toString());
    assertTrue(Files.notExists(record));
  }

  @Test
  void aCommittedEpochIsNotCommittedAgainAfterARestart() throws Exception {
    String topic = kafka.createTopic("no-repeat", 1);
    Sink first = sink("repeat", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    write(first, 0, 10);
    first.prepareCommit(1);
    first.commit(1);
    first.close();

    Sink restarted = unopened("repeat", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    restarted.open(1);
    write(restarted, 10, 12);
    restarted.prepareCommit(2);
    restarted.commit(2);

    assertEquals(12, kafka.readAll(topic, "read_committed").size());
    assertEquals(12, kafka.readAll(topic, "read_uncommitted").size(), "no record was written twice");
  }

  @Test
  void commitAndAbortRemoveThePreparedRecord() throws Exception {
    String topic = kafka.createTopic("record", 1);
    Sink sink = sink("recorded", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    Path record = dataDir.resolve("recorded").resolve(PreparedTransaction.FILE);

    write(sink, 0, 1);
    sink.prepareCommit(1);
    assertTrue(Files.exists(record), "recorded at prepareCommit");
    sink.commit(1);
    assertTrue(Files.notExists(record), "removed at commit");
    write(sink, 1, 2);
    sink.prepareCommit(2);
    sink.abort(2);
    assertTrue(Files.notExists(record), "removed at abort");
  }

  @Test
  void theRecordNamesTheEpochTransactionalIdAndProducer() throws Exception {
    String topic = kafka.createTopic("record-content", 1);
    Sink sink = sink("content", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    write(sink, 0, 1);
    sink.prepareCommit(7);

    PreparedTransaction recorded = PreparedTransaction.read(dataDir.resolve("content")).orElseThrow();

    assertEquals(7, recorded.checkpointEpoch());
    assertEquals("laminar-test-content", recorded.transactionalId());
    assertTrue(recorded.producer().producerId() >= 0, recorded.toString());
    assertTrue(recorded.producer().epoch() >= 0, recorded.toString());
    assertTrue(recorded.producer().transactionV2(), "the test broker runs transaction.version 2");
  }

  @Test
  void closeLeavesAPreparedEpochForTheNextStart() throws Exception {
    String topic = kafka.createTopic("close-prepared", 1);
    Sink first = sink("closing", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    write(first, 0, 4);
    first.prepareCommit(1);
    first.close();

    Sink restarted = unopened("closing", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    restarted.open(1);

    assertEquals(4, kafka.readAll(topic, "read_committed").size());
  }

  @Test
  void transactionalIdIsDerivedFromServerAndInstanceName() throws Exception {
    String topic = kafka.createTopic("txid", 1);
    Sink sink = sink("named", topic, DeliveryGuarantee.EXACTLY_ONCE, Map.of());
    write(sink, 0, 1);
    sink.prepareCommit(1);
    sink.commit(1);

    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertTrue(admin.listTransactions().all().get().stream()
          .anyMatch(t -> t.transactionalId().equals("laminar-test-named")));
    }
    write(sink, 1, 2);
    sink.prepareCommit(2);
    sink.commit(2);
    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertTrue(admin.listTransactions().all().get().stream()
          .anyMatch(t -> t.transactionalId().equals("laminar-test-named-1")), "the second epoch's producer");
    }
  }

  @Test
  void keyColumnMustBeASchemaColumn() {
    ConnectorException e = assertThrows(ConnectorException.class, () -> sink("bad", "t", DeliveryGuarantee.AT_LEAST_ONCE,
        Map.of("key.column", "nope")));

    assertEquals(ConnectorException.Kind.INVALID_PROPERTY, e.kind());
    assertEquals("key.column", e.property().orElseThrow());
  }

  @Test
  void validateSchemaReportsUnsupportedTypesAndAMissingKeyColumn() throws Exception {
    Sink sink = new KafkaSinkFactory().create(Fixtures.context("v", ConnectorKind.SINK, new KafkaSinkFactory().spec(),
        Map.of("bootstrap.servers", "localhost:1", "topic", "t", "key.column", "id"), SCHEMA, allocator,
        DeliveryGuarantee.AT_LEAST_ONCE));

    List<String> problems = sink.validateSchema(Fixtures.schema(col("blob",
        org.apache.arrow.vector.types.pojo.ArrowType.Binary.INSTANCE)));

    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("column 'blob' has type Binary"), problems.get(0));
    assertEquals("key.column 'id' is not a column of the sink's input", problems.get(1));
  }
}
