package io.laminar.mysql;

import static io.laminar.mysql.Fixtures.BIGINT;
import static io.laminar.mysql.Fixtures.BOOLEAN;
import static io.laminar.mysql.Fixtures.DATE;
import static io.laminar.mysql.Fixtures.DOUBLE;
import static io.laminar.mysql.Fixtures.INT;
import static io.laminar.mysql.Fixtures.TIMESTAMP;
import static io.laminar.mysql.Fixtures.VARCHAR;
import static io.laminar.mysql.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.RowKind;
import io.laminar.api.SchemaMismatchException;
import io.laminar.api.Secret;
import io.laminar.api.Source;
import io.laminar.testkit.TestConnectorContext;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** mysql_cdc against the real MariaDB: snapshot, binlog streaming, row kinds, offsets, DDL, the checks. */
class MysqlCdcSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Schema ORDERS = Fixtures.schema(col("id", BIGINT), col("qty", INT), col("price", DOUBLE),
      col("note", VARCHAR), col("paid", BOOLEAN), col("created", TIMESTAMP), col("day", DATE), col("$op", VARCHAR),
      col("$binlog_pos", BIGINT), col("$binlog_file", VARCHAR));

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
    table = Fixtures.unique("orders");
    db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, qty int, price double, note varchar(100),"
        + " paid tinyint(1), created datetime(3), day date, amount decimal(10,2), status enum('new','done'))");
  }

  @AfterEach
  void tearDown() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory leaked");
    allocator.close();
  }

  private Source source(Schema schema, Map<String, Object> extra) throws ConnectorException {
    Map<String, Object> props = new HashMap<>(db.connection());
    props.put("table", table);
    props.putAll(extra);
    return new MysqlCdcSourceFactory().create(TestConnectorContext.builder("orders_" + table, ConnectorKind.SOURCE)
        .properties(props).schema(schema).allocator(allocator).build());
  }

  @Test
  void snapshotThenBinlogWithRowKindsThenAnAddedColumnThenResumeWithoutSecondSnapshot() throws Exception {
    StringBuilder insert = new StringBuilder("INSERT INTO " + table + " (id, qty, price, note, paid, created, day) VALUES ");
    for (int g = 1; g <= 500; g++) {
      insert.append(g == 1 ? "" : ",").append("(").append(g).append(", ").append(g).append(", ").append(g * 1.5)
          .append(", 'n").append(g).append("', ").append(g % 2 == 0 ? 1 : 0).append(", '2026-01-02 03:04:05' + INTERVAL ")
          .append(g).append(" SECOND, '2026-01-01' + INTERVAL ").append(g).append(" DAY)");
    }
    db.exec(insert.toString());
    byte[] offsets;
    try (Source s = source(ORDERS, Map.of())) {
      s.check();
      s.open(null);
      List<Fixtures.Row> snapshot = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 500);
      assertEquals(500, snapshot.size());
      MysqlCdcSource.SnapshotProgress progress = ((MysqlCdcSource) s).snapshotProgress();
      assertEquals(500, progress.rows());
      assertTrue(progress.completed(), "the last snapshot row completes the snapshot: " + progress);
      assertEquals(1.0, progress.fraction());
      assertTrue(progress.rowsPerSecond() > 0, progress.toString());
      assertTrue(snapshot.stream().allMatch(r -> r.kind() == RowKind.INSERT && "r".equals(r.get(7))));
      Fixtures.Row first = snapshot.stream().filter(r -> r.get(0).equals(1L)).findFirst().orElseThrow();
      assertEquals(List.of(1L, 1, 1.5, "n1", false, LocalDateTime.of(2026, 1, 2, 3, 4, 6),
          LocalDate.of(2026, 1, 2).toEpochDay()), List.of(first.get(0), first.get(1), first.get(2), first.get(3),
          first.get(4), first.get(5), ((Integer) first.get(6)).longValue()));

      db.exec("INSERT INTO " + table + " (id, qty, paid) VALUES (1001, 7, 1)",
          "UPDATE " + table + " SET qty = 8 WHERE id = 1001", "DELETE FROM " + table + " WHERE id = 2");
      List<Fixtures.Row> changes = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 4);
      assertEquals(List.of(RowKind.INSERT, RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER, RowKind.DELETE),
          changes.stream().map(Fixtures.Row::kind).collect(Collectors.toList()));
      assertEquals(List.of("c", "u", "u", "d"), changes.stream().map(r -> r.get(7)).collect(Collectors.toList()));
      assertEquals(true, changes.get(0).get(4));
      assertEquals(7, changes.get(1).get(1));
      assertEquals(8, changes.get(2).get(1));
      assertEquals(List.of(2L, 2, 3.0, "n2"), changes.get(3).values().subList(0, 4), "a delete carries the whole old row");
      assertNotNull(changes.get(0).get(8));
      assertTrue(changes.get(0).get(9).toString().startsWith("mariadb-bin."), changes.get(0).toString());

      // A column added while running: decoded through the schema history, ignored as undeclared.
      db.exec("ALTER TABLE " + table + " ADD COLUMN extra varchar(20) AFTER qty",
          "INSERT INTO " + table + " (id, qty, extra, note) VALUES (1002, 5, 'x', 'after alter')");
      List<Fixtures.Row> afterAlter = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 1);
      assertEquals(List.of(1002L, 5, "after alter"), List.of(afterAlter.get(0).get(0), afterAlter.get(0).get(1),
          afterAlter.get(0).get(3)));
      offsets = s.snapshotOffsets();
      s.checkpointCompleted(offsets);
    }
    assertTrue(new CdcOffsets("x").decode(offsets).history().stream().anyMatch(h -> h.contains("ADD COLUMN")),
        "the ALTER TABLE is in the checkpoint's schema history");
    db.exec("UPDATE " + table + " SET qty = 9, extra = 'y', note = 'resumed' WHERE id = 1002");
    try (Source s = source(ORDERS, Map.of())) {
      s.check();
      s.open(offsets);
      assertEquals(1.0, ((MysqlCdcSource) s).snapshotProgress().fraction(),
          "a restart past the snapshot shows it done before anything is read");
      List<Fixtures.Row> resumed = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 2);
      assertEquals(List.of(RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER),
          resumed.stream().map(Fixtures.Row::kind).collect(Collectors.toList()), "no second snapshot, no gap: " + resumed);
      assertEquals(List.of(1002L, 5, "after alter"), List.of(resumed.get(0).get(0), resumed.get(0).get(1),
          resumed.get(0).get(3)));
      assertEquals(List.of(1002L, 9, "resumed"), List.of(resumed.get(1).get(0), resumed.get(1).get(1),
          resumed.get(1).get(3)), "the restored schema history decodes rows of the altered table");
    }
  }

  @Test
  void theSnapshotOfAnEmptyTableCompletesAndShowsProgressOne() throws Exception {
    try (Source s = source(Fixtures.schema(col("id", BIGINT), col("qty", INT)), Map.of())) {
      s.open(null);
      MysqlCdcSource source = (MysqlCdcSource) s;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!source.snapshotProgress().completed()) {
        assertTrue(System.nanoTime() < deadline, "the snapshot of an empty table never completed");
        try (var b = s.poll(100, Duration.ofMillis(200))) {
          assertTrue(b == null || b.rowCount() == 0, "an empty table has no rows");
        }
      }
      assertEquals(1.0, source.snapshotProgress().fraction());
      db.exec("INSERT INTO " + table + " (id, qty) VALUES (1, 1)");
      assertEquals(1, Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 1).size(), "then it streams");
    }
  }

  @Test
  void snapshotProgressIsRowsOverTheEstimateClampedToOneAndNanWithoutAnEstimate() {
    assertEquals(0.25, new MysqlCdcSource.SnapshotProgress(500, 2000, 10, false).fraction());
    assertEquals(1.0, new MysqlCdcSource.SnapshotProgress(2500, 2000, 10, false).fraction(),
        "more rows than the estimate (it is a statistic): clamped");
    assertTrue(Double.isNaN(new MysqlCdcSource.SnapshotProgress(500, -1, 10, false).fraction()), "no estimate");
    assertEquals(1.0, new MysqlCdcSource.SnapshotProgress(0, 0, 0, true).fraction(), "an empty table, done");
  }

  @Test
  void snapshotModeInitialOnlyEndsTheSource() throws Exception {
    db.exec("INSERT INTO " + table + " (id, qty) VALUES (1, 1), (2, 2), (3, 3)");
    try (Source s = source(Fixtures.schema(col("id", BIGINT), col("qty", INT)), Map.of("snapshot.mode", "initial_only"))) {
      s.open(null);
      assertEquals(3, Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 3).size());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!s.isExhausted()) {
        assertTrue(System.nanoTime() < deadline, "initial_only never ended");
        try (var b = s.poll(100, Duration.ofMillis(200))) {
          assertTrue(b == null || b.rowCount() == 0, "nothing after the snapshot");
        }
      }
    }
  }

  @Test
  void schemaMismatchNamesEveryColumnWithTheTablesType() throws Exception {
    Schema wrong = Fixtures.schema(col("id", INT), col("qtty", INT), col("amount", DOUBLE), col("$opp", VARCHAR),
        col("status", INT));
    try (Source s = source(wrong, Map.of())) {
      SchemaMismatchException e = assertThrows(SchemaMismatchException.class, s::check);
      Map<String, String> byColumn = e.problems().stream()
          .collect(Collectors.toMap(SchemaMismatchException.Problem::column, SchemaMismatchException.Problem::message));
      assertEquals(5, byColumn.size(), byColumn.toString());
      assertTrue(byColumn.get("id").contains("is declared INT but is bigint"), byColumn.get("id"));
      assertTrue(byColumn.get("qtty").contains("did you mean 'qty'"), byColumn.get("qtty"));
      assertTrue(byColumn.get("amount").contains("decimal(10,2)") && byColumn.get("amount").contains("numeric.mode"),
          byColumn.get("amount"));
      assertTrue(byColumn.get("$opp").contains("did you mean '$op'"), byColumn.get("$opp"));
      assertTrue(byColumn.get("status").contains("declare it as VARCHAR"), byColumn.get("status"));
    }
    Schema numeric = Fixtures.schema(col("id", BIGINT), col("amount", DOUBLE), col("status", VARCHAR));
    try (Source s = source(numeric, Map.of("numeric.mode", "double"))) {
      s.check();
    }
  }

  @Test
  void missingTableIsReportedWithTheDatabaseAndServer() throws Exception {
    try (Source s = source(ORDERS, Map.of("table", "no_such_table"))) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertEquals("table", e.property().orElse(null));
      assertTrue(e.getMessage().contains(db.name + ".no_such_table does not exist on " + TestDatabase.HOST + ":"
          + TestDatabase.PORT), e.getMessage());
    }
  }

  @Test
  void wrongPasswordAndUnreachableHostAreConnectionFailuresNamingTheServer() throws Exception {
    String user = Fixtures.unique("lam_pw");
    db.exec("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'right-one'");
    try {
      Map<String, Object> wrongPassword = Map.of("username", user, "password", new Secret("wrong-one"));
      try (Source s = source(ORDERS, wrongPassword)) {
        ConnectorException e = assertThrows(ConnectorException.class, s::check);
        assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
        assertTrue(e.getMessage().contains(TestDatabase.HOST + ":" + TestDatabase.PORT), e.getMessage());
        assertTrue(e.getMessage().contains("authentication failed for user '" + user + "'"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-one"), "the password is never printed: " + e.getMessage());
      }
      db.exec("GRANT SELECT ON " + db.name + ".* TO '" + user + "'@'%'");
      try (Source s = source(ORDERS, Map.of("username", user, "password", new Secret("right-one")))) {
        ConnectorException e = assertThrows(ConnectorException.class, s::check);
        assertEquals("username", e.property().orElse(null));
        assertTrue(e.getMessage().contains("may not read the binary log: run GRANT REPLICATION SLAVE, BINLOG MONITOR"),
            e.getMessage());
      }
    } finally {
      db.exec("DROP USER '" + user + "'@'%'");
    }
    try (Source s = source(ORDERS, Map.of("port", 1, "connect.timeout", Duration.ofSeconds(2)))) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
      assertTrue(e.getMessage().contains(TestDatabase.HOST + ":1"), e.getMessage());
    }
  }

  @Test
  void theFlavorIsDetectedFromTheServerVersionOrTakenFromTheConfig() throws Exception {
    assertEquals(Flavor.MARIADB, Flavor.detect(db.query("SELECT VERSION()").get(0).get(0)));
    assertEquals(Flavor.MYSQL, Flavor.detect("8.0.36"));
    assertEquals(Flavor.MYSQL, Flavor.detect("8.4.3-commercial"));
    try (Source s = source(ORDERS, Map.of())) {
      s.check();
    }
    assertEquals(Flavor.MARIADB, BinlogCheck.run(CdcSettings.from(TestConnectorContext.builder("f",
        ConnectorKind.SOURCE).properties(withTable()).schema(ORDERS).allocator(allocator).build()), ORDERS));
    Map<String, Object> forced = new HashMap<>(withTable());
    forced.put("flavor", "mysql");
    assertEquals(Flavor.MYSQL, BinlogCheck.run(CdcSettings.from(TestConnectorContext.builder("f",
        ConnectorKind.SOURCE).properties(forced).schema(ORDERS).allocator(allocator).build()), ORDERS));
  }

  private Map<String, Object> withTable() {
    Map<String, Object> props = new HashMap<>(db.connection());
    props.put("table", table);
    return props;
  }

  @Test
  void theServerIdIsStableAndDiffersBetweenSources() {
    long a = CdcSettings.derivedServerId("prod", "orders");
    assertEquals(a, CdcSettings.derivedServerId("prod", "orders"));
    assertTrue(a != CdcSettings.derivedServerId("prod", "customers"));
    assertTrue(a >= CdcSettings.DERIVED_ID_BASE && a <= 4_294_967_295L);
  }

  @Test
  void timestampSixKeepsItsMicrosecondsAndTimestampLtzIsTheInstantInSnapshotAndBinlog() throws Exception {
    String times = Fixtures.unique("times");
    db.exec("CREATE TABLE " + times + " (id bigint PRIMARY KEY, dt6 datetime(6), ts6 timestamp(6) NULL,"
        + " ltz timestamp(3) NULL, ms datetime(3), old datetime(6))");
    db.exec("SET time_zone = '+00:00'", "INSERT INTO " + times + " VALUES (1, '2026-01-02 03:04:05.123456',"
        + " '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05.123', '2026-01-02 03:04:05.123',"
        + " '1969-12-31 23:59:59.999999')");
    Schema schema = Fixtures.schema(col("id", BIGINT), col("dt6", Fixtures.TIMESTAMP_MICROS),
        col("ts6", Fixtures.TIMESTAMP_MICROS), col("ltz", Fixtures.TIMESTAMP_LTZ), col("ms", TIMESTAMP),
        col("old", Fixtures.TIMESTAMP_MICROS));
    LocalDateTime micros = LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000);
    List<Object> expected = List.of(1L, micros, micros, micros.withNano(123_000_000)
        .toInstant(java.time.ZoneOffset.UTC).toEpochMilli(), micros.withNano(123_000_000),
        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
    try (Source s = source(schema, Map.of("table", times))) {
      s.check();
      s.open(null);
      List<Fixtures.Row> snapshot = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 1);
      assertEquals(List.of(expected), snapshot.stream().map(Fixtures.Row::values).collect(Collectors.toList()));
      db.exec("INSERT INTO " + times + " SELECT 2, dt6, ts6, ltz, ms, old FROM " + times + " WHERE id = 1");
      List<Fixtures.Row> changes = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 1);
      List<Object> streamed = new java.util.ArrayList<>(expected);
      streamed.set(0, 2L);
      assertEquals(List.of(streamed), changes.stream().map(Fixtures.Row::values).collect(Collectors.toList()));
    } finally {
      db.exec("DROP TABLE " + times);
    }
  }

  @Test
  void decimalColumnsAreReadAsExactDecimals() throws Exception {
    String decimals = Fixtures.unique("decimals");
    db.exec("CREATE TABLE " + decimals + " (id bigint PRIMARY KEY, amount decimal(10,2), big decimal(38,10),"
        + " wide decimal(65,30))");
    db.exec("INSERT INTO " + decimals + " VALUES (1, 12345678.91, 1234567890123456789012345678.0123456789, 1.5),"
        + " (2, -0.01, -0.0000000001, NULL), (3, NULL, NULL, 2.25)");
    Schema schema = Fixtures.schema(col("id", BIGINT), col("amount", new ArrowType.Decimal(10, 2, 128)),
        col("big", new ArrowType.Decimal(38, 10, 128)), col("wide", DOUBLE));
    try (Source s = source(schema, Map.of("table", decimals, "numeric.mode", "double"))) {
      s.check();
      s.open(null);
      List<Fixtures.Row> snapshot = new java.util.ArrayList<>(Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 3));
      snapshot.sort(java.util.Comparator.comparing(r -> (Long) r.get(0)));
      assertEquals(List.of(
          java.util.Arrays.asList(1L, new BigDecimal("12345678.91"), new BigDecimal("1234567890123456789012345678.0123456789"), 1.5),
          java.util.Arrays.asList(2L, new BigDecimal("-0.01"), new BigDecimal("-0.0000000001"), null),
          java.util.Arrays.asList(3L, null, null, 2.25)),
          snapshot.stream().map(Fixtures.Row::values).collect(Collectors.toList()));
      db.exec("INSERT INTO " + decimals + " VALUES (4, 99999999.99, -9999999999999999999999999999.9999999999, 0.125)",
          "UPDATE " + decimals + " SET amount = 0.10 WHERE id = 4");
      List<Fixtures.Row> changes = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 2);
      assertEquals(java.util.Arrays.asList(4L, new BigDecimal("99999999.99"),
          new BigDecimal("-9999999999999999999999999999.9999999999"), 0.125), changes.get(0).values());
      assertEquals(new BigDecimal("0.10"), changes.get(changes.size() - 1).get(1));
    } finally {
      db.exec("DROP TABLE " + decimals);
    }
  }

  @Test
  void aDecimalIsAcceptedOnlyForADecimalOfTheSameScaleAndAtMostItsDigits() throws Exception {
    String decimals = Fixtures.unique("decimals");
    db.exec("CREATE TABLE " + decimals + " (id bigint PRIMARY KEY, amount decimal(10,2), wide decimal(65,30), n int)");
    try {
      Schema wrong = Fixtures.schema(col("id", BIGINT), col("amount", new ArrowType.Decimal(10, 3, 128)),
          col("wide", new ArrowType.Decimal(38, 30, 128)), col("n", new ArrowType.Decimal(10, 0, 128)));
      try (Source s = source(wrong, Map.of("table", decimals))) {
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class, s::check);
        Map<String, String> byColumn = e.problems().stream()
            .collect(Collectors.toMap(SchemaMismatchException.Problem::column, SchemaMismatchException.Problem::message));
        assertEquals(3, byColumn.size(), byColumn.toString());
        assertTrue(byColumn.get("amount").contains("is decimal(10,2) in MySQL; declare it as DECIMAL(10, 2)"),
            byColumn.get("amount"));
        assertTrue(byColumn.get("wide").contains("more than the 38 digits")
            && byColumn.get("wide").contains("numeric.mode"), byColumn.get("wide"));
        assertTrue(byColumn.get("n").contains("is int(11) in MySQL; declare it as INT")
            || byColumn.get("n").contains("is int in MySQL; declare it as INT"), byColumn.get("n"));
      }
      Schema wider = Fixtures.schema(col("id", BIGINT), col("amount", new ArrowType.Decimal(20, 2, 128)));
      try (Source s = source(wider, Map.of("table", decimals))) {
        s.check();
      }
    } finally {
      db.exec("DROP TABLE " + decimals);
    }
  }
}
