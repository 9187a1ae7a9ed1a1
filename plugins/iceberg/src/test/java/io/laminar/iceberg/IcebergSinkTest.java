package io.laminar.iceberg;

import static io.laminar.iceberg.Fixtures.Change.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorException;
import io.laminar.api.SchemaMismatchException;
import io.laminar.api.Sink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink driven epoch by epoch against a Hadoop catalog in a temp directory; every result is read
 * back with Iceberg's own generic reader.
 */
class IcebergSinkTest {
  private static final long DAY = 86_400_000L;
  @TempDir Path dir;
  private BufferAllocator allocator;
  private HadoopCatalog catalog;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    catalog = Fixtures.hadoopCatalog(dir.resolve("warehouse"));
  }

  @AfterEach
  void noLeaks() throws Exception {
    catalog.close();
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Sink sink(Map<String, Object> props, String state) throws ConnectorException {
    return new IcebergSinkFactory().create(Fixtures.context("out", allocator, dir.resolve(state), props));
  }

  private void write(Sink sink, List<Fixtures.Change> changes) throws ConnectorException {
    try (Batch b = Fixtures.batch(allocator, changes)) {
      sink.write(b);
    }
  }

  private Map<String, Object> upsertProps(String table) {
    Map<String, Object> p = Fixtures.hadoopProps(dir.resolve("warehouse"), table);
    p.put("write.mode", "upsert");
    p.put("primary.key", "id");
    return p;
  }

  /** The table's rows by id → name. */
  private static Map<Long, String> byId(Table t) throws Exception {
    Map<Long, String> out = new TreeMap<>();
    for (Map<String, Object> r : Fixtures.read(t)) {
      assertEquals(null, out.put((Long) r.get("id"), (String) r.get("name")), "one row per key: " + r);
    }
    return out;
  }

  @Test
  void upsertsWithinAndAcrossEpochsEndInTheExpectedState() throws Exception {
    Sink sink = sink(upsertProps("up"), "state");
    assertEquals(ChangelogMode.UPSERT, sink.acceptedChangelogMode());
    sink.open(0);
    write(sink, List.of(of("+I", 1, "a", 0), of("+I", 2, "b", 0), of("+I", 3, "c", 0)));
    sink.prepareCommit(1);
    sink.commit(1);
    // an update of a committed row (equality delete), a delete, and a row inserted and updated in one epoch
    write(sink, List.of(of("-U", 1, "a", 0), of("+U", 1, "a2", 0), of("-D", 2, "b", 0), of("+I", 4, "d", 0)));
    write(sink, List.of(of("+U", 4, "d2", 0)));
    sink.prepareCommit(2);
    sink.commit(2);
    // an update without its -U, a delete of a row of the epoch before, a key deleted then inserted again
    write(sink, List.of(of("+U", 3, "c3", 0), of("-D", 4, "d2", 0), of("+I", 2, "b3", 0), of("+I", 5, "e", 0),
        of("-D", 5, "e", 0)));
    sink.prepareCommit(3);
    sink.commit(3);
    sink.close();

    Table t = Fixtures.load(catalog, "up");
    assertEquals(Map.of(1L, "a2", 2L, "b3", 3L, "c3"), byId(t));
    assertEquals(List.of(1L, 2L, 3L), Fixtures.epochs(t));
    assertEquals(2, EpochWriter.formatVersion(t));
    assertTrue(t.currentSnapshot().summary().containsKey("added-equality-delete-files"), t.currentSnapshot().summary()
        .toString());
  }

  @Test
  void aRestartCommitsThePreparedEpochItsCheckpointCoversAndDropsTheNewerOne() throws Exception {
    Map<String, Object> props = Fixtures.hadoopProps(dir.resolve("warehouse"), "crash");
    Sink first = sink(props, "state");
    first.open(0);
    write(first, List.of(of("+I", 1, "a", 0), of("+I", 2, "b", 0)));
    first.prepareCommit(1);
    first.commit(1);
    write(first, List.of(of("+I", 3, "c", 0)));
    first.prepareCommit(2); // checkpoint 2 became durable, then the process died before commit(2)
    write(first, List.of(of("+I", 4, "d", 0)));
    first.prepareCommit(3); // checkpoint 3 never completed
    first.close();
    Table t = Fixtures.load(catalog, "crash");
    assertEquals(Map.of(1L, "a", 2L, "b"), byId(t));

    Sink second = sink(props, "state");
    second.open(2);
    second.close();
    t.refresh();
    assertEquals(Map.of(1L, "a", 2L, "b", 3L, "c"), byId(t), "epoch 2 committed, epoch 3 (replayed later) not");
    assertEquals(List.of(1L, 2L), Fixtures.epochs(t));
    try (var files = Files.list(dir.resolve("state"))) {
      assertEquals(Set.of("run-id"), files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
    }
  }

  @Test
  void anEpochCommittedJustBeforeACrashIsNotCommittedAgain() throws Exception {
    Map<String, Object> props = Fixtures.hadoopProps(dir.resolve("warehouse"), "twice");
    Sink first = sink(props, "state");
    first.open(0);
    write(first, List.of(of("+I", 1, "a", 0)));
    first.prepareCommit(1);
    Path descriptor = dir.resolve("state").resolve("pending-1.bin");
    Path kept = dir.resolve("pending-1.copy");
    Files.copy(descriptor, kept);
    first.commit(1);
    first.close();
    // the crash came after the Iceberg commit but before the descriptor was removed
    Files.copy(kept, descriptor, StandardCopyOption.REPLACE_EXISTING);
    Sink second = sink(props, "state");
    second.open(1);
    second.commit(1); // the engine's retry of a commit that may not have happened
    second.close();
    Table t = Fixtures.load(catalog, "twice");
    assertEquals(List.of(Map.of("id", 1L, "name", "a", "ts", 0L)), Fixtures.read(t));
    assertEquals(List.of(1L), Fixtures.epochs(t));
  }

  @Test
  void aStartWithoutCheckpointIsANewRunWhoseEpochsAreNotMistakenForTheOldOnes() throws Exception {
    Map<String, Object> props = Fixtures.hadoopProps(dir.resolve("warehouse"), "runs");
    for (int run = 0; run < 2; run++) {
      Sink s = sink(props, "state");
      s.open(0);
      write(s, List.of(of("+I", run, "r" + run, 0)));
      s.prepareCommit(1);
      s.commit(1);
      s.close();
    }
    Table t = Fixtures.load(catalog, "runs");
    assertEquals(Map.of(0L, "r0", 1L, "r1"), byId(t));
    assertEquals(List.of(1L, 1L), Fixtures.epochs(t));
  }

  @Test
  void anAbortedEpochsFilesAreDeletedAndTheReplayIntoANewInstanceWritesItsRowsOnce() throws Exception {
    Sink sink = sink(upsertProps("abort"), "state");
    sink.open(0);
    write(sink, List.of(of("+I", 1, "a", 0), of("+I", 2, "b", 0)));
    sink.prepareCommit(1);
    sink.abort(1);
    sink.close();
    Table t = Fixtures.load(catalog, "abort");
    assertEquals(List.of(), parquetFilesUnder(t), "the aborted epoch's files are gone");
    assertEquals(Map.of(), byId(t));

    // The engine restarts the pipeline from the last completed checkpoint (none: epoch 0) and replays.
    Sink replay = sink(upsertProps("abort"), "state");
    replay.open(0);
    write(replay, List.of(of("+I", 1, "a", 0), of("+I", 2, "b", 0), of("+U", 1, "a2", 0)));
    replay.prepareCommit(2);
    replay.commit(2);
    replay.close();
    t = Fixtures.load(catalog, "abort");
    assertEquals(Map.of(1L, "a2", 2L, "b"), byId(t));
    assertEquals(List.of(2L), Fixtures.epochs(t));
  }

  private static List<Path> parquetFilesUnder(Table t) throws Exception {
    Path location = Path.of(java.net.URI.create(t.location().startsWith("file:") ? t.location()
        : "file://" + t.location()));
    try (var files = java.nio.file.Files.walk(location)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }

  @Test
  void aPartitionedTableHasOneFilePerPartitionAndItsValuesReadBack() throws Exception {
    Map<String, Object> props = Fixtures.hadoopProps(dir.resolve("warehouse"), "parts");
    props.put("partition.spec", "day(ts), bucket(4, id)");
    Sink sink = sink(props, "state");
    sink.open(0);
    List<Fixtures.Change> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rows.add(of("+I", i, "n" + i, (i % 3) * DAY + i));
    }
    write(sink, rows);
    sink.prepareCommit(1);
    sink.commit(1);
    sink.close();

    Table t = Fixtures.load(catalog, "parts");
    assertEquals("ts_day, id_bucket", t.spec().fields().stream().map(f -> f.name()).collect(Collectors.joining(", ")));
    Map<String, Long> perPartition = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        String key = task.file().partition().get(0, Integer.class) + "/" + task.file().partition().get(1, Integer.class);
        assertEquals(null, perPartition.put(key, task.file().recordCount()), "one file per partition: " + key);
      }
    }
    assertEquals(12, perPartition.size(), perPartition.toString()); // 3 days × 4 buckets
    assertEquals(300, perPartition.values().stream().mapToLong(Long::longValue).sum());
    for (int day = 0; day < 3; day++) {
      int d = day;
      List<Map<String, Object>> read = new ArrayList<>();
      try (var records = org.apache.iceberg.data.IcebergGenerics.read(t)
          .where(org.apache.iceberg.expressions.Expressions.equal(
              org.apache.iceberg.expressions.Expressions.day("ts"), day)).build()) {
        records.forEach(r -> read.add(Map.of("id", r.getField("id"))));
      }
      assertEquals(100, read.size(), "rows of day " + d);
      read.forEach(r -> assertEquals(d, (int) ((Long) r.get("id") % 3), r.toString()));
    }
  }

  @Test
  void anExistingTableWithAnotherSchemaIsRefusedNamingEveryDifference() throws Exception {
    catalog.createNamespace(Namespace.of("db"));
    catalog.createTable(TableIdentifier.of("db", "other"), new Schema(
        Types.NestedField.optional(1, "id", Types.IntegerType.get()),
        Types.NestedField.optional(2, "nam", Types.StringType.get()),
        Types.NestedField.optional(3, "ts", Types.TimestampType.withoutZone()),
        Types.NestedField.required(4, "region", Types.StringType.get())), PartitionSpec.unpartitioned());
    Map<String, Object> props = Fixtures.hadoopProps(dir.resolve("warehouse"), "other");
    props.put("partition.spec", "day(ts)");
    Sink sink = sink(props, "state");
    SchemaMismatchException e = assertThrows(SchemaMismatchException.class, sink::check);
    assertEquals(List.of("id", "name", "region", ""), e.problems().stream().map(p -> p.column()).toList());
    String m = e.getMessage();
    assertTrue(m.contains("column 'id' is int in table db.other and cannot hold the pipeline's long"), m);
    assertTrue(m.contains("column 'name' (string) is not in table db.other (did you mean 'nam'?)"), m);
    assertTrue(m.contains("table db.other has the required column 'region' (string), which the pipeline does not"
        + " write"), m);
    assertTrue(m.contains("table db.other is partitioned by [], but partition.spec asks for [day(ts)]"), m);
    assertThrows(ConnectorException.class, () -> sink.open(0));
    sink.close();
  }

  @Test
  void partitionSpecErrorsNameEveryBadTermWithItsPositionAndTheClosestName() {
    Map<String, Object> props = Fixtures.hadoopProps(dir.resolve("warehouse"), "bad");
    props.put("partition.spec", "day(tss), bucket(16 id), nam, dau(ts), hour(name), truncate(4, name)");
    ConnectorException e = assertThrows(ConnectorException.class, () -> sink(props, "state"));
    assertEquals("partition.spec", e.property().orElseThrow());
    String m = e.getMessage();
    assertTrue(m.contains("at character 5: column 'tss' is not in the pipeline's output (did you mean 'ts'?)"), m);
    assertTrue(m.contains("at character 21: expected ',' or ')' in bucket(…)"), m);
    assertTrue(m.contains("at character 26: column 'nam' is not in the pipeline's output (did you mean 'name'?)"), m);
    assertTrue(m.contains("at character 31: unknown transform 'dau' (did you mean 'day'?)"), m);
    assertTrue(m.contains("at character 40: hour(name) cannot partition 'name', a string column"), m);
    assertEquals(5, m.split("at character ", -1).length - 1, "truncate(4, name) is valid: " + m);
  }

  @Test
  void twoWritersCommittingIntoOneTableAtOnceAreRetriedByIcebergAndLoseNothing() throws Exception {
    int epochs = 15;
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
    Sink first = sink(Fixtures.hadoopProps(dir.resolve("warehouse"), "shared"), "a");
    first.open(0); // creates the table before both race
    for (int w = 0; w < 2; w++) {
      int writer = w;
      Map<String, Object> props = Fixtures.hadoopProps(dir.resolve("warehouse"), "shared");
      props.put("writer.id", "writer-" + w);
      threads.add(new Thread(() -> {
        try (Sink s = sink(props, "state-" + writer)) {
          s.open(0);
          for (long e = 1; e <= epochs; e++) {
            write(s, List.of(of("+I", writer * 1000 + e, "w" + writer, 0)));
            s.prepareCommit(e);
            together.await(); // both commit at the same moment: one of them has to retry
            s.commit(e);
          }
        } catch (Throwable t) {
          failures.add(t);
          together.reset();
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(120_000);
    }
    first.close();
    assertEquals(List.of(), failures);
    Table t = Fixtures.load(catalog, "shared");
    assertEquals(2 * epochs, Fixtures.read(t).size());
    for (int w = 0; w < 2; w++) {
      String id = "writer-" + w;
      List<Long> own = new ArrayList<>();
      t.snapshots().forEach(s -> {
        if (id.equals(s.summary().get("laminar.writer-id"))) {
          own.add(Long.parseLong(s.summary().get("laminar.epoch")));
        }
      });
      assertEquals(java.util.stream.LongStream.rangeClosed(1, epochs).boxed().toList(), own, id);
    }
  }

  @Test
  void upsertWithoutAKeyAndAKeyThatIsNotAColumnAreRefused() {
    Map<String, Object> props = upsertProps("nokey");
    props.put("primary.key", "idd");
    ConnectorException e = assertThrows(ConnectorException.class, () -> sink(props, "state"));
    assertTrue(e.getMessage().contains("column 'idd' is not in the pipeline's output (id, name, ts) (did you mean"
        + " 'id'?)"), e.getMessage());
    props.remove("primary.key");
    ConnectorException none = assertThrows(ConnectorException.class, () -> sink(props, "state").check());
    assertTrue(none.getMessage().contains("write.mode = upsert needs primary.key"), none.getMessage());
    props.put("primary.key", "id");
    props.put("partition.spec", "day(ts)");
    ConnectorException part = assertThrows(ConnectorException.class, () -> sink(props, "state"));
    assertTrue(part.getMessage().contains("needs every partition column in the primary key (id), and 'ts' is not"),
        part.getMessage());
  }

  private static final org.apache.arrow.vector.types.pojo.Schema DECIMALS = new org.apache.arrow.vector.types.pojo.Schema(
      List.of(org.apache.arrow.vector.types.pojo.Field.nullable("id", new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)),
          org.apache.arrow.vector.types.pojo.Field.nullable("balance",
              new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(38, 10, 128)),
          org.apache.arrow.vector.types.pojo.Field.nullable("price",
              new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(10, 2, 128))));

  private Sink decimalSink(String table) throws ConnectorException {
    return new IcebergSinkFactory().create(io.laminar.testkit.TestConnectorContext.builder("out",
        io.laminar.api.ConnectorKind.SINK).schema(DECIMALS).allocator(allocator).dataDir(dir.resolve("state-" + table))
        .properties(Fixtures.hadoopProps(dir.resolve("warehouse"), table)).build());
  }

  @Test
  void timestampSixIsWrittenWithItsMicroseconds() throws Exception {
    org.apache.arrow.vector.types.pojo.Schema micros = new org.apache.arrow.vector.types.pojo.Schema(List.of(
        org.apache.arrow.vector.types.pojo.Field.nullable("id", new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)),
        org.apache.arrow.vector.types.pojo.Field.nullable("at", new org.apache.arrow.vector.types.pojo.ArrowType.Timestamp(
            org.apache.arrow.vector.types.TimeUnit.MICROSECOND, null))));
    Sink sink = new IcebergSinkFactory().create(io.laminar.testkit.TestConnectorContext.builder("out",
        io.laminar.api.ConnectorKind.SINK).schema(micros).allocator(allocator).dataDir(dir.resolve("state-micros"))
        .properties(Fixtures.hadoopProps(dir.resolve("warehouse"), "micros")).build());
    assertEquals(List.of(), sink.validateSchema(micros));
    sink.check();
    sink.open(0);
    long[] values = {1_767_323_045_123_456L, -1L};
    org.apache.arrow.vector.VectorSchemaRoot root = org.apache.arrow.vector.VectorSchemaRoot.create(micros, allocator);
    root.allocateNew();
    for (int i = 0; i < values.length; i++) {
      ((org.apache.arrow.vector.BigIntVector) root.getVector("id")).setSafe(i, i);
      ((org.apache.arrow.vector.TimeStampMicroVector) root.getVector("at")).setSafe(i, values[i]);
    }
    root.setRowCount(values.length);
    try (Batch batch = Batch.of(root)) {
      sink.write(batch);
    }
    sink.prepareCommit(1);
    sink.commit(1);
    sink.close();
    Table t = Fixtures.load(catalog, "micros");
    assertEquals(Types.TimestampType.withoutZone(), t.schema().findField("at").type());
    Map<Long, Object> got = new TreeMap<>();
    try (CloseableIterable<org.apache.iceberg.data.Record> records = org.apache.iceberg.data.IcebergGenerics.read(t)
        .build()) {
      for (org.apache.iceberg.data.Record r : records) { // raw values: Fixtures.read rounds timestamps to ms
        got.put((Long) r.getField("id"), r.getField("at"));
      }
    }
    assertEquals(Map.of(0L, java.time.LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000),
        1L, java.time.LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000)), got);
  }

  @Test
  void decimalsAreIcebergDecimalsReadBackExactly() throws Exception {
    String[] balances = {"1234567890123456789012345678.0123456789", "-0.0000000001", null};
    String[] prices = {"12.50", null, "-0.01"};
    Sink sink = decimalSink("decimals");
    sink.check();
    sink.open(0);
    org.apache.arrow.vector.VectorSchemaRoot root = org.apache.arrow.vector.VectorSchemaRoot.create(DECIMALS, allocator);
    root.allocateNew();
    for (int i = 0; i < balances.length; i++) {
      ((org.apache.arrow.vector.BigIntVector) root.getVector("id")).setSafe(i, i);
      org.apache.arrow.vector.DecimalVector b = (org.apache.arrow.vector.DecimalVector) root.getVector("balance");
      org.apache.arrow.vector.DecimalVector p = (org.apache.arrow.vector.DecimalVector) root.getVector("price");
      if (balances[i] == null) {
        b.setNull(i);
      } else {
        b.setSafe(i, new java.math.BigDecimal(balances[i]));
      }
      if (prices[i] == null) {
        p.setNull(i);
      } else {
        p.setSafe(i, new java.math.BigDecimal(prices[i]));
      }
    }
    root.setRowCount(balances.length);
    try (Batch batch = Batch.of(root)) {
      sink.write(batch);
    }
    sink.prepareCommit(1);
    sink.commit(1);
    sink.close();
    Table t = Fixtures.load(catalog, "decimals");
    assertEquals(Types.DecimalType.of(38, 10), t.schema().findField("balance").type());
    assertEquals(Types.DecimalType.of(10, 2), t.schema().findField("price").type());
    Map<Long, List<Object>> got = new TreeMap<>();
    for (Map<String, Object> r : Fixtures.read(t)) {
      got.put((Long) r.get("id"), java.util.Arrays.asList(r.get("balance"), r.get("price")));
    }
    Map<Long, List<Object>> expected = new TreeMap<>();
    for (int i = 0; i < balances.length; i++) {
      expected.put((long) i, java.util.Arrays.asList(balances[i] == null ? null : new java.math.BigDecimal(balances[i]),
          prices[i] == null ? null : new java.math.BigDecimal(prices[i])));
    }
    assertEquals(expected, got);
  }

  @Test
  void anExistingDecimalColumnMustHaveTheScaleAndAtLeastTheDigits() throws Exception {
    catalog.createNamespace(Namespace.of("db"));
    catalog.createTable(TableIdentifier.of("db", "wider"), new Schema(
        Types.NestedField.optional(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "balance", Types.DecimalType.of(38, 10)),
        Types.NestedField.optional(3, "price", Types.DecimalType.of(12, 2))), PartitionSpec.unpartitioned());
    Sink wider = decimalSink("wider");
    wider.check();
    wider.close();
    catalog.createTable(TableIdentifier.of("db", "narrower"), new Schema(
        Types.NestedField.optional(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "balance", Types.DecimalType.of(38, 9)),
        Types.NestedField.optional(3, "price", Types.DecimalType.of(9, 2))), PartitionSpec.unpartitioned());
    Sink narrower = decimalSink("narrower");
    SchemaMismatchException e = assertThrows(SchemaMismatchException.class, narrower::check);
    assertEquals(List.of("balance", "price"), e.problems().stream().map(p -> p.column()).toList());
    assertTrue(e.getMessage().contains("column 'price' is decimal(9, 2) in table db.narrower and cannot hold the"
        + " pipeline's decimal(10, 2)"), e.getMessage());
    narrower.close();
  }
}
