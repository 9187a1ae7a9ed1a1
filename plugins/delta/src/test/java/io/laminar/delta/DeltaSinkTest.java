package io.laminar.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.Operation;
import io.delta.kernel.Table;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.SchemaMismatchException;
import io.laminar.testkit.TestConnectorContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaSinkTest {
  static final Schema SCHEMA = new Schema(List.of(
      Field.nullable("id", new ArrowType.Int(64, true)),
      Field.nullable("region", ArrowType.Utf8.INSTANCE),
      Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
      Field.nullable("day", new ArrowType.Date(DateUnit.DAY)),
      Field.nullable("amount", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
      Field.nullable("ok", ArrowType.Bool.INSTANCE),
      Field.nullable("n", new ArrowType.Int(32, true))));

  @TempDir
  Path tmp;
  BufferAllocator allocator;
  Path table;
  int next;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    table = tmp.resolve("table");
  }

  @AfterEach
  void tearDown() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory left");
    allocator.close();
  }

  DeltaSink sink(Map<String, Object> extra) throws ConnectorException {
    Map<String, Object> props = new HashMap<>();
    props.put(DeltaSettings.TABLE_PATH, table.toString());
    props.put(DeltaSettings.WRITER_ID, "test-writer");
    props.putAll(extra);
    TestConnectorContext ctx = TestConnectorContext.builder("out", ConnectorKind.SINK).schema(SCHEMA)
        .properties(props).allocator(allocator).dataDir(tmp.resolve("data")).build();
    return (DeltaSink) new DeltaSinkFactory().create(ctx);
  }

  /** Rows id = next .. next+n-1, region alternating, one NULL n per batch; the expected rows are added to {@code expected}. */
  Batch batch(int n, List<List<Object>> expected) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    for (int i = 0; i < n; i++) {
      long id = next++;
      String region = id % 3 == 0 ? "eu" : id % 3 == 1 ? "us" : "ap south";
      long ts = 1_767_225_600_000L + id * 1000;
      int day = 20_454 + (int) (id % 5);
      double amount = id * 1.5;
      boolean ok = id % 2 == 0;
      ((BigIntVector) root.getVector("id")).setSafe(i, id);
      ((VarCharVector) root.getVector("region")).setSafe(i, region.getBytes(StandardCharsets.UTF_8));
      ((TimeStampMilliVector) root.getVector("ts")).setSafe(i, ts);
      ((DateDayVector) root.getVector("day")).setSafe(i, day);
      ((Float8Vector) root.getVector("amount")).setSafe(i, amount);
      ((BitVector) root.getVector("ok")).setSafe(i, ok ? 1 : 0);
      if (i == 0) {
        ((IntVector) root.getVector("n")).setNull(i);
      } else {
        ((IntVector) root.getVector("n")).setSafe(i, (int) id);
      }
      List<Object> row = new ArrayList<>();
      row.add(id);
      row.add(region);
      row.add(ts * 1000);
      row.add(day);
      row.add(amount);
      row.add(ok);
      row.add(i == 0 ? null : (int) id);
      expected.add(row);
    }
    root.setRowCount(n);
    return Batch.of(root);
  }

  void write(DeltaSink sink, int n, List<List<Object>> expected) throws ConnectorException {
    try (Batch b = batch(n, expected)) {
      sink.write(b);
    }
  }

  static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>(rows);
    out.sort(Comparator.comparingLong(r -> (Long) r.get(0)));
    return out;
  }

  /** The table's rows in the sink's column order (partition columns come back where the schema has them). */
  List<List<Object>> tableRows() throws Exception {
    return sorted(DeltaTables.rows(table));
  }

  void assertNoOrphans() throws Exception {
    assertEquals(DeltaTables.referencedFiles(table).keySet(), DeltaTables.parquetFilesOnDisk(table),
        "every data file on disk is referenced by the log, and every referenced one exists");
    assertEquals(List.of(), DeltaTables.laminarFiles(table), "no manifests or staged files left");
  }

  @Test
  void epochsBecomeOneCommitEachWithTheirTxnVersion() throws Exception {
    List<List<Object>> expected = new ArrayList<>();
    try (DeltaSink sink = sink(Map.of())) {
      sink.check();
      sink.open(0);
      write(sink, 100, expected);
      write(sink, 50, expected);
      sink.prepareCommit(1);
      sink.commit(1);
      assertEquals(150, DeltaTables.rows(table).size());
      write(sink, 7, expected);
      sink.prepareCommit(2);
      sink.commit(2);
      sink.commit(2); // idempotent
    }
    assertEquals(sorted(expected), tableRows());
    assertEquals(2L, DeltaTables.txnVersion(table, "test-writer").orElseThrow());
    assertEquals(2L, DeltaTables.snapshot(table).getVersion(), "create + two commits");
    // the minimal protocol every Delta reader accepts: reader 1, writer 2, no table features
    assertEquals(1, DeltaTables.snapshot(table).getProtocol().getMinReaderVersion());
    assertEquals(2, DeltaTables.snapshot(table).getProtocol().getMinWriterVersion());
    assertNoOrphans();
  }

  @Test
  void aRestartCommitsThePreparedEpochTheCheckpointCoversAndDropsNewerOnes() throws Exception {
    List<List<Object>> expected = new ArrayList<>();
    List<List<Object>> lost = new ArrayList<>();
    DeltaSink first = sink(Map.of());
    first.open(0);
    write(first, 40, expected);
    first.prepareCommit(1);
    // crash: checkpoint 1 is durable, commit(1) never ran; epoch 2 was prepared but its checkpoint never completed
    write(first, 30, lost);
    first.prepareCommit(2);
    first.close();
    assertEquals(0, DeltaTables.rows(table).size());

    try (DeltaSink second = sink(Map.of())) {
      second.open(1);
      assertEquals(sorted(expected), tableRows());
      assertEquals(1L, DeltaTables.txnVersion(table, "test-writer").orElseThrow());
      assertNoOrphans();
      // the replay of epoch 2 after the restart
      write(second, 5, expected);
      second.prepareCommit(2);
      second.commit(2);
    }
    assertEquals(sorted(expected), tableRows());
    assertNoOrphans();
  }

  @Test
  void anEpochAlreadyInTheTableIsNotWrittenAgain() throws Exception {
    List<List<Object>> expected = new ArrayList<>();
    try (DeltaSink sink = sink(Map.of())) {
      sink.open(0);
      write(sink, 10, expected);
      sink.prepareCommit(1);
      sink.commit(1);
      write(sink, 10, expected);
      sink.prepareCommit(2);
      sink.commit(2);
    }
    // the checkpoint of epoch 2 was lost (recovery fell back to 1): epoch 2 is replayed
    try (DeltaSink sink = sink(Map.of())) {
      sink.open(1);
      next -= 10;
      write(sink, 10, new ArrayList<>());
      sink.prepareCommit(2);
      sink.commit(2);
      write(sink, 3, expected);
      sink.prepareCommit(3);
      sink.commit(3);
    }
    assertEquals(sorted(expected), tableRows());
    assertEquals(3L, DeltaTables.txnVersion(table, "test-writer").orElseThrow());
    assertNoOrphans();
  }

  @Test
  void abortRemovesTheEpochsFiles() throws Exception {
    List<List<Object>> expected = new ArrayList<>();
    try (DeltaSink sink = sink(Map.of())) {
      sink.open(0);
      write(sink, 10, new ArrayList<>());
      sink.prepareCommit(1);
      sink.abort(1);
      write(sink, 4, new ArrayList<>());
      sink.abort(2); // aborted before it was prepared
      write(sink, 6, expected);
      sink.prepareCommit(3);
      sink.commit(3);
    }
    assertEquals(sorted(expected), tableRows());
    assertNoOrphans();
  }

  @Test
  void partitionedTablesWriteUnderPartitionDirectoriesAndReadPartitionValuesBack() throws Exception {
    List<List<Object>> expected = new ArrayList<>();
    try (DeltaSink sink = sink(Map.of(DeltaSettings.PARTITION_COLUMNS, "region"))) {
      sink.open(0);
      write(sink, 30, expected);
      write(sink, 30, expected);
      sink.prepareCommit(1);
      sink.commit(1);
    }
    assertEquals(List.of("region"), DeltaTables.snapshot(table).getPartitionColumnNames());
    Map<String, Map<String, String>> files = DeltaTables.referencedFiles(table);
    assertEquals(3, files.size(), "one file per region: " + files.keySet());
    for (Map.Entry<String, Map<String, String>> f : files.entrySet()) {
      String region = f.getValue().get("region");
      Path dir = Path.of(f.getKey()).getParent();
      assertEquals(table.resolve("region=" + region.replace(" ", "%20")), dir, f.getKey());
    }
    // the scan puts partition columns back at their schema position
    assertEquals(sorted(expected), tableRows());
    assertNoOrphans();
  }

  @Test
  void aNewCheckpointHistoryContinuesAfterTheTxnVersionsOfAnEarlierOne() throws Exception {
    List<List<Object>> expected = new ArrayList<>();
    try (DeltaSink sink = sink(Map.of())) {
      sink.open(0);
      for (int e = 1; e <= 2; e++) {
        write(sink, 5, expected);
        sink.prepareCommit(e);
        sink.commit(e);
      }
    }
    // the checkpoint directory is gone: epochs count from 1 again
    try (DeltaSink sink = sink(Map.of())) {
      sink.open(0);
      write(sink, 5, expected);
      sink.prepareCommit(1);
      sink.commit(1);
    }
    assertEquals(sorted(expected), tableRows());
    assertEquals(3L, DeltaTables.txnVersion(table, "test-writer").orElseThrow());
  }

  @Test
  void logCheckpointsEveryIntervalVersions() throws Exception {
    try (DeltaSink sink = sink(Map.of(DeltaSettings.CHECKPOINT_INTERVAL, 3))) {
      sink.open(0);
      for (int e = 1; e <= 7; e++) {
        write(sink, 3, new ArrayList<>());
        sink.prepareCommit(e);
        sink.commit(e);
      }
    }
    assertTrue(DeltaTables.hasCheckpoint(table, 3));
    assertTrue(DeltaTables.hasCheckpoint(table, 6));
    assertFalse(DeltaTables.hasCheckpoint(table, 7));
    assertEquals(21, DeltaTables.rows(table).size());
  }

  @Test
  void appendsToAnExistingTableWithTheSameSchema() throws Exception {
    List<List<Object>> expected = new ArrayList<>();
    try (DeltaSink sink = sink(Map.of(DeltaSettings.WRITER_ID, "first"))) {
      sink.open(0);
      write(sink, 8, expected);
      sink.prepareCommit(1);
      sink.commit(1);
    }
    try (DeltaSink sink = sink(Map.of(DeltaSettings.CREATE, "never"))) {
      sink.check();
      sink.open(0);
      write(sink, 8, expected);
      sink.prepareCommit(1);
      sink.commit(1);
    }
    assertEquals(sorted(expected), tableRows());
  }

  @Test
  void refusesAnExistingTableWithAnotherSchemaNamingEveryColumn() throws Exception {
    Engine engine = DeltaTables.engine();
    Files.createDirectories(table);
    StructType other = new StructType().add("id", StringType.STRING).add("region", StringType.STRING)
        .add("extra", LongType.LONG);
    Table.forPath(engine, table.toString()).createTransactionBuilder(engine, "test", Operation.CREATE_TABLE)
        .withSchema(engine, other).build(engine).commit(engine, CloseableIterable.emptyIterable());
    DeltaSink sink = sink(Map.of());
    SchemaMismatchException e = assertThrows(SchemaMismatchException.class, sink::check);
    List<String> columns = e.problems().stream().map(SchemaMismatchException.Problem::column).toList();
    assertEquals(List.of("id", "ts", "day", "amount", "ok", "n", "extra"), columns);
    assertTrue(e.problems().get(0).message().contains("column 'id' is string in table " + table
        + " but long in the pipeline's output"), e.getMessage());
    assertTrue(e.getMessage().contains("column 'extra' (long) of table"), e.getMessage());
    sink.close();
  }

  @Test
  void anUnwritablePathIsAClearError() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    table = file.resolve("table");
    DeltaSink sink = sink(Map.of());
    ConnectorException e = assertThrows(ConnectorException.class, sink::check);
    assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
    assertEquals("cannot write the Delta table at " + table + ": " + file + " is not a directory", e.getMessage());
    sink.close();
  }

  @Test
  void createNeverRefusesAMissingTable() throws Exception {
    DeltaSink sink = sink(Map.of(DeltaSettings.CREATE, "never"));
    ConnectorException e = assertThrows(ConnectorException.class, sink::check);
    assertTrue(e.getMessage().contains("there is no Delta table at " + table), e.getMessage());
    sink.close();
  }

  @Test
  void partitionColumnsAreCheckedAgainstTheOutput() {
    ConnectorException e = assertThrows(ConnectorException.class,
        () -> sink(Map.of(DeltaSettings.PARTITION_COLUMNS, "regoin, amount")));
    assertEquals("partition.columns", e.property().orElseThrow());
    assertEquals("invalid value 'regoin, amount' for property 'partition.columns': 'regoin' is not a column of the"
        + " pipeline's output (id, region, ts, day, amount, ok, n) (did you mean 'region'?); 'amount' is a"
        + " floating-point column; partition by an integer, string, boolean, date or timestamp column", e.getMessage());
  }

  @Test
  void otherFileSystemsAreRefusedAndFileUrlsAccepted() throws Exception {
    ConnectorException e = assertThrows(ConnectorException.class,
        () -> DeltaSettings.tablePath(tmp.resolve("s3:/bucket/t").toString()));
    assertTrue(e.getMessage().contains("the s3:// file system is not bundled"), e.getMessage());
    assertEquals(Path.of("/data/t"), DeltaSettings.tablePath(tmp.resolve("file:/data/t").toString()));
  }

  @Test
  void twoWritersInterleavingCommitsOnOneTableBothLand() throws Exception {
    List<List<Object>> expected = new ArrayList<>();
    try (DeltaSink a = sink(Map.of(DeltaSettings.WRITER_ID, "a")); DeltaSink b = sink(Map.of(DeltaSettings.WRITER_ID, "b"))) {
      a.open(0);
      b.open(0);
      for (int e = 1; e <= 3; e++) {
        write(a, 5, expected);
        write(b, 5, expected);
        a.prepareCommit(e);
        b.prepareCommit(e);
        // b's transaction starts from a table version a's commit has moved past: Kernel's conflict check
        // finds no logical conflict between blind appends and retries
        a.commit(e);
        b.commit(e);
      }
    }
    assertEquals(sorted(expected), tableRows());
    assertEquals(3L, DeltaTables.txnVersion(table, "a").orElseThrow());
    assertEquals(3L, DeltaTables.txnVersion(table, "b").orElseThrow());
  }

  @Test
  void twoSinksSharingAWriterIdAreRefusedClearly() throws Exception {
    try (DeltaSink a = sink(Map.of()); DeltaSink b = sink(Map.of())) {
      a.open(0);
      b.open(0);
      write(a, 3, new ArrayList<>());
      a.prepareCommit(5);
      a.commit(5);
      write(b, 3, new ArrayList<>());
      b.prepareCommit(3);
      ConnectorException e = assertThrows(ConnectorException.class, () -> b.commit(3));
      assertTrue(e.getMessage().startsWith("another writer uses writer.id 'test-writer' on " + table
          + ": the table holds its txn version 5, newer than this sink's epoch 3"), e.getMessage());
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"zstd,ZSTD", "snappy,SNAPPY", "gzip,GZIP", "none,UNCOMPRESSED"})
  void parquetCompressionReachesTheDataFiles(String codec, String inFooter) throws Exception {
    try (DeltaSink sink = sink(Map.of(DeltaSettings.COMPRESSION, codec))) {
      sink.open(0);
      write(sink, 50, new ArrayList<>());
      sink.prepareCommit(1);
      sink.commit(1);
    }
    for (String file : DeltaTables.referencedFiles(table).keySet()) {
      try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file),
              new org.apache.hadoop.conf.Configuration()))) {
        for (var block : reader.getFooter().getBlocks()) {
          for (var column : block.getColumns()) {
            assertEquals(inFooter, column.getCodec().name(), file + " " + column.getPath());
          }
        }
      }
    }
    assertEquals(50, DeltaTables.rows(table).size());
  }

  /** A context whose metrics are recorded, otherwise the test context. */
  record Recording(io.laminar.api.ConnectorContext base, Map<String, Long> counters,
      Map<String, java.util.function.DoubleSupplier> gauges) implements io.laminar.api.ConnectorContext {
    @Override
    public String name() {
      return base.name();
    }

    @Override
    public ConnectorKind kind() {
      return base.kind();
    }

    @Override
    public String serverName() {
      return base.serverName();
    }

    @Override
    public io.laminar.api.ConnectorProperties properties() {
      return base.properties();
    }

    @Override
    public Schema schema() {
      return base.schema();
    }

    @Override
    public List<String> primaryKey() {
      return base.primaryKey();
    }

    @Override
    public java.util.Optional<io.laminar.api.DeliveryGuarantee> delivery() {
      return base.delivery();
    }

    @Override
    public BufferAllocator allocator() {
      return base.allocator();
    }

    @Override
    public io.laminar.api.ConnectorMetrics metrics() {
      return new io.laminar.api.ConnectorMetrics() {
        @Override
        public Counter counter(String name, String description) {
          counters.putIfAbsent(name, 0L);
          return delta -> counters.merge(name, delta, Long::sum);
        }

        @Override
        public void gauge(String name, String description, java.util.function.DoubleSupplier value) {
          gauges.put(name, value);
        }
      };
    }

    @Override
    public org.slf4j.Logger logger() {
      return base.logger();
    }

    @Override
    public Path dataDir() {
      return base.dataDir();
    }
  }

  @Test
  void metricsCountWhatWasCommitted() throws Exception {
    Map<String, Long> counters = new HashMap<>();
    Map<String, java.util.function.DoubleSupplier> gauges = new HashMap<>();
    Map<String, Object> props = new HashMap<>();
    props.put(DeltaSettings.TABLE_PATH, table.toString());
    props.put(DeltaSettings.PARTITION_COLUMNS, "region");
    TestConnectorContext base = TestConnectorContext.builder("out", ConnectorKind.SINK).schema(SCHEMA)
        .properties(props).allocator(allocator).dataDir(tmp.resolve("data")).build();
    try (DeltaSink sink = (DeltaSink) new DeltaSinkFactory().create(new Recording(base, counters, gauges))) {
      sink.open(0);
      write(sink, 30, new ArrayList<>());
      sink.prepareCommit(1);
      assertEquals(0L, counters.get("rows_written_total"), "nothing counts before the commit");
      sink.commit(1);
      write(sink, 12, new ArrayList<>());
      sink.prepareCommit(2);
      sink.commit(2);
    }
    Map<String, Map<String, String>> files = DeltaTables.referencedFiles(table);
    long bytes = 0;
    for (String f : files.keySet()) {
      bytes += Files.size(Path.of(f));
    }
    assertEquals(42L, counters.get("rows_written_total"));
    assertEquals((long) files.size(), counters.get("files_written_total"));
    assertEquals(bytes, counters.get("bytes_written_total"));
    assertEquals(2L, counters.get("commits_total"));
    assertTrue(counters.containsKey("commit_latency_ms_total"));
    assertTrue(gauges.get("last_commit_latency_ms").getAsDouble() >= 0);
  }

  @Test
  void decimalsAreDeltaDecimalsReadBackExactlyAndCanPartition() throws Exception {
    Schema decimals = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)),
        Field.nullable("balance", new ArrowType.Decimal(38, 10, 128)),
        Field.nullable("price", new ArrowType.Decimal(10, 2, 128))));
    String[] balances = {"1234567890123456789012345678.0123456789", "-0.0000000001", null, "0E-10"};
    String[] prices = {"12.50", null, "12.50", "3.00"};
    for (String partition : List.of("", "price")) {
      Path at = tmp.resolve("decimals" + partition);
      Map<String, Object> props = new HashMap<>();
      props.put(DeltaSettings.TABLE_PATH, at.toString());
      props.put(DeltaSettings.WRITER_ID, "test-writer");
      if (!partition.isEmpty()) {
        props.put(DeltaSettings.PARTITION_COLUMNS, partition);
      }
      TestConnectorContext ctx = TestConnectorContext.builder("out", ConnectorKind.SINK).schema(decimals)
          .properties(props).allocator(allocator).dataDir(tmp.resolve("data" + partition)).build();
      try (DeltaSink sink = (DeltaSink) new DeltaSinkFactory().create(ctx)) {
        sink.check();
        sink.open(0);
        VectorSchemaRoot root = VectorSchemaRoot.create(decimals, allocator);
        root.allocateNew();
        for (int i = 0; i < balances.length; i++) {
          ((BigIntVector) root.getVector("id")).setSafe(i, i);
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
      }
      io.delta.kernel.types.StructType schema = DeltaTables.snapshot(at).getSchema();
      assertEquals(new io.delta.kernel.types.DecimalType(38, 10), schema.get("balance").getDataType());
      assertEquals(new io.delta.kernel.types.DecimalType(10, 2), schema.get("price").getDataType());
      List<List<Object>> expected = new ArrayList<>();
      for (int i = 0; i < balances.length; i++) {
        expected.add(java.util.Arrays.asList((long) i, balances[i] == null ? null : new java.math.BigDecimal(balances[i]),
            prices[i] == null ? null : new java.math.BigDecimal(prices[i])));
      }
      assertEquals(expected, sorted(DeltaTables.rows(at)), partition);
    }
  }

  @Test
  void aNullPartitionValueIsWrittenUnderTheHiveDefaultPartitionAndReadBackAsNull() throws Exception {
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)),
        Field.nullable("region", ArrowType.Utf8.INSTANCE)));
    Path at = tmp.resolve("nullpartition");
    Map<String, Object> props = new HashMap<>();
    props.put(DeltaSettings.TABLE_PATH, at.toString());
    props.put(DeltaSettings.WRITER_ID, "test-writer");
    props.put(DeltaSettings.PARTITION_COLUMNS, "region");
    String[] regions = {"eu", null, "us", null};
    List<List<Object>> expected = new ArrayList<>();
    for (int epoch = 1; epoch <= 2; epoch++) { // the second sink finds the table (and its null partition) there
      TestConnectorContext ctx = TestConnectorContext.builder("out", ConnectorKind.SINK).schema(schema)
          .properties(props).allocator(allocator).dataDir(tmp.resolve("nullpartition-data")).build();
      try (DeltaSink sink = (DeltaSink) new DeltaSinkFactory().create(ctx)) {
        sink.check();
        sink.open(epoch - 1);
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.allocateNew();
        for (int i = 0; i < regions.length; i++) {
          long id = epoch * 10L + i;
          ((BigIntVector) root.getVector("id")).setSafe(i, id);
          if (regions[i] == null) {
            ((VarCharVector) root.getVector("region")).setNull(i);
          } else {
            ((VarCharVector) root.getVector("region")).setSafe(i, regions[i].getBytes(StandardCharsets.UTF_8));
          }
          expected.add(java.util.Arrays.asList(id, regions[i]));
        }
        root.setRowCount(regions.length);
        try (Batch batch = Batch.of(root)) {
          sink.write(batch);
        }
        sink.prepareCommit(epoch);
        sink.commit(epoch);
      }
    }
    Map<String, Map<String, String>> files = DeltaTables.referencedFiles(at);
    assertEquals(6, files.size(), "one file per region and epoch: " + files.keySet());
    int nullFiles = 0;
    for (Map.Entry<String, Map<String, String>> f : files.entrySet()) {
      String region = f.getValue().get("region");
      assertTrue(f.getValue().containsKey("region"), f.toString());
      nullFiles += region == null ? 1 : 0;
      assertEquals(at.resolve("region=" + (region == null ? "__HIVE_DEFAULT_PARTITION__" : region)),
          Path.of(f.getKey()).getParent(), f.getKey());
    }
    assertEquals(2, nullFiles, files.toString());
    assertEquals(sorted(expected), sorted(DeltaTables.rows(at)));
  }

  @Test
  void timestampSixIsWrittenAsMicrosecondsUnpartitionedAndAsAPartition() throws Exception {
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)),
        Field.nullable("at", new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, null))));
    long[] micros = {1_767_323_045_123_456L, -1L, 1_767_323_045_123_456L};
    for (String partition : List.of("", "at")) {
      Path at = tmp.resolve("micros" + partition);
      Map<String, Object> props = new HashMap<>();
      props.put(DeltaSettings.TABLE_PATH, at.toString());
      props.put(DeltaSettings.WRITER_ID, "test-writer");
      if (!partition.isEmpty()) {
        props.put(DeltaSettings.PARTITION_COLUMNS, partition);
      }
      TestConnectorContext ctx = TestConnectorContext.builder("out", ConnectorKind.SINK).schema(schema)
          .properties(props).allocator(allocator).dataDir(tmp.resolve("micros-data" + partition)).build();
      try (DeltaSink sink = (DeltaSink) new DeltaSinkFactory().create(ctx)) {
        assertEquals(List.of(), sink.validateSchema(schema));
        sink.check();
        sink.open(0);
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.allocateNew();
        for (int i = 0; i < micros.length; i++) {
          ((BigIntVector) root.getVector("id")).setSafe(i, i);
          ((org.apache.arrow.vector.TimeStampMicroVector) root.getVector("at")).setSafe(i, micros[i]);
        }
        root.setRowCount(micros.length);
        try (Batch batch = Batch.of(root)) {
          sink.write(batch);
        }
        sink.prepareCommit(1);
        sink.commit(1);
      }
      assertEquals(io.delta.kernel.types.TimestampType.TIMESTAMP, DeltaTables.snapshot(at).getSchema().get("at").getDataType());
      List<List<Object>> expected = new ArrayList<>();
      for (int i = 0; i < micros.length; i++) {
        expected.add(List.of((long) i, micros[i]));
      }
      assertEquals(expected, sorted(DeltaTables.rows(at)), partition);
    }
  }
}
