package io.laminar.postgres;

import static io.laminar.postgres.Fixtures.BIGINT;
import static io.laminar.postgres.Fixtures.DOUBLE;
import static io.laminar.postgres.Fixtures.TIMESTAMP;
import static io.laminar.postgres.Fixtures.VARCHAR;
import static io.laminar.postgres.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowKind;
import io.laminar.api.Sink;
import io.laminar.testkit.TestConnectorContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The postgres sink against the real server. */
class PostgresSinkTest {
  static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("price", DOUBLE),
      col("ts", TIMESTAMP));

  private static TestDatabase db;
  private BufferAllocator allocator;
  private String table;

  @BeforeAll
  static void database() throws Exception {
    db = TestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    db.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    allocator = new RootAllocator();
    table = Fixtures.unique("target");
    db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text, price float8, ts timestamp)");
  }

  @AfterEach
  void tearDown() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory leaked");
    allocator.close();
  }

  Sink sink(String name, Map<String, Object> extra, DeliveryGuarantee delivery) throws ConnectorException {
    Map<String, Object> props = new HashMap<>(db.connection());
    props.put("table", table);
    props.putAll(extra);
    return new PostgresSinkFactory().create(TestConnectorContext.builder(name, ConnectorKind.SINK)
        .properties(props).schema(SCHEMA).delivery(delivery).allocator(allocator).build());
  }

  /** A batch of (kind, id, name) rows; price = id / 2, ts = id seconds. */
  static Batch batch(BufferAllocator allocator, Object... kindIdName) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    int n = kindIdName.length / 3;
    TinyIntVector kinds = new TinyIntVector("kind", allocator);
    kinds.allocateNew(n);
    BigIntVector id = (BigIntVector) root.getVector(0);
    VarCharVector name = (VarCharVector) root.getVector(1);
    Float8Vector price = (Float8Vector) root.getVector(2);
    TimeStampMilliVector ts = (TimeStampMilliVector) root.getVector(3);
    root.allocateNew();
    for (int i = 0; i < n; i++) {
      kinds.set(i, ((RowKind) kindIdName[3 * i]).code());
      long k = ((Number) kindIdName[3 * i + 1]).longValue();
      id.setSafe(i, k);
      if (kindIdName[3 * i + 2] == null) {
        name.setNull(i);
      } else {
        name.setSafe(i, ((String) kindIdName[3 * i + 2]).getBytes(StandardCharsets.UTF_8));
      }
      price.setSafe(i, k / 2.0);
      ts.setSafe(i, k * 1000);
    }
    kinds.setValueCount(n);
    root.setRowCount(n);
    return Batch.changelog(root, kinds);
  }

  private void write(Sink s, Object... rows) throws ConnectorException {
    try (Batch b = batch(allocator, rows)) {
      s.write(b);
    }
  }

  private List<List<String>> rows() throws Exception {
    return db.query("SELECT id, name, price, ts FROM " + table + " ORDER BY id");
  }

  @Test
  void appendCopiesEveryRowWithEscapesAndNulls() throws Exception {
    try (Sink s = sink("append", Map.of(), DeliveryGuarantee.AT_LEAST_ONCE)) {
      s.check();
      s.open(0);
      write(s, RowKind.INSERT, 1, "tab\there", RowKind.INSERT, 2, "back\\slash\nnewline", RowKind.INSERT, 3, null);
      s.prepareCommit(1);
      s.commit(1);
    }
    assertEquals(List.of(List.of("1", "tab\there", "0.5", "1970-01-01 00:00:01"),
        List.of("2", "back\\slash\nnewline", "1", "1970-01-01 00:00:02"),
        java.util.Arrays.asList("3", null, "1.5", "1970-01-01 00:00:03")), rows());
  }

  /** id, TIMESTAMP(6), TIMESTAMP_LTZ rows for the timestamp tests. */
  private static final Schema TIMES = Fixtures.schema(col("id", BIGINT), col("ts6", Fixtures.TIMESTAMP_MICROS),
      col("ltz", Fixtures.TIMESTAMP_LTZ));

  private Batch times(long... idMicrosMillis) {
    VectorSchemaRoot root = VectorSchemaRoot.create(TIMES, allocator);
    root.allocateNew();
    int n = idMicrosMillis.length / 3;
    for (int i = 0; i < n; i++) {
      ((BigIntVector) root.getVector(0)).setSafe(i, idMicrosMillis[3 * i]);
      ((org.apache.arrow.vector.TimeStampMicroVector) root.getVector(1)).setSafe(i, idMicrosMillis[3 * i + 1]);
      ((org.apache.arrow.vector.TimeStampMilliTZVector) root.getVector(2)).setSafe(i, idMicrosMillis[3 * i + 2]);
    }
    root.setRowCount(n);
    return Batch.of(root);
  }

  @Test
  void timestampSixKeepsMicrosecondsAndTimestampLtzIsTheInstantThroughCopyUpsertAndAutoCreate() throws Exception {
    String created = Fixtures.unique("times");
    long micros = 1_767_323_045_123_456L; // 2026-01-02 03:04:05.123456 UTC
    long before1970 = -1L; // 1969-12-31 23:59:59.999999
    for (String mode : List.of("append", "upsert")) {
      String target = created + "_" + mode;
      Map<String, Object> props = new HashMap<>(db.connection());
      props.putAll(Map.of("table", target, "auto.create.table", true, "write.mode", mode, "primary.key", "id"));
      try (Sink s = new PostgresSinkFactory().create(TestConnectorContext.builder(mode, ConnectorKind.SINK)
          .properties(props).schema(TIMES).delivery(DeliveryGuarantee.AT_LEAST_ONCE).allocator(allocator).build())) {
        assertEquals(List.of(), s.validateSchema(TIMES));
        s.check();
        s.open(0);
        try (Batch b = times(1, micros, micros / 1000, 2, before1970, -1)) {
          s.write(b);
        }
        s.prepareCommit(1);
        s.commit(1);
      }
      try {
        assertEquals(List.of(List.of("id", "bigint"), List.of("ts6", "timestamp without time zone"),
            List.of("ltz", "timestamp with time zone")), db.query("SELECT column_name, data_type FROM"
            + " information_schema.columns WHERE table_name = '" + target + "' ORDER BY ordinal_position"), mode);
        assertEquals(List.of(List.of("1", "2026-01-02 03:04:05.123456", "2026-01-02 03:04:05.123"),
            List.of("2", "1969-12-31 23:59:59.999999", "1969-12-31 23:59:59.999")),
            db.query("SELECT id, ts6::text, (ltz AT TIME ZONE 'UTC')::text FROM " + target + " ORDER BY id"), mode);
      } finally {
        db.exec("DROP TABLE " + target);
      }
    }
  }

  @Test
  void timestampLtzIsRefusedForATimestampWithoutZoneNamingTheColumn() throws Exception {
    String target = Fixtures.unique("times");
    db.exec("CREATE TABLE " + target + " (id bigint, ts6 timestamp, ltz timestamp)");
    Map<String, Object> props = new HashMap<>(db.connection());
    props.put("table", target);
    try (Sink s = new PostgresSinkFactory().create(TestConnectorContext.builder("ltz", ConnectorKind.SINK)
        .properties(props).schema(TIMES).delivery(DeliveryGuarantee.AT_LEAST_ONCE).allocator(allocator).build())) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertTrue(e.getMessage().contains("column 'ltz' is timestamp without time zone"), e.getMessage());
      assertTrue(e.getMessage().contains("TIMESTAMP_LTZ"), e.getMessage());
      assertTrue(!e.getMessage().contains("'ts6'"), e.getMessage());
    } finally {
      db.exec("DROP TABLE " + target);
    }
  }

  @Test
  void appendRefusesUpdatesAndDeletes() throws Exception {
    try (Sink s = sink("append", Map.of(), DeliveryGuarantee.AT_LEAST_ONCE)) {
      s.open(0);
      ConnectorException e = assertThrows(ConnectorException.class, () -> write(s, RowKind.DELETE, 1, "x"));
      assertTrue(e.getMessage().contains("write.mode = \"upsert\""), e.getMessage());
    }
  }

  @Test
  void upsertAppliesTheLastChangePerKeyAndDeletesByKey() throws Exception {
    db.exec("INSERT INTO " + table + " VALUES (5, 'old', 0, now())");
    try (Sink s = sink("upsert", Map.of("write.mode", "upsert"), DeliveryGuarantee.AT_LEAST_ONCE)) {
      s.check();
      s.open(0);
      write(s, RowKind.INSERT, 1, "a", RowKind.INSERT, 2, "b", RowKind.UPDATE_BEFORE, 1, "a",
          RowKind.UPDATE_AFTER, 1, "a2", RowKind.DELETE, 2, null, RowKind.DELETE, 5, null, RowKind.INSERT, 3, "c",
          RowKind.DELETE, 3, null, RowKind.INSERT, 3, "c2");
      s.prepareCommit(1);
      write(s, RowKind.UPDATE_AFTER, 3, "c3");
      s.prepareCommit(2);
    }
    assertEquals(List.of(List.of("1", "a2", "0.5", "1970-01-01 00:00:01"), List.of("3", "c3", "1.5", "1970-01-01 00:00:03")),
        rows());
  }

  @Test
  void exactlyOnceCommitsPreparedEpochsTheCheckpointCoversAndRollsBackTheRest() throws Exception {
    Map<String, Object> upsert = Map.of("write.mode", "upsert");
    try (Sink s = sink("eo", upsert, DeliveryGuarantee.EXACTLY_ONCE)) {
      s.check();
      s.open(0);
      write(s, RowKind.INSERT, 1, "epoch1");
      s.prepareCommit(1);
      s.commit(1);
      write(s, RowKind.INSERT, 2, "epoch2");
      s.prepareCommit(2); // the checkpoint of epoch 2 becomes durable, then the server dies before commit(2)
      write(s, RowKind.INSERT, 3, "epoch3");
      // dies here: epoch 3 never prepared
    }
    assertEquals(List.of(List.of("1", "epoch1", "0.5", "1970-01-01 00:00:01")), rows(), "epoch 2 is only prepared");
    try (Sink s = sink("eo", upsert, DeliveryGuarantee.EXACTLY_ONCE)) {
      s.open(2);
      assertEquals(2, rows().size(), "the restart committed prepared epoch 2");
      write(s, RowKind.INSERT, 3, "epoch3");
      s.prepareCommit(3); // prepared, but its checkpoint never completes
    }
    try (Sink s = sink("eo", upsert, DeliveryGuarantee.EXACTLY_ONCE)) {
      s.open(2);
      assertEquals(2, rows().size(), "epoch 3 was rolled back: its checkpoint is not durable");
      write(s, RowKind.INSERT, 3, "epoch3 again");
      s.prepareCommit(3);
      s.commit(3);
    }
    assertEquals("epoch3 again", rows().get(2).get(1));
    assertEquals(List.of(List.of("1"), List.of("2"), List.of("3")),
        db.query("SELECT epoch FROM laminar_sink_epochs WHERE sink_id = 'test/eo' ORDER BY epoch"));
    assertEquals(0, db.count("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"));
  }

  @Test
  void aNewRunWithoutACheckpointIsNotMistakenForEpochsAlreadyApplied() throws Exception {
    Map<String, Object> upsert = Map.of("write.mode", "upsert");
    try (Sink s = sink("rerun", upsert, DeliveryGuarantee.EXACTLY_ONCE)) {
      s.open(0);
      write(s, RowKind.INSERT, 1, "first run");
      s.prepareCommit(1);
      s.commit(1);
    }
    try (Sink s = sink("rerun", upsert, DeliveryGuarantee.EXACTLY_ONCE)) {
      s.open(0); // the checkpoints are gone: a new run, whose epoch 1 is new
      write(s, RowKind.INSERT, 2, "second run");
      s.prepareCommit(1);
      s.commit(1);
    }
    assertEquals(List.of("first run", "second run"), rows().stream().map(r -> r.get(1)).toList());
  }

  @Test
  void schemaProblemsNameTheColumns() throws Exception {
    db.exec("DROP TABLE " + table, "CREATE TABLE " + table + " (id bigint, nme text, price int, ts timestamp)");
    try (Sink s = sink("bad", Map.of("write.mode", "upsert"), DeliveryGuarantee.AT_LEAST_ONCE)) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertTrue(e.getMessage().contains("column 'name' does not exist") && e.getMessage().contains("did you mean 'nme'"),
          e.getMessage());
      assertTrue(e.getMessage().contains("column 'price' is integer"), e.getMessage());
      assertTrue(e.getMessage().contains("needs a primary key"), e.getMessage());
    }
    try (Sink s = sink("missing", Map.of("table", "no_such_table"), DeliveryGuarantee.AT_LEAST_ONCE)) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("auto.create.table"), e.getMessage());
    }
  }

  @Test
  void autoCreateMakesTheTableFromThePipelineSchema() throws Exception {
    String created = Fixtures.unique("created");
    try (Sink s = sink("auto", Map.of("table", created, "auto.create.table", true, "write.mode", "upsert",
        "primary.key", "id"), DeliveryGuarantee.AT_LEAST_ONCE)) {
      s.check();
      s.open(0);
      write(s, RowKind.INSERT, 7, "seven");
      s.prepareCommit(1);
    }
    assertEquals(List.of(List.of("7", "seven")), db.query("SELECT id, name FROM " + created));
  }

  private static final Schema DECIMALS = Fixtures.schema(col("id", BIGINT),
      col("amount", new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(20, 4, 128)));

  private Sink decimalSink(String name, Map<String, Object> extra) throws ConnectorException {
    Map<String, Object> props = new HashMap<>(db.connection());
    props.put("table", table);
    props.putAll(extra);
    return new PostgresSinkFactory().create(TestConnectorContext.builder(name, ConnectorKind.SINK)
        .properties(props).schema(DECIMALS).delivery(DeliveryGuarantee.AT_LEAST_ONCE).allocator(allocator).build());
  }

  /** (id, amount as text or null) pairs as an insert-only batch of {@link #DECIMALS}. */
  private Batch decimalBatch(Object... idAmount) {
    VectorSchemaRoot root = VectorSchemaRoot.create(DECIMALS, allocator);
    root.allocateNew();
    int n = idAmount.length / 2;
    for (int i = 0; i < n; i++) {
      ((BigIntVector) root.getVector(0)).setSafe(i, ((Number) idAmount[2 * i]).longValue());
      org.apache.arrow.vector.DecimalVector amount = (org.apache.arrow.vector.DecimalVector) root.getVector(1);
      if (idAmount[2 * i + 1] == null) {
        amount.setNull(i);
      } else {
        amount.setSafe(i, new java.math.BigDecimal((String) idAmount[2 * i + 1]));
      }
    }
    root.setRowCount(n);
    return Batch.of(root);
  }

  @Test
  void decimalsAreWrittenExactlyByCopyAndByUpsertAndAutoCreateMakesNumeric() throws Exception {
    String[] amounts = {"1234567890123456.7891", "-0.0001", "0.0000", "-9999999999999999.9999"};
    for (String mode : List.of("append", "upsert")) {
      String created = Fixtures.unique("dec_" + mode);
      try (Sink s = decimalSink(mode, Map.of("table", created, "auto.create.table", true, "write.mode", mode,
          "primary.key", "id"))) {
        s.check();
        s.open(0);
        try (Batch b = decimalBatch(1, amounts[0], 2, amounts[1], 3, amounts[2], 4, amounts[3], 5, null)) {
          s.write(b);
        }
        s.prepareCommit(1);
        s.commit(1);
      }
      assertEquals(List.of(List.of("numeric(20,4)")), db.query("SELECT format_type(atttypid, atttypmod) FROM "
          + "pg_attribute WHERE attrelid = '" + created + "'::regclass AND attname = 'amount'"));
      assertEquals(List.of(List.of("1", amounts[0]), List.of("2", amounts[1]), List.of("3", amounts[2]),
          List.of("4", amounts[3]), java.util.Arrays.asList("5", null)),
          db.query("SELECT id, amount FROM " + created + " ORDER BY id"), mode);
    }
  }

  @Test
  void aDecimalIsRefusedByANumericThatCannotHoldEveryValueAndByOtherTypes() throws Exception {
    db.exec("DROP TABLE " + table, "CREATE TABLE " + table + " (id bigint, amount numeric(12,2))");
    try (Sink s = decimalSink("narrow", Map.of())) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertTrue(e.getMessage().contains("column 'amount' is numeric(12,2)") && e.getMessage().contains(
          "cannot hold every value of the pipeline's DECIMAL(20, 4) exactly (make it numeric(20,4)"), e.getMessage());
    }
    db.exec("DROP TABLE " + table, "CREATE TABLE " + table + " (id bigint, amount float8)");
    try (Sink s = decimalSink("double", Map.of())) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertTrue(e.getMessage().contains("column 'amount' is double precision") && e.getMessage().contains(
          "cannot hold the pipeline's DECIMAL(20, 4)"), e.getMessage());
    }
    // a wider numeric and an unconstrained one hold every value
    for (String type : List.of("numeric(30,6)", "numeric")) {
      db.exec("DROP TABLE " + table, "CREATE TABLE " + table + " (id bigint, amount " + type + ")");
      try (Sink s = decimalSink("wide", Map.of())) {
        s.check();
        s.open(0);
        try (Batch b = decimalBatch(1, "-12.3400")) {
          s.write(b);
        }
        s.prepareCommit(1);
        s.commit(1);
      }
      assertEquals("-12.34", new java.math.BigDecimal(db.query("SELECT amount FROM " + table).get(0).get(0))
          .stripTrailingZeros().toPlainString(), type);
    }
  }

  @Test
  void upsertLeavesOutTheChangesTheTableCannotStoreAndReportsThem() throws Exception {
    db.exec("DROP TABLE " + table, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, name varchar(3), price float8,"
        + " ts timestamp)");
    List<String> rejected = new java.util.ArrayList<>();
    Map<String, Object> props = new HashMap<>(db.connection());
    props.put("table", table);
    props.put("write.mode", "upsert");
    io.laminar.api.ConnectorContext base = TestConnectorContext.builder("picky", ConnectorKind.SINK)
        .properties(props).schema(SCHEMA).delivery(DeliveryGuarantee.AT_LEAST_ONCE).allocator(allocator).build();
    io.laminar.api.RowRejections collect = (batch, row, column, reason) ->
        rejected.add(batch.rowKind(row) + " row " + row + ": " + column + ": " + reason);
    io.laminar.api.ConnectorContext context = (io.laminar.api.ConnectorContext) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {io.laminar.api.ConnectorContext.class},
        (proxy, method, args) -> method.getName().equals("rowRejections") ? collect : method.invoke(base, args));
    try (Sink s = new PostgresSinkFactory().create(context)) {
      s.open(0);
      write(s, RowKind.INSERT, 1, "abc");
      // the update of 1 to a name too long is left out, its UPDATE_BEFORE still takes the old row away
      write(s, RowKind.INSERT, 2, "toolong", RowKind.UPDATE_BEFORE, 1, "abc", RowKind.UPDATE_AFTER, 1, "abcd",
          RowKind.INSERT, 3, "ok", RowKind.DELETE, 4, "too long for a delete, which writes no value");
      s.prepareCommit(1);
    }
    assertEquals(List.of("INSERT row 0: name: a string of 7 characters is too long for character varying(3)",
        "UPDATE_AFTER row 2: name: a string of 4 characters is too long for character varying(3)"), rejected);
    assertEquals(List.of(List.of("3", "ok", "1.5", "1970-01-01 00:00:03")), rows());
  }
}
