package io.laminar.redis;

import static io.laminar.redis.Fixtures.BIGINT;
import static io.laminar.redis.Fixtures.DOUBLE;
import static io.laminar.redis.Fixtures.VARCHAR;
import static io.laminar.redis.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.laminar.api.ConnectorException;
import io.laminar.api.Secret;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Property checks done in create() (no I/O): URL, key pattern, formats; and key rendering. */
class RedisSettingsTest {
  private static final Schema PRICES = Fixtures.schema(col("exchange", VARCHAR), col("symbol", VARCHAR),
      col("price", DOUBLE), col("size", BIGINT));
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    allocator.close();
  }

  private ConnectorException lookupError(Map<String, Object> props, Schema schema, List<String> primaryKey) {
    return assertThrows(ConnectorException.class, () -> new RedisLookupFactory().create(
        Fixtures.lookup("prices", props, schema, primaryKey, allocator)));
  }

  private static Map<String, Object> props(String url, String pattern) {
    Map<String, Object> p = new HashMap<>();
    p.put("url", url);
    p.put("key.pattern", pattern);
    return p;
  }

  @Test
  void aPatternColumnThatIsNotInThePrimaryKeyIsNamedWithItsPositionAndTheClosestName() {
    ConnectorException e = lookupError(props("redis://localhost:6379/0", "px:{exchange}:{symbl}"), PRICES,
        List.of("exchange", "symbol"));
    assertEquals(ConnectorException.Kind.INVALID_PROPERTY, e.kind());
    assertEquals(Optional.of("key.pattern"), e.property());
    assertEquals("invalid value 'px:{exchange}:{symbl}' for property 'key.pattern': '{symbl}' at character 15 is not "
        + "a primary-key column (did you mean 'symbol'?); primary_key: exchange, symbol; primary-key column 'symbol' "
        + "does not appear in it: rows differing only in 'symbol' would share one key (add {symbol})", e.getMessage());
  }

  @Test
  void aNonKeyColumnInThePatternIsRejected() {
    ConnectorException e = lookupError(props("redis://localhost:6379/0", "px:{symbol}:{price}"), PRICES,
        List.of("symbol"));
    assertEquals("invalid value 'px:{symbol}:{price}' for property 'key.pattern': '{price}' at character 13 is not a "
        + "primary-key column; primary_key: symbol", e.getMessage());
  }

  @Test
  void patternSyntaxErrorsSayWhere() {
    assertEquals("invalid value 'px:{symbol' for property 'key.pattern': '{' at character 4 is never closed",
        lookupError(props("redis://h:1/0", "px:{symbol"), PRICES, List.of("symbol")).getMessage());
    assertEquals("invalid value 'px:symbol}' for property 'key.pattern': '}' at character 10 closes no '{' (write '}}' "
        + "for a literal brace)", lookupError(props("redis://h:1/0", "px:symbol}"), PRICES, List.of("symbol"))
        .getMessage());
    assertEquals("invalid value 'px:{}' for property 'key.pattern': '{}' at character 4 does not name a column",
        lookupError(props("redis://h:1/0", "px:{}"), PRICES, List.of("symbol")).getMessage());
    assertEquals("invalid value 'prices' for property 'key.pattern': it names no column: every row would get the same "
        + "key (write e.g. 'user:{id}')", lookupError(props("redis://h:1/0", "prices"), PRICES, List.of("symbol"))
        .getMessage());
  }

  @Test
  void badUrlsAreRejectedWithoutShowingThePassword() {
    ConnectorException scheme = lookupError(props("localhost:6379", "{symbol}"), PRICES, List.of("symbol"));
    assertEquals(Optional.of("url"), scheme.property());
    assertEquals("invalid value 'localhost:6379' for property 'url': expected redis://[user:password@]host:port/db "
        + "(or rediss:// for TLS)", scheme.getMessage());
    ConnectorException port = lookupError(props("redis://app:hunter2@localhost:99999/0", "{symbol}"), PRICES,
        List.of("symbol"));
    assertFalse(port.getMessage().contains("hunter2"), port.getMessage());
    assertEquals("invalid value 'redis://app:****@localhost:99999/0' for property 'url': ", port.getMessage()
        .substring(0, port.getMessage().indexOf("url': ") + 6));
    ConnectorException db = lookupError(props("redis://localhost:6379/x", "{symbol}"), PRICES, List.of("symbol"));
    assertEquals(Optional.of("url"), db.property());
  }

  @Test
  void stringFormatNeedsExactlyOneValueColumn() {
    Map<String, Object> p = props("redis://localhost:6379/0", "{symbol}");
    p.put("value.format", "string");
    ConnectorException e = lookupError(p, Fixtures.schema(col("symbol", VARCHAR), col("price", DOUBLE),
        col("size", BIGINT)), List.of("symbol"));
    assertEquals(Optional.of("value.format"), e.property());
    assertEquals("invalid value 'string' for property 'value.format': a string value fills exactly one column besides "
        + "the primary key, but the schema has 2 (price, size); use \"hash\" or \"json\"", e.getMessage());
  }

  @Test
  void unsupportedColumnTypesAreNamed() {
    ConnectorException e = lookupError(props("redis://localhost:6379/0", "{symbol}"), Fixtures.schema(
        col("symbol", VARCHAR), col("amount", new ArrowType.Decimal(10, 2, 256))), List.of("symbol"));
    assertEquals("the redis connector cannot map column 'amount' (Decimal(10, 2, 256)); supported types: INT, BIGINT, "
        + "FLOAT, DOUBLE, VARCHAR, BOOLEAN, TIMESTAMP, DATE, DECIMAL", e.getMessage());
  }

  @Test
  void sinkWriteModeMustAgreeWithTheValueFormat() {
    Map<String, Object> p = props("redis://localhost:6379/0", "px:{symbol}");
    p.put("value.format", "json");
    p.put("write.mode", "hash");
    ConnectorException e = assertThrows(ConnectorException.class, () -> new RedisSinkFactory().create(
        Fixtures.sink("out", p, PRICES, allocator)));
    assertEquals(Optional.of("write.mode"), e.property());
    assertEquals("invalid value 'hash' for property 'write.mode': HSET writes hash fields, but value.format is "
        + "\"json\"; use write.mode = \"set\" or value.format = \"hash\"", e.getMessage());
    Map<String, Object> unknownColumn = props("redis://localhost:6379/0", "px:{sym}");
    ConnectorException c = assertThrows(ConnectorException.class, () -> new RedisSinkFactory().create(
        Fixtures.sink("out", unknownColumn, PRICES, allocator)));
    assertEquals("invalid value 'px:{sym}' for property 'key.pattern': '{sym}' at character 4 is not a column of the "
        + "pipeline's output; columns: exchange, symbol, price, size", c.getMessage());
  }

  @Test
  void thePasswordPropertyOverridesTheUrlAndIsScrubbedFromMessages() throws Exception {
    Map<String, Object> p = props("redis://app:fromurl@localhost:6379/2", "{symbol}");
    p.put("password", new Secret("s3cr3t"));
    p.put("timeout", Duration.ofMillis(250));
    RedisSettings s = RedisSettings.from(Fixtures.lookup("prices", p, PRICES, List.of("symbol"), allocator),
        List.of("symbol"), "a primary-key column", "primary_key", true);
    assertEquals("redis at localhost:6379 (db 2)", s.target);
    assertEquals("WRONGPASS for ****", s.scrub("WRONGPASS for s3cr3t"));
    assertEquals(Duration.ofMillis(250), s.timeout);
  }

  @Test
  void literalBracesAndTextFormsOfKeys() throws Exception {
    KeyPattern k = KeyPattern.parse("{{raw}}:{a}:{b}");
    assertEquals(java.util.Set.of("a", "b"), k.columns());
    assertEquals(9, k.positionOf("a"), "the escaped braces count as written");
    Schema schema = Fixtures.schema(col("a", VARCHAR), col("b", Fixtures.TIMESTAMP));
    try (var root = org.apache.arrow.vector.VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      ((org.apache.arrow.vector.VarCharVector) root.getVector(0)).setSafe(0, "x".getBytes());
      ((org.apache.arrow.vector.TimeStampMilliVector) root.getVector(1)).setSafe(0, 1_767_225_600_123L);
      root.getVector(0).setNull(1);
      root.setRowCount(2);
      KeyPattern.Renderer r = k.bind(root, List.of(ColumnType.VARCHAR, ColumnType.TIMESTAMP));
      assertEquals("{raw}:x:2026-01-01T00:00:00.123Z", new String(r.render(0).orElseThrow()));
      assertEquals(Optional.empty(), r.render(1), "a NULL key column gives no key");
    }
  }
}
