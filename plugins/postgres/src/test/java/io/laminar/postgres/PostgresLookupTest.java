package io.laminar.postgres;

import static io.laminar.postgres.Fixtures.BIGINT;
import static io.laminar.postgres.Fixtures.DOUBLE;
import static io.laminar.postgres.Fixtures.INT;
import static io.laminar.postgres.Fixtures.TIMESTAMP;
import static io.laminar.postgres.Fixtures.VARCHAR;
import static io.laminar.postgres.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.LookupSource;
import io.laminar.api.SchemaMismatchException;
import io.laminar.testkit.TestConnectorContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The postgres lookup against the real server. */
class PostgresLookupTest {
  private static final Schema INSTRUMENTS = Fixtures.schema(col("symbol", VARCHAR), col("venue", INT),
      col("name", VARCHAR), col("tick", DOUBLE), col("listed", TIMESTAMP), col("lots", BIGINT));

  private static TestDatabase db;
  private static String table;
  private BufferAllocator allocator;

  @BeforeAll
  static void database() throws Exception {
    db = TestDatabase.create();
    table = Fixtures.unique("instruments");
    db.exec("CREATE TABLE " + table + " (symbol text, venue int, name varchar(40), tick numeric(8,4),"
            + " listed timestamptz, lots int, PRIMARY KEY (symbol, venue))",
        "INSERT INTO " + table + " VALUES ('AAPL', 1, 'Apple', 0.01, '2026-01-02 03:04:05+00', 100),"
            + " ('AAPL', 2, 'Apple (venue 2)', 0.05, '2026-01-02 03:04:05+02', null), ('MSFT', 1, 'Microsoft', 0.01,"
            + " null, 10)");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    db.close();
  }

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory leaked");
    allocator.close();
  }

  private LookupSource lookup(Schema schema, List<String> key, Map<String, Object> extra) throws ConnectorException {
    Map<String, Object> props = new HashMap<>(db.connection());
    props.putAll(extra);
    if (!props.containsKey("query")) {
      props.put("table", "public." + table);
    }
    return new PostgresLookupFactory().create(TestConnectorContext.builder("instruments", ConnectorKind.LOOKUP)
        .properties(props).schema(schema).primaryKey(key).allocator(allocator).build());
  }

  private static VectorSchemaRoot symbolKeys(BufferAllocator allocator, String... symbols) {
    VectorSchemaRoot keys = VectorSchemaRoot.create(Fixtures.schema(col("symbol", VARCHAR)), allocator);
    keys.allocateNew();
    VarCharVector v = (VarCharVector) keys.getVector(0);
    for (int i = 0; i < symbols.length; i++) {
      if (symbols[i] == null) {
        v.setNull(i);
      } else {
        v.setSafe(i, symbols[i].getBytes(StandardCharsets.UTF_8));
      }
    }
    keys.setRowCount(symbols.length);
    return keys;
  }

  /** name → the row's values, for order-free comparison. */
  private static Map<String, List<Object>> byName(VectorSchemaRoot r) {
    return byColumn(r, 2);
  }

  private static Map<String, List<Object>> byColumn(VectorSchemaRoot r, int nameColumn) {
    Map<String, List<Object>> m = new TreeMap<>();
    for (int i = 0; i < r.getRowCount(); i++) {
      List<Object> row = new java.util.ArrayList<>();
      for (var v : r.getFieldVectors()) {
        Object o = v.getObject(i);
        row.add(o instanceof org.apache.arrow.vector.util.Text t ? t.toString() : o);
      }
      m.put((String) row.get(nameColumn), row);
    }
    return m;
  }

  @Test
  void compositeKeyLookupWithMissesNullsAndDuplicates() throws Exception {
    try (LookupSource l = lookup(INSTRUMENTS, List.of("symbol", "venue"), Map.of())) {
      l.check();
      l.open();
      VectorSchemaRoot keys = VectorSchemaRoot.create(Fixtures.schema(col("symbol", VARCHAR), col("venue", INT)),
          allocator);
      keys.allocateNew();
      VarCharVector s = (VarCharVector) keys.getVector(0);
      IntVector venue = (IntVector) keys.getVector(1);
      String[] symbols = {"AAPL", "AAPL", "NOPE", null, "AAPL", "MSFT"};
      int[] venues = {1, 1, 1, 1, 2, 9};
      for (int i = 0; i < symbols.length; i++) {
        if (symbols[i] != null) {
          s.setSafe(i, symbols[i].getBytes(StandardCharsets.UTF_8));
        }
        venue.setSafe(i, venues[i]);
      }
      keys.setRowCount(symbols.length);
      try (keys; VectorSchemaRoot result = l.lookup(keys)) {
        Map<String, List<Object>> rows = byName(result);
        assertEquals(2, result.getRowCount(), rows.toString());
        assertEquals(List.of("AAPL", 1, "Apple", 0.01, LocalDateTime.of(2026, 1, 2, 3, 4, 5), 100L), rows.get("Apple"));
        assertEquals(LocalDateTime.of(2026, 1, 2, 1, 4, 5), rows.get("Apple (venue 2)").get(4), "timestamptz in UTC");
        assertEquals(null, rows.get("Apple (venue 2)").get(5));
      }
    }
  }

  @Test
  void singleKeyLookupThroughAQuery() throws Exception {
    Schema schema = Fixtures.schema(col("symbol", VARCHAR), col("name", VARCHAR), col("venues", BIGINT));
    String query = "SELECT symbol, min(name) AS name, count(*) AS venues FROM " + table + " GROUP BY symbol";
    try (LookupSource l = lookup(schema, List.of("symbol"), Map.of("query", query))) {
      l.check();
      l.open();
      try (VectorSchemaRoot keys = symbolKeys(allocator, "MSFT", null, "AAPL", "MSFT", "ZZZ");
          VectorSchemaRoot result = l.lookup(keys)) {
        Map<String, List<Object>> rows = byColumn(result, 1);
        assertEquals(Map.of("Apple", List.of("AAPL", "Apple", 2L), "Microsoft", List.of("MSFT", "Microsoft", 1L)), rows);
      }
      try (VectorSchemaRoot keys = symbolKeys(allocator, (String) null); VectorSchemaRoot result = l.lookup(keys)) {
        assertEquals(0, result.getRowCount());
      }
    }
  }

  @Test
  void aNumericColumnIsReadAsAnExactDecimalAndCanBeTheKey() throws Exception {
    ArrowType.Decimal tick = new ArrowType.Decimal(8, 4, 128);
    Schema schema = Fixtures.schema(col("tick", tick), col("symbol", VARCHAR), col("name", VARCHAR));
    try (LookupSource l = lookup(schema, List.of("tick"), Map.of())) {
      l.check();
      l.open();
      VectorSchemaRoot keys = VectorSchemaRoot.create(Fixtures.schema(col("tick", tick)), allocator);
      keys.allocateNew();
      DecimalVector k = (DecimalVector) keys.getVector(0);
      k.setSafe(0, new BigDecimal("0.0500"));
      k.setSafe(1, new BigDecimal("0.0100"));
      k.setSafe(2, new BigDecimal("0.0200"));
      k.setNull(3);
      keys.setRowCount(4);
      try (keys; VectorSchemaRoot result = l.lookup(keys)) {
        assertEquals(Map.of("Apple", List.of(new BigDecimal("0.0100"), "AAPL", "Apple"),
            "Apple (venue 2)", List.of(new BigDecimal("0.0500"), "AAPL", "Apple (venue 2)"),
            "Microsoft", List.of(new BigDecimal("0.0100"), "MSFT", "Microsoft")), byColumn(result, 2));
      }
    }
  }

  @Test
  void aTimestampSixKeyMatchesToTheMicrosecondAndTimestampLtzReadsTheInstant() throws Exception {
    String times = Fixtures.unique("times");
    db.exec("CREATE TABLE " + times + " (at timestamp, name text, tz timestamptz)");
    db.exec("INSERT INTO " + times + " VALUES ('2026-01-02 03:04:05.123456', 'exact', '2026-01-02 03:04:05.123+02'),"
        + " ('2026-01-02 03:04:05.123', 'millis only', NULL), ('1969-12-31 23:59:59.999999', 'before 1970', NULL)");
    Schema schema = Fixtures.schema(col("at", Fixtures.TIMESTAMP_MICROS), col("name", VARCHAR),
        col("tz", Fixtures.TIMESTAMP_LTZ));
    try (LookupSource l = lookup(schema, List.of("at"), Map.of("query", "SELECT at, name, tz FROM " + times))) {
      l.check();
      l.open();
      VectorSchemaRoot keys = VectorSchemaRoot.create(Fixtures.schema(col("at", Fixtures.TIMESTAMP_MICROS)), allocator);
      keys.allocateNew();
      org.apache.arrow.vector.TimeStampMicroVector k = (org.apache.arrow.vector.TimeStampMicroVector) keys.getVector(0);
      k.setSafe(0, 1_767_323_045_123_456L);
      k.setSafe(1, -1L);
      keys.setRowCount(2);
      try (keys; VectorSchemaRoot result = l.lookup(keys)) {
        assertEquals(Map.of("exact", java.util.Arrays.asList(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000), "exact",
            LocalDateTime.of(2026, 1, 2, 1, 4, 5, 123_000_000).toInstant(java.time.ZoneOffset.UTC).toEpochMilli()),
            "before 1970", java.util.Arrays.asList(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000), "before 1970",
            null)), byColumn(result, 1));
      }
    } finally {
      db.exec("DROP TABLE " + times);
    }
  }

  @Test
  void checkReportsColumnsThatDoNotMatch() throws Exception {
    Schema wrong = Fixtures.schema(col("symbol", VARCHAR), col("venue", VARCHAR), col("nam", VARCHAR));
    try (LookupSource l = lookup(wrong, List.of("symbol"), Map.of())) {
      SchemaMismatchException e = assertThrows(SchemaMismatchException.class, l::check);
      assertEquals(List.of("venue", "nam"), e.problems().stream().map(SchemaMismatchException.Problem::column).toList());
      assertTrue(e.problems().get(1).message().contains("did you mean 'name'"), e.getMessage());
    }
  }
}
