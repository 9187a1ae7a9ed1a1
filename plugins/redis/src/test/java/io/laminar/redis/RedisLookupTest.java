package io.laminar.redis;

import static io.laminar.redis.Fixtures.BIGINT;
import static io.laminar.redis.Fixtures.BOOLEAN;
import static io.laminar.redis.Fixtures.DATE;
import static io.laminar.redis.Fixtures.DOUBLE;
import static io.laminar.redis.Fixtures.FLOAT;
import static io.laminar.redis.Fixtures.INT;
import static io.laminar.redis.Fixtures.TIMESTAMP;
import static io.laminar.redis.Fixtures.VARCHAR;
import static io.laminar.redis.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lookup connector against the machine's real Redis: formats, misses, NULL keys, bad values. */
class RedisLookupTest {
  private static final Schema INSTRUMENTS = Fixtures.schema(col("symbol", VARCHAR), col("name", VARCHAR),
      col("lot", INT), col("price", DOUBLE), col("ratio", FLOAT), col("active", BOOLEAN), col("listed", DATE),
      col("updated", TIMESTAMP), col("volume", BIGINT));

  private BufferAllocator allocator;
  private TestRedis redis;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    redis = new TestRedis();
  }

  @AfterEach
  void tearDown() {
    redis.close();
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Map<String, Object> props(String pattern, String format) {
    Map<String, Object> p = new HashMap<>();
    p.put("url", TestRedis.URL);
    p.put("key.pattern", redis.prefix + pattern);
    p.put("value.format", format);
    return p;
  }

  private static VectorSchemaRoot symbols(BufferAllocator allocator, String... symbols) {
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

  private static List<Map<String, Object>> lookup(LookupSource source, VectorSchemaRoot keys) throws ConnectorException {
    try (keys; VectorSchemaRoot out = source.lookup(keys)) {
      List<Map<String, Object>> rows = new ArrayList<>(Fixtures.rows(out));
      rows.sort(Comparator.comparing(r -> String.valueOf(r.get("symbol"))));
      return rows;
    }
  }

  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private void storeAaplAsHash() {
    redis.sync.hset(redis.prefix + "AAPL", Map.of("name", "Apple", "lot", "100", "price", "187.25", "ratio", "0.5",
        "active", "true", "listed", "1980-12-12", "updated", "2026-01-02T03:04:05.678Z", "volume", "9000000000"));
  }

  @Test
  void hashValuesAreDecodedIntoEveryColumnTypeAndMissesNullsAndDuplicatesAreHandled() throws Exception {
    storeAaplAsHash();
    redis.sync.hset(redis.prefix + "MSFT", Map.of("name", "Microsoft", "lot", "10")); // other fields NULL
    var ctx = Fixtures.lookup("instruments", props("{symbol}", "hash"), INSTRUMENTS, List.of("symbol"), allocator);
    try (LookupSource source = new RedisLookupFactory().create(ctx)) {
      source.check();
      source.open();
      List<Map<String, Object>> rows = lookup(source, symbols(allocator, "AAPL", "NOPE", null, "MSFT", "AAPL", "AAPL"));
      Map<String, Object> aapl = row("symbol", "AAPL", "name", "Apple", "lot", 100, "price", 187.25, "ratio", 0.5f,
          "active", true, "listed", (int) LocalDate.of(1980, 12, 12).toEpochDay(), "updated", 1_767_323_045_678L,
          "volume", 9_000_000_000L);
      Map<String, Object> msft = row("symbol", "MSFT", "name", "Microsoft", "lot", 10, "price", null, "ratio", null,
          "active", null, "listed", null, "updated", null, "volume", null);
      assertEquals(List.of(aapl, msft), rows, "one row per distinct key found; the miss and the NULL key are absent");
      assertEquals(3, ctx.metrics.counter("keys_requested_total"), "duplicates and NULL keys are not asked for");
      assertEquals(2, ctx.metrics.counter("keys_found_total"));
      assertEquals(1, ctx.metrics.counter("round_trips_total"));
    }
  }

  @Test
  void jsonValuesFillColumnsByFieldNameAndIgnoreOtherFields() throws Exception {
    redis.sync.set(redis.prefix + "AAPL", "{\"name\":\"Apple\",\"lot\":100,\"price\":187.25,\"ratio\":0.5,"
        + "\"active\":true,\"listed\":\"1980-12-12\",\"updated\":1767323045678,\"volume\":9000000000,"
        + "\"extra\":{\"nested\":[1,2]},\"symbol\":\"IGNORED\"}");
    redis.sync.set(redis.prefix + "MSFT", "{\"name\":\"Microsoft\",\"price\":null}");
    var ctx = Fixtures.lookup("instruments", props("{symbol}", "json"), INSTRUMENTS, List.of("symbol"), allocator);
    try (LookupSource source = new RedisLookupFactory().create(ctx)) {
      source.open();
      List<Map<String, Object>> rows = lookup(source, symbols(allocator, "MSFT", "AAPL", "GOOG", null, "MSFT"));
      assertEquals(List.of(row("symbol", "AAPL", "name", "Apple", "lot", 100, "price", 187.25, "ratio", 0.5f,
          "active", true, "listed", (int) LocalDate.of(1980, 12, 12).toEpochDay(), "updated", 1_767_323_045_678L,
          "volume", 9_000_000_000L), row("symbol", "MSFT", "name", "Microsoft", "lot", null, "price", null,
          "ratio", null, "active", null, "listed", null, "updated", null, "volume", null)), rows);
    }
  }

  @Test
  void stringValuesFillTheOneNonKeyColumn() throws Exception {
    redis.sync.set(redis.prefix + "px:AAPL", "187.25");
    redis.sync.set(redis.prefix + "px:MSFT", "-3e2");
    Schema prices = Fixtures.schema(col("symbol", VARCHAR), col("price", DOUBLE));
    try (LookupSource source = new RedisLookupFactory().create(Fixtures.lookup("prices", props("px:{symbol}",
        "string"), prices, List.of("symbol"), allocator))) {
      source.open();
      assertEquals(List.of(row("symbol", "AAPL", "price", 187.25), row("symbol", "MSFT", "price", -300.0)),
          lookup(source, symbols(allocator, "AAPL", "MSFT", "NONE")));
    }
  }

  @Test
  void compositeKeysRenderEveryColumnIntoThePattern() throws Exception {
    redis.sync.hset(redis.prefix + "XNAS:AAPL:7", Map.of("name", "Apple on Nasdaq"));
    redis.sync.hset(redis.prefix + "XNYS:AAPL:7", Map.of("name", "Apple on NYSE"));
    Schema listings = Fixtures.schema(col("exchange", VARCHAR), col("symbol", VARCHAR), col("board", BIGINT),
        col("name", VARCHAR));
    try (LookupSource source = new RedisLookupFactory().create(Fixtures.lookup("listings",
        props("{exchange}:{symbol}:{board}", "hash"), listings, List.of("symbol", "exchange", "board"), allocator))) {
      source.open();
      VectorSchemaRoot keys = VectorSchemaRoot.create(Fixtures.schema(col("symbol", VARCHAR), col("exchange", VARCHAR),
          col("board", BIGINT)), allocator);
      keys.allocateNew();
      String[][] rows = {{"AAPL", "XNAS"}, {"AAPL", "XNYS"}, {"AAPL", "XLON"}};
      for (int i = 0; i < rows.length; i++) {
        ((VarCharVector) keys.getVector(0)).setSafe(i, rows[i][0].getBytes(StandardCharsets.UTF_8));
        ((VarCharVector) keys.getVector(1)).setSafe(i, rows[i][1].getBytes(StandardCharsets.UTF_8));
        ((BigIntVector) keys.getVector(2)).setSafe(i, 7);
      }
      keys.setRowCount(rows.length);
      try (keys; VectorSchemaRoot out = source.lookup(keys)) {
        List<Map<String, Object>> found = new ArrayList<>(Fixtures.rows(out));
        found.sort(Comparator.comparing(r -> (String) r.get("exchange")));
        assertEquals(List.of(row("exchange", "XNAS", "symbol", "AAPL", "board", 7L, "name", "Apple on Nasdaq"),
            row("exchange", "XNYS", "symbol", "AAPL", "board", 7L, "name", "Apple on NYSE")), found);
      }
    }
  }

  @Test
  void aValueOfTheWrongTypeIsSkippedAndCountedWhenOnErrorIsSkip() throws Exception {
    storeAaplAsHash();
    redis.sync.hset(redis.prefix + "BAD", Map.of("name", "Bad", "lot", "a lot"));
    redis.sync.hset(redis.prefix + "MSFT", Map.of("name", "Microsoft", "lot", "10"));
    redis.sync.set(redis.prefix + "STR", "not a hash");
    Map<String, Object> p = props("{symbol}", "hash");
    p.put("on.error", "skip");
    var ctx = Fixtures.lookup("instruments", p, INSTRUMENTS, List.of("symbol"), allocator);
    try (LookupSource source = new RedisLookupFactory().create(ctx)) {
      source.open();
      List<Map<String, Object>> rows = lookup(source, symbols(allocator, "BAD", "STR", "MSFT", "AAPL"));
      assertEquals(List.of("AAPL", "MSFT"), rows.stream().map(r -> r.get("symbol")).toList());
      assertEquals("Microsoft", rows.get(1).get("name"), "the row after a skipped one is intact");
      assertEquals(10, rows.get(1).get("lot"));
      assertEquals(2, ctx.metrics.counter("decode_errors_total"), "the bad integer and the key of the wrong type");
    }
  }

  @Test
  void decimalValuesAreDecodedExactlyFromTextAndJsonAndTooManyDigitsAreBadValues() throws Exception {
    org.apache.arrow.vector.types.pojo.ArrowType.Decimal type =
        new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(30, 10, 128);
    Schema balances = Fixtures.schema(col("symbol", VARCHAR), col("balance", type));
    redis.sync.set(redis.prefix + "bal:AAPL", "12345678901234567890.0123456789");
    redis.sync.set(redis.prefix + "bal:MSFT", "-0.5");
    redis.sync.set(redis.prefix + "bal:BAD", "0.00000000001");
    try (LookupSource source = new RedisLookupFactory().create(Fixtures.lookup("balances", props("bal:{symbol}",
        "string"), balances, List.of("symbol"), allocator))) {
      source.open();
      assertEquals(List.of(row("symbol", "AAPL", "balance", new java.math.BigDecimal("12345678901234567890.0123456789")),
          row("symbol", "MSFT", "balance", new java.math.BigDecimal("-0.5000000000"))),
          lookup(source, symbols(allocator, "AAPL", "MSFT", "NONE")));
      VectorSchemaRoot keys = symbols(allocator, "BAD");
      ConnectorException e = assertThrows(ConnectorException.class, () -> source.lookup(keys));
      keys.close();
      assertTrue(e.getMessage().contains("'0.00000000001' has more than 10 digits after the point of DECIMAL(30, 10)"),
          e.getMessage());
    }
    redis.sync.set(redis.prefix + "jbal:AAPL", "{\"balance\":12345678901234567890.0123456789}");
    redis.sync.set(redis.prefix + "jbal:BIG", "{\"balance\":123456789012345678901.5}");
    try (LookupSource source = new RedisLookupFactory().create(Fixtures.lookup("balances", props("jbal:{symbol}",
        "json"), balances, List.of("symbol"), allocator))) {
      source.open();
      assertEquals(List.of(row("symbol", "AAPL", "balance", new java.math.BigDecimal("12345678901234567890.0123456789"))),
          lookup(source, symbols(allocator, "AAPL")));
      VectorSchemaRoot keys = symbols(allocator, "BIG");
      ConnectorException e = assertThrows(ConnectorException.class, () -> source.lookup(keys));
      keys.close();
      assertTrue(e.getMessage().contains("is out of the range of DECIMAL(30, 10)"), e.getMessage());
    }
  }

  @Test
  void aValueOfTheWrongTypeFailsTheLookupNamingKeyFieldAndValueByDefault() throws Exception {
    redis.sync.set(redis.prefix + "BAD", "{\"name\":\"Bad\",\"price\":\"cheap\"}");
    var ctx = Fixtures.lookup("instruments", props("{symbol}", "json"), INSTRUMENTS, List.of("symbol"), allocator);
    try (LookupSource source = new RedisLookupFactory().create(ctx)) {
      source.open();
      VectorSchemaRoot keys = symbols(allocator, "BAD");
      ConnectorException e = assertThrows(ConnectorException.class, () -> source.lookup(keys));
      keys.close();
      assertEquals("redis lookup 'instruments': key '" + redis.prefix + "BAD', field 'price': 'cheap' is not a number"
          + " (set on.error = \"skip\" to skip such rows)", e.getMessage());
      assertEquals(1, ctx.metrics.counter("decode_errors_total"));
    }
  }

  @Test
  void malformedJsonIsAPerRowError() throws Exception {
    redis.sync.set(redis.prefix + "A", "{\"name\":");
    redis.sync.set(redis.prefix + "B", "[1,2]");
    redis.sync.set(redis.prefix + "C", "{\"name\":\"fine\"}");
    Map<String, Object> p = props("{symbol}", "json");
    p.put("on.error", "skip");
    var ctx = Fixtures.lookup("instruments", p, INSTRUMENTS, List.of("symbol"), allocator);
    try (LookupSource source = new RedisLookupFactory().create(ctx)) {
      source.open();
      List<Map<String, Object>> rows = lookup(source, symbols(allocator, "A", "B", "C"));
      assertEquals(List.of("C"), rows.stream().map(r -> r.get("symbol")).toList());
      assertEquals(2, ctx.metrics.counter("decode_errors_total"));
    }
  }

  @Test
  void aBatchOfThousandsOfKeysIsOneRoundTrip() throws Exception {
    String[] symbols = new String[5000];
    for (int i = 0; i < symbols.length; i++) {
      symbols[i] = "S" + i;
      if (i % 2 == 0) {
        redis.sync.set(redis.prefix + "px:" + symbols[i], Integer.toString(i));
      }
    }
    Schema prices = Fixtures.schema(col("symbol", VARCHAR), col("price", DOUBLE));
    var ctx = Fixtures.lookup("prices", props("px:{symbol}", "string"), prices, List.of("symbol"), allocator);
    try (LookupSource source = new RedisLookupFactory().create(ctx)) {
      source.open();
      List<Map<String, Object>> rows = lookup(source, symbols(allocator, symbols));
      assertEquals(2500, rows.size());
      assertTrue(rows.stream().allMatch(r -> Double.parseDouble(((String) r.get("symbol")).substring(1))
          == (double) r.get("price")), () -> rows.toString());
      assertEquals(1, ctx.metrics.counter("round_trips_total"));
    }
    assertEquals(2500, Arrays.stream(symbols).filter(s -> Integer.parseInt(s.substring(1)) % 2 == 0).count());
  }
}
