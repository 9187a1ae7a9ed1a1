package io.laminar.postgres;

import static io.laminar.postgres.Fixtures.BIGINT;
import static io.laminar.postgres.Fixtures.BOOLEAN;
import static io.laminar.postgres.Fixtures.DATE;
import static io.laminar.postgres.Fixtures.DOUBLE;
import static io.laminar.postgres.Fixtures.INT;
import static io.laminar.postgres.Fixtures.TIMESTAMP;
import static io.laminar.postgres.Fixtures.VARCHAR;
import static io.laminar.postgres.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.RowKind;
import io.laminar.api.SchemaMismatchException;
import io.laminar.api.Source;
import io.laminar.testkit.TestConnectorContext;
import java.math.BigDecimal;
import java.time.Duration;
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

/** postgres_cdc against the real server: snapshot, streaming, row kinds, offsets, the checks. */
class PostgresCdcSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Schema ORDERS = Fixtures.schema(col("id", BIGINT), col("qty", INT), col("price", DOUBLE),
      col("note", VARCHAR), col("paid", BOOLEAN), col("created", TIMESTAMP), col("day", DATE), col("$op", VARCHAR),
      col("$lsn", BIGINT));

  private static TestDatabase db;
  private BufferAllocator allocator;
  private String table;
  private String slot;

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
    slot = Fixtures.unique("slot");
    db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, qty int, price float8, note text, paid boolean,"
        + " created timestamp, day date, amount numeric(10,2))");
  }

  @AfterEach
  void tearDown() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory leaked");
    allocator.close();
  }

  private Source source(Schema schema, Map<String, Object> extra) throws ConnectorException {
    Map<String, Object> props = new HashMap<>(db.connection());
    props.put("table", "public." + table);
    props.put("slot.name", slot);
    props.put("publication", slot);
    props.putAll(extra);
    return new PostgresCdcSourceFactory().create(TestConnectorContext.builder("orders", ConnectorKind.SOURCE)
        .properties(props).schema(schema).allocator(allocator).build());
  }

  @Test
  void snapshotThenStreamingWithRowKindsAndResumeWithoutSecondSnapshot() throws Exception {
    db.exec("INSERT INTO " + table + " SELECT g, g, g * 1.5, 'n' || g, g % 2 = 0, timestamp '2026-01-02 03:04:05'"
        + " + g * interval '1 second', date '2026-01-01' + g FROM generate_series(1, 500) g");
    byte[] offsets;
    try (Source s = source(ORDERS, Map.of())) {
      s.check();
      s.open(null);
      List<Fixtures.Row> snapshot = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 500);
      assertEquals(500, snapshot.size());
      assertTrue(snapshot.stream().allMatch(r -> r.kind() == RowKind.INSERT && "r".equals(r.get(7))));
      Fixtures.Row first = snapshot.stream().filter(r -> r.get(0).equals(1L)).findFirst().orElseThrow();
      assertEquals(List.of(1L, 1, 1.5, "n1", false, LocalDateTime.of(2026, 1, 2, 3, 4, 6), LocalDateTime.of(2026, 1, 2, 0, 0)
          .toLocalDate().toEpochDay()), List.of(first.get(0), first.get(1), first.get(2), first.get(3), first.get(4),
          first.get(5), ((Integer) first.get(6)).longValue()));

      db.exec("INSERT INTO " + table + " (id, qty) VALUES (1001, 7)", "UPDATE " + table + " SET qty = 8 WHERE id = 1001",
          "DELETE FROM " + table + " WHERE id = 2");
      List<Fixtures.Row> changes = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 3);
      assertEquals(List.of(RowKind.INSERT, RowKind.UPDATE_AFTER, RowKind.DELETE),
          changes.stream().map(Fixtures.Row::kind).collect(Collectors.toList()));
      assertEquals(List.of("c", "u", "d"), changes.stream().map(r -> r.get(7)).collect(Collectors.toList()));
      assertEquals(8, changes.get(1).get(1));
      assertEquals(2L, changes.get(2).get(0));
      assertNull(changes.get(2).get(1), "without REPLICA IDENTITY FULL a delete carries the key only");
      assertNotNull(changes.get(0).get(8));

      String before = confirmedLsn();
      offsets = s.snapshotOffsets();
      s.checkpointCompleted(offsets);
      awaitConfirmedLsnChange(before);
    }
    db.exec("ALTER TABLE " + table + " REPLICA IDENTITY FULL", "UPDATE " + table + " SET qty = 9 WHERE id = 1001");
    try (Source s = source(ORDERS, Map.of())) {
      s.open(offsets);
      List<Fixtures.Row> resumed = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 2);
      assertEquals(List.of(RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER),
          resumed.stream().map(Fixtures.Row::kind).collect(Collectors.toList()), "no second snapshot, no gap: " + resumed);
      assertEquals(8, resumed.get(0).get(1));
      assertEquals(9, resumed.get(1).get(1));
    }
  }

  private String confirmedLsn() throws Exception {
    List<List<String>> r = db.query("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    return r.isEmpty() ? null : r.get(0).get(0);
  }

  private void awaitConfirmedLsnChange(String before) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (java.util.Objects.equals(before, confirmedLsn())) {
      assertTrue(System.nanoTime() < deadline, "the slot's confirmed LSN never moved from " + before);
      Thread.onSpinWait();
    }
  }

  /** The slot reached its consistent point and is streamed ({@link TestDatabase#slotCapturing}). */
  private boolean slotCapturing() throws Exception {
    return db.slotCapturing(slot);
  }

  private long slots() throws Exception {
    return db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
  }

  /** Polls until the source says it is exhausted; every row read on the way is returned. */
  private static List<Fixtures.Row> pollUntilExhausted(Source s) throws Exception {
    List<Fixtures.Row> rows = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!s.isExhausted()) {
      assertTrue(System.nanoTime() < deadline, "never exhausted after " + rows.size() + " rows");
      try (io.laminar.api.Batch b = s.poll(1024, Duration.ofMillis(200))) {
        if (b != null) {
          rows.addAll(Fixtures.rows(b));
        }
      }
    }
    return rows;
  }

  /** Applies rows as an upsert sink would, keyed by the first column; values: the second. */
  private static void apply(Map<Object, Object> target, List<Fixtures.Row> rows) {
    for (Fixtures.Row r : rows) {
      if (r.kind() == RowKind.DELETE || r.kind() == RowKind.UPDATE_BEFORE) {
        target.remove(r.get(0));
      } else {
        target.put(r.get(0), r.get(1));
      }
    }
  }

  private Map<Object, Object> tableContents() throws Exception {
    Map<Object, Object> m = new HashMap<>();
    for (List<String> row : db.query("SELECT id, qty FROM " + table)) {
      m.put(Long.parseLong(row.get(0)), row.get(1) == null ? null : Integer.parseInt(row.get(1)));
    }
    return m;
  }

  @Test
  void aRestartFromACheckpointTakenDuringTheSnapshotAlsoDeliversTheDeletesOfRowsAlreadyRead() throws Exception {
    db.exec("INSERT INTO " + table + " (id, qty) SELECT g, g FROM generate_series(1, 5000) g");
    Map<Object, Object> target = new HashMap<>();
    byte[] offsets;
    try (Source s = source(ORDERS, Map.of())) {
      s.open(null);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (target.size() < 500) { // part of the snapshot: batches up to the rows still wanted
        assertTrue(System.nanoTime() < deadline, "no snapshot rows");
        try (io.laminar.api.Batch b = s.poll(500, Duration.ofMillis(200))) {
          if (b != null) {
            apply(target, Fixtures.rows(b));
          }
        }
      }
      assertTrue(target.size() < 1000, "only part of the 5000-row snapshot was read: " + target.size());
      offsets = s.snapshotOffsets(); // a checkpoint in the middle of the snapshot; then the server dies
      s.checkpointCompleted(offsets);
    }
    Object deleted = target.keySet().iterator().next();
    db.exec("DELETE FROM " + table + " WHERE id = " + deleted, "UPDATE " + table + " SET qty = -1 WHERE id = 4999",
        "INSERT INTO " + table + " (id, qty) VALUES (6001, 1)");
    try (Source s = source(ORDERS, Map.of())) {
      s.open(offsets);
      Map<Object, Object> expected = tableContents();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!target.equals(expected)) {
        assertTrue(System.nanoTime() < deadline, "the target never matched the table; still holds row " + deleted
            + ": " + target.containsKey(deleted) + ", rows " + target.size() + " of " + expected.size());
        try (io.laminar.api.Batch b = s.poll(1024, Duration.ofMillis(200))) {
          if (b != null) {
            apply(target, Fixtures.rows(b));
          }
        }
      }
      // and once the snapshot is done, a checkpoint says so: a later restart reads no snapshot again
      Fixtures.pollUntil(s, WAIT, r -> ((PostgresCdcSource) s).snapshotProgress().completed());
      offsets = s.snapshotOffsets();
    }
    db.exec("UPDATE " + table + " SET qty = 7 WHERE id = 4000");
    try (Source s = source(ORDERS, Map.of())) {
      s.open(offsets);
      assertEquals(1.0, ((PostgresCdcSource) s).snapshotProgress().fraction(),
          "a restart past the snapshot shows it done before anything is read");
      Map<Object, Object> expected = tableContents();
      List<Fixtures.Row> after = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!Integer.valueOf(7).equals(target.get(4000L)) || !target.equals(expected)) {
        assertTrue(System.nanoTime() < deadline, "the change after the restart never arrived: " + after);
        try (io.laminar.api.Batch b = s.poll(1024, Duration.ofMillis(200))) {
          if (b != null) {
            List<Fixtures.Row> rows = Fixtures.rows(b);
            after.addAll(rows);
            apply(target, rows);
          }
        }
      }
      // the catch-up's changes may come again (at least once, converging), but no snapshot row
      assertTrue(after.stream().noneMatch(r -> "r".equals(r.get(7))), after.toString());
    }
  }

  @Test
  void snapshotModeNeverStreamsOnlyChangesMadeAfterTheSlotExists() throws Exception {
    db.exec("INSERT INTO " + table + " (id, qty) SELECT g, g FROM generate_series(1, 200) g");
    try (Source s = source(ORDERS, Map.of("snapshot.mode", "never"))) {
      s.check();
      s.open(null);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!slotCapturing()) { // the slot's creation is the point from which changes are kept
        assertTrue(System.nanoTime() < deadline, "the slot was never created");
        assertNull(s.poll(1024, Duration.ofMillis(100)), "no snapshot rows with snapshot.mode = never");
      }
      db.exec("INSERT INTO " + table + " (id, qty) VALUES (1001, 5)", "UPDATE " + table + " SET qty = 6 WHERE id = 1");
      List<Fixtures.Row> rows = Fixtures.pollUntil(s, WAIT, r -> r.size() >= 2);
      assertEquals(List.of(List.of(RowKind.INSERT, 1001L, 5, "c"), List.of(RowKind.UPDATE_AFTER, 1L, 6, "u")),
          rows.stream().map(r -> List.of(r.kind(), r.get(0), r.get(1), r.get(7))).collect(Collectors.toList()));
      assertTrue(!s.isExhausted(), "snapshot.mode = never streams until stopped");
    }
  }

  /**
   * Why a test waits for {@link #slotCapturing} and not for "active": the slot is active while
   * Debezium still creates it, and its creation waits for the transactions running then; one of
   * those holds it here, so the slot is active for as long as it likes without a consistent point
   * (a change made then is never decoded: the flake of PostgresResetIT).
   */
  @Test
  void aSlotBeingCreatedIsActiveBeforeItCapturesAndCapturesOnceConsistent() throws Exception {
    try (java.sql.Connection running = db.connect(); java.sql.Statement st = running.createStatement()) {
      running.setAutoCommit(false);
      st.execute("SELECT txid_current()"); // a transaction with an id, which the slot's creation waits for
      try (Source s = source(ORDERS, Map.of("snapshot.mode", "never"))) {
        s.open(null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active") == 0) {
          assertTrue(System.nanoTime() < deadline, "the slot was never created");
          assertNull(s.poll(1024, Duration.ofMillis(100)));
        }
        assertFalse(db.slotCapturing(slot), "active while being created, but not consistent yet");
        running.commit();
        while (!slotCapturing()) {
          assertTrue(System.nanoTime() < deadline, "the slot never reached its consistent point");
          assertNull(s.poll(1024, Duration.ofMillis(100)));
        }
        db.exec("INSERT INTO " + table + " (id, qty) VALUES (100, 2)");
        List<Fixtures.Row> rows = Fixtures.pollUntil(s, WAIT, r -> r.stream().anyMatch(x -> x.get(0).equals(100L)));
        assertTrue(rows.stream().anyMatch(r -> r.get(0).equals(100L)), "a change after the consistent point: " + rows);
      }
    }
  }

  @Test
  void logicalDecodingMessagesOfOtherClientsAreNotChangesOfTheTable() throws Exception {
    try (Source s = source(ORDERS, Map.of("snapshot.mode", "never"))) {
      s.open(null);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!slotCapturing()) {
        assertTrue(System.nanoTime() < deadline, "the slot was never created");
        assertNull(s.poll(1024, Duration.ofMillis(100)));
      }
      db.exec("SELECT pg_logical_emit_message(true, 'someone', 'hello')",
          "SELECT pg_logical_emit_message(false, 'someone', 'hello')", "INSERT INTO " + table + " (id) VALUES (7)");
      List<Fixtures.Row> rows = Fixtures.pollUntil(s, WAIT, r -> !r.isEmpty());
      assertEquals(List.of(List.of(RowKind.INSERT, 7L)),
          rows.stream().map(r -> List.of(r.kind(), r.get(0))).collect(Collectors.toList()));
    }
  }

  @Test
  void snapshotModeInitialOnlyReadsTheTableThenEndsWithoutASlotAndStaysEndedAfterARestart() throws Exception {
    db.exec("INSERT INTO " + table + " (id, qty) SELECT g, g FROM generate_series(1, 300) g");
    byte[] offsets;
    try (Source s = source(ORDERS, Map.of("snapshot.mode", "initial_only"))) {
      s.check();
      s.open(null);
      List<Fixtures.Row> rows = pollUntilExhausted(s);
      assertEquals(300, rows.size());
      assertEquals(java.util.stream.LongStream.rangeClosed(1, 300).boxed().collect(Collectors.toSet()),
          rows.stream().map(r -> (Long) r.get(0)).collect(Collectors.toSet()));
      assertTrue(rows.stream().allMatch(r -> r.kind() == RowKind.INSERT && "r".equals(r.get(7))));
      offsets = s.snapshotOffsets();
      assertEquals(0, slots(), "initial_only keeps no replication slot (it would hold WAL forever)");
    }
    db.exec("INSERT INTO " + table + " (id, qty) VALUES (1001, 1)");
    try (Source s = source(ORDERS, Map.of("snapshot.mode", "initial_only"))) {
      s.open(offsets);
      assertEquals(List.of(), pollUntilExhausted(s), "a restart after the snapshot reads nothing again");
    }
    assertEquals(0, slots());
  }

  @Test
  void snapshotModeInitialOnlyOfAnEmptyTableEnds() throws Exception {
    try (Source s = source(ORDERS, Map.of("snapshot.mode", "initial_only"))) {
      s.open(null);
      assertEquals(List.of(), pollUntilExhausted(s));
    }
  }

  @Test
  void snapshotProgressCountsRowsAndRateAgainstTheTablesEstimate() throws Exception {
    db.exec("INSERT INTO " + table + " (id, qty) SELECT g, g FROM generate_series(1, 2000) g", "ANALYZE " + table);
    try (Source s = source(ORDERS, Map.of())) {
      PostgresCdcSource source = (PostgresCdcSource) s;
      s.open(null);
      assertEquals(2000, source.snapshotProgress().estimatedRows(), "pg_class.reltuples after ANALYZE");
      Fixtures.pollUntil(s, WAIT, r -> r.size() >= 2000);
      PostgresCdcSource.SnapshotProgress p = source.snapshotProgress();
      assertEquals(2000, p.rows());
      assertTrue(p.completed(), "the last snapshot row marks the snapshot completed");
      assertTrue(p.rowsPerSecond() > 0, "a rate once rows were read: " + p);
      assertEquals(1.0, p.fraction());
    }
  }

  @Test
  void snapshotProgressIsRowsOverTheEstimateClampedToOneAndNanWithoutAnEstimate() {
    assertEquals(0.25, new PostgresCdcSource.SnapshotProgress(500, 2000, 10, false).fraction());
    assertEquals(0.0, new PostgresCdcSource.SnapshotProgress(0, 2000, 0, false).fraction());
    assertEquals(1.0, new PostgresCdcSource.SnapshotProgress(2500, 2000, 10, false).fraction(),
        "more rows than the estimate (it is a statistic): clamped");
    assertTrue(Double.isNaN(new PostgresCdcSource.SnapshotProgress(500, -1, 10, false).fraction()), "no estimate");
    assertTrue(Double.isNaN(new PostgresCdcSource.SnapshotProgress(0, 0, 0, false).fraction()), "estimated empty");
    assertEquals(1.0, new PostgresCdcSource.SnapshotProgress(1900, 2000, 10, true).fraction(), "done is done");
    assertEquals(1.0, new PostgresCdcSource.SnapshotProgress(0, -1, 0, true).fraction(), "an empty table, done");
  }

  @Test
  void theProgressLineHasRowsRateAndEstimate() {
    assertEquals("snapshot of public.orders: 1500 rows so far (750 rows/s), about 10000 in total (15 %)",
        PostgresCdcSource.progressLine("public.orders", 1500, 2.0, 10_000));
    assertEquals("snapshot of public.orders: 1500 rows so far (750 rows/s)",
        PostgresCdcSource.progressLine("public.orders", 1500, 2.0, -1));
  }

  @Test
  void walLevelOtherThanLogicalIsRefusedSayingHowToFixIt() {
    assertNull(CdcCheck.walLevelProblem("logical", "db:5432"));
    for (String level : List.of("replica", "minimal")) {
      ConnectorException e = CdcCheck.walLevelProblem(level, "db:5432");
      assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
      assertEquals("PostgreSQL at db:5432 has wal_level = " + level + "; change data capture needs wal_level = logical."
          + " As a superuser run ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL", e.getMessage());
    }
  }

  @Test
  void schemaMismatchNamesEveryColumnWithTheTablesType() throws Exception {
    Schema wrong = Fixtures.schema(col("id", INT), col("qtty", INT), col("amount", DOUBLE), col("$opp", VARCHAR));
    try (Source s = source(wrong, Map.of())) {
      SchemaMismatchException e = assertThrows(SchemaMismatchException.class, s::check);
      Map<String, String> byColumn = e.problems().stream()
          .collect(Collectors.toMap(SchemaMismatchException.Problem::column, SchemaMismatchException.Problem::message));
      assertEquals(4, byColumn.size(), byColumn.toString());
      assertTrue(byColumn.get("id").contains("bigint"), byColumn.get("id"));
      assertTrue(byColumn.get("qtty").contains("did you mean 'qty'"), byColumn.get("qtty"));
      assertTrue(byColumn.get("amount").contains("numeric(10,2)") && byColumn.get("amount").contains("numeric.mode"),
          byColumn.get("amount"));
      assertTrue(byColumn.get("$opp").contains("did you mean '$op'"), byColumn.get("$opp"));
    }
    Schema numeric = Fixtures.schema(col("id", BIGINT), col("amount", DOUBLE));
    try (Source s = source(numeric, Map.of("numeric.mode", "double"))) {
      s.check();
    }
  }

  @Test
  void missingTableIsReportedWithTheDatabaseAndServer() throws Exception {
    try (Source s = source(ORDERS, Map.of("table", "public.no_such_table"))) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertEquals("table", e.property().orElse(null));
      assertTrue(e.getMessage().contains("public.no_such_table does not exist in database '" + db.name + "' on "
          + TestDatabase.HOST + ":" + TestDatabase.PORT), e.getMessage());
    }
  }

  @Test
  void wrongPasswordAndUnreachableHostAreConnectionFailuresNamingTheServer() throws Exception {
    db.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'laminar_pw_test') THEN"
        + " CREATE ROLE laminar_pw_test LOGIN PASSWORD 'right'; END IF; END $$");
    Map<String, Object> wrongPassword = Map.of("username", "laminar_pw_test", "password",
        new io.laminar.api.Secret("wrong"));
    try (Source s = source(ORDERS, wrongPassword)) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
      assertTrue(e.getMessage().contains(TestDatabase.HOST + ":" + TestDatabase.PORT), e.getMessage());
      assertTrue(e.getMessage().contains("authentication failed") || e.getMessage().contains("password"), e.getMessage());
      assertTrue(!e.getMessage().contains("wrong"), "the password is never printed: " + e.getMessage());
    }
    try (Source s = source(ORDERS, Map.of("port", 1, "connect.timeout", Duration.ofSeconds(2)))) {
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
      assertTrue(e.getMessage().contains(TestDatabase.HOST + ":1"), e.getMessage());
    }
  }

  @Test
  void aSlotHeldByAnotherClientIsRefusedNamingTheSlot() throws Exception {
    db.exec("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')",
        "CREATE PUBLICATION " + slot + " FOR TABLE " + table);
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", TestDatabase.USER);
    p.setProperty("replication", "database");
    p.setProperty("assumeMinServerVersion", "9.4");
    p.setProperty("preferQueryMode", "simple");
    try (java.sql.Connection holder = java.sql.DriverManager.getConnection("jdbc:postgresql://" + TestDatabase.HOST
        + ":" + TestDatabase.PORT + "/" + db.name, p);
        org.postgresql.replication.PGReplicationStream stream = holder.unwrap(org.postgresql.PGConnection.class)
            .getReplicationAPI().replicationStream().logical().withSlotName(slot)
            .withSlotOption("proto_version", 1).withSlotOption("publication_names", slot).start();
        Source s = source(ORDERS, Map.of())) {
      assertNotNull(stream);
      ConnectorException e = assertThrows(ConnectorException.class, s::check);
      assertEquals("slot.name", e.property().orElse(null));
      assertTrue(e.getMessage().contains("replication slot '" + slot + "'") && e.getMessage().contains("in use"),
          e.getMessage());
    }
  }

  @Test
  void timestampSixKeepsItsMicrosecondsAndTimestampLtzIsTheInstantInSnapshotAndStreaming() throws Exception {
    String times = Fixtures.unique("times");
    db.exec("CREATE TABLE " + times + " (id bigint PRIMARY KEY, ts6 timestamp, tz6 timestamptz, ltz timestamptz,"
        + " ms timestamp(3), old timestamp)");
    db.exec("INSERT INTO " + times + " VALUES (1, '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05.123456+02',"
        + " '2026-01-02 03:04:05.123+02', '2026-01-02 03:04:05.123', '1969-12-31 23:59:59.999999')");
    Schema schema = Fixtures.schema(col("id", BIGINT), col("ts6", Fixtures.TIMESTAMP_MICROS),
        col("tz6", Fixtures.TIMESTAMP_MICROS), col("ltz", Fixtures.TIMESTAMP_LTZ), col("ms", TIMESTAMP),
        col("old", Fixtures.TIMESTAMP_MICROS));
    LocalDateTime micros = LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000);
    List<Object> expected = List.of(1L, micros, micros.minusHours(2), micros.minusHours(2).withNano(123_000_000)
        .toInstant(java.time.ZoneOffset.UTC).toEpochMilli(), micros.withNano(123_000_000),
        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
    try (Source s = source(schema, Map.of("table", "public." + times))) {
      s.check();
      s.open(null);
      List<Fixtures.Row> snapshot = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 1);
      assertEquals(List.of(expected), snapshot.stream().map(Fixtures.Row::values).collect(Collectors.toList()));
      db.exec("INSERT INTO " + times + " SELECT 2, ts6, tz6, ltz, ms, old FROM " + times + " WHERE id = 1");
      List<Fixtures.Row> changes = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 1);
      List<Object> streamed = new java.util.ArrayList<>(expected);
      streamed.set(0, 2L);
      assertEquals(List.of(streamed), changes.stream().map(Fixtures.Row::values).collect(Collectors.toList()));
    } finally {
      db.exec("DROP TABLE " + times);
    }
  }

  @Test
  void numericColumnsWithPrecisionAndScaleAreReadAsExactDecimals() throws Exception {
    String decimals = Fixtures.unique("decimals");
    db.exec("CREATE TABLE " + decimals + " (id bigint PRIMARY KEY, amount numeric(10,2), big numeric(38,10),"
        + " loose numeric)");
    db.exec("INSERT INTO " + decimals + " VALUES (1, 12345678.91, 1234567890123456789012345678.0123456789, 1.5),"
        + " (2, -0.01, -0.0000000001, NULL), (3, NULL, NULL, 2.25)");
    Schema schema = Fixtures.schema(col("id", BIGINT), col("amount", new ArrowType.Decimal(10, 2, 128)),
        col("big", new ArrowType.Decimal(38, 10, 128)), col("loose", DOUBLE));
    Map<String, Object> props = new HashMap<>(Map.of("table", "public." + decimals, "numeric.mode", "double"));
    try (Source s = source(schema, props)) {
      s.check();
      s.open(null);
      List<Fixtures.Row> snapshot = Fixtures.pollUntil(s, WAIT, rows -> rows.size() >= 3);
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
      assertEquals(new BigDecimal("0.10"), changes.get(1).get(1));
    } finally {
      db.exec("DROP TABLE " + decimals); // the slot goes with the test database
    }
  }

  @Test
  void aDecimalIsAcceptedOnlyForANumericOfTheSameScaleAndAtMostItsDigits() throws Exception {
    String decimals = Fixtures.unique("decimals");
    db.exec("CREATE TABLE " + decimals + " (id bigint PRIMARY KEY, amount numeric(10,2), loose numeric, n int)");
    try {
      Schema wrong = Fixtures.schema(col("id", BIGINT), col("amount", new ArrowType.Decimal(10, 3, 128)),
          col("loose", new ArrowType.Decimal(38, 10, 128)), col("n", new ArrowType.Decimal(10, 0, 128)));
      try (Source s = source(wrong, Map.of("table", "public." + decimals))) {
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class, s::check);
        Map<String, String> byColumn = e.problems().stream()
            .collect(Collectors.toMap(SchemaMismatchException.Problem::column, SchemaMismatchException.Problem::message));
        assertEquals(3, byColumn.size(), byColumn.toString());
        assertTrue(byColumn.get("amount").contains("is numeric(10,2) in PostgreSQL; declare it as DECIMAL(10, 2)"),
            byColumn.get("amount"));
        assertTrue(byColumn.get("loose").contains("no fixed precision and scale")
            && byColumn.get("loose").contains("numeric.mode"), byColumn.get("loose"));
        assertTrue(byColumn.get("n").contains("is integer in PostgreSQL; declare it as INT"), byColumn.get("n"));
      }
      // more digits than the column has are fine: every value fits
      Schema wider = Fixtures.schema(col("id", BIGINT), col("amount", new ArrowType.Decimal(20, 2, 128)));
      try (Source s = source(wider, Map.of("table", "public." + decimals))) {
        s.check();
      }
    } finally {
      db.exec("DROP TABLE " + decimals);
    }
  }
}
