package io.laminar.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.engine.BuildReport;
import io.laminar.engine.Engine;
import io.laminar.engine.EngineBuilder;
import io.laminar.engine.EngineMetrics;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.runtime.LookupCache;
import io.laminar.runtime.PipelineExecutor;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookup joins through the real engine (config → Calcite → runtime → sinks) against the real Redis:
 * a generator's trades LEFT JOINed with instruments stored as hashes, JSON and strings, and with a
 * composite key; hits, misses, NULL keys, duplicates (every batch repeats symbols) and a value of
 * the wrong type (skipped: its rows get NULLs like a miss). The expected output is computed from
 * each input row, so every row is checked.
 */
class RedisLookupJoinTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  private TestRedis redis;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("redis", "test", List.of(), List.of(new RedisLookupFactory()),
          List.of(new CollectingSinkFactory())))).registry();

  /** What Redis holds per symbol (A, B, D stored; C missing; D's lot is not an integer). */
  private static final Map<String, String> NAMES = Map.of("A", "Alpha", "B", "Beta");
  private static final Map<String, Integer> LOTS = Map.of("A", 100, "B", 50);

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    redis = new TestRedis();
    CollectingSinkFactory.ROWS.clear();
    String p = redis.prefix;
    redis.sync.hset(p + "h:A", Map.of("name", "Alpha", "lot", "100"));
    redis.sync.hset(p + "h:B", Map.of("name", "Beta", "lot", "50"));
    redis.sync.hset(p + "h:D", Map.of("name", "Delta", "lot", "many"));
    redis.sync.set(p + "j:A", "{\"name\":\"Alpha\",\"lot\":100}");
    redis.sync.set(p + "j:B", "{\"name\":\"Beta\",\"lot\":\"50\"}");
    redis.sync.set(p + "j:D", "{\"name\":\"Delta\",\"lot\":1.5}");
    redis.sync.set(p + "s:A", "Alpha");
    redis.sync.set(p + "s:B", "Beta");
    redis.sync.hset(p + "c:X:A", Map.of("name", "Alpha on X"));
    redis.sync.hset(p + "c:Y:B", Map.of("name", "Beta on Y"));
  }

  @AfterEach
  void tearDown() {
    redis.close();
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private String lookup(String name, String pattern, String format, List<String> primaryKey, boolean withLot) {
    return """

        [[lookup]]
        name = "%s"
        connector = "redis"
        primary_key = [%s]
        [lookup.properties]
        url = "%s"
        "key.pattern" = "%s%s"
        "value.format" = "%s"
        "on.error" = "skip"
        %s
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"
        """.formatted(name, String.join(", ", primaryKey.stream().map(k -> "\"" + k + "\"").toList()), TestRedis.URL,
        redis.prefix, pattern, format, primaryKey.stream().map(k -> "[[lookup.schema]]\nname = \"" + k
            + "\"\ntype = \"VARCHAR\"\n").reduce("", String::concat))
        + (withLot ? "[[lookup.schema]]\nname = \"lot\"\ntype = \"INT\"\n" : "");
  }

  private static String pipeline(String name, String sql) {
    return "\n[[pipeline]]\nname = \"" + name + "\"\nsql = \"" + sql + "\"\n\n[[sink]]\nname = \"" + name
        + "\"\npipeline = \"" + name + "\"\nconnector = \"collect\"\n";
  }

  @Test
  void everyValueFormatAndACompositeKeyEnrichEveryRowThroughTheEngine() throws Exception {
    String toml = """
        [state]
        path = "%1$s/state"
        [checkpoint]
        path = "%1$s/checkpoints"

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = 3000
        events_per_second = 1000
        "fields.id.kind" = "sequence"
        "fields.symbol.values" = "A,B,C,D"
        "fields.symbol.null_rate" = "0.1"
        "fields.venue.values" = "X,Y"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "venue"
        type = "VARCHAR"
        """.formatted(dir)
        + lookup("ih", "h:{symbol}", "hash", List.of("symbol"), true)
        + lookup("ij", "j:{symbol}", "json", List.of("symbol"), true)
        + lookup("istr", "s:{symbol}", "string", List.of("symbol"), false)
        + lookup("ic", "c:{venue}:{symbol}", "hash", List.of("symbol", "venue"), false)
        + pipeline("hash", "SELECT t.id, t.symbol, i.name, i.lot FROM trades t LEFT JOIN ih i ON t.symbol = i.symbol")
        + pipeline("json", "SELECT t.id, t.symbol, i.name, i.lot FROM trades t LEFT JOIN ij i ON t.symbol = i.symbol")
        + pipeline("string", "SELECT t.id, t.symbol, i.name FROM trades t LEFT JOIN istr i ON t.symbol = i.symbol")
        + pipeline("inner", "SELECT t.id, t.symbol, i.name FROM trades t JOIN istr i ON t.symbol = i.symbol")
        + pipeline("composite", "SELECT t.id, t.symbol, t.venue, i.name FROM trades t LEFT JOIN ic i "
            + "ON t.symbol = i.symbol AND t.venue = i.venue");
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, toml);
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder builder = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    BuildReport report = builder.construct();
    assertTrue(report.ok(), () -> report.errors().toString());
    Engine engine = new Engine(builder, allocator, new EngineMetrics());
    engine.start();
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, outcome.state(), outcome.failure());

    for (String format : List.of("hash", "json")) {
      List<Map<String, Object>> rows = CollectingSinkFactory.ROWS.get(format);
      assertEquals(3000, rows.size(), format);
      for (Map<String, Object> r : rows) {
        Object symbol = r.get("symbol");
        assertEquals(get(NAMES, symbol), r.get("name"), () -> format + " " + r);
        assertEquals(get(LOTS, symbol), r.get("lot"), () -> format + " " + r);
      }
      assertTrue(rows.stream().anyMatch(r -> r.get("symbol") == null), "some NULL keys were generated");
      assertTrue(rows.stream().anyMatch(r -> "D".equals(r.get("symbol"))), "the bad value's key was asked for");
    }
    List<Map<String, Object>> strings = CollectingSinkFactory.ROWS.get("string");
    assertEquals(3000, strings.size());
    strings.forEach(r -> assertEquals(get(NAMES, r.get("symbol")), r.get("name"), r::toString));
    List<Map<String, Object>> inner = CollectingSinkFactory.ROWS.get("inner");
    assertEquals(strings.stream().filter(r -> r.get("name") != null).count(), inner.size());
    inner.forEach(r -> assertEquals(get(NAMES, r.get("symbol")), r.get("name"), r::toString));
    List<Map<String, Object>> composite = CollectingSinkFactory.ROWS.get("composite");
    assertEquals(3000, composite.size());
    Map<String, String> byVenue = Map.of("X:A", "Alpha on X", "Y:B", "Beta on Y");
    composite.forEach(r -> assertEquals(get(byVenue, r.get("venue") + ":" + r.get("symbol")), r.get("name"),
        r::toString));
    assertTrue(composite.stream().filter(r -> r.get("name") != null).count() > 100);
  }

  @Test
  void withTheCacheOffEveryBatchAsksRedisAndWithItOnRepeatedKeysDoNot() throws Exception {
    Schema trades = Fixtures.schema(Fixtures.col("id", Fixtures.BIGINT), Fixtures.col("symbol", Fixtures.VARCHAR));
    Schema instruments = Fixtures.schema(Fixtures.col("symbol", Fixtures.VARCHAR), Fixtures.col("name",
        Fixtures.VARCHAR));
    SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("trades", trades),
        CatalogTable.lookup("ins", instruments, List.of("symbol"))));
    CompileResult result = compiler.compile("p", "SELECT t.id, i.name FROM trades t LEFT JOIN ins i ON t.symbol = i.symbol");
    var compiled = ((CompileResult.Success) result).compiled();
    Map<String, Object> props = new HashMap<>();
    props.put("url", TestRedis.URL);
    props.put("key.pattern", redis.prefix + "s:{symbol}");
    props.put("value.format", "string");

    for (boolean cacheOn : List.of(false, true)) {
      var ctx = Fixtures.lookup("ins", props, instruments, List.of("symbol"), allocator);
      List<String> names = new ArrayList<>();
      try (var source = new RedisLookupFactory().create(ctx)) {
        source.open();
        LookupCache.Config cache = cacheOn ? LookupCache.Config.DEFAULT
            : new LookupCache.Config(0, Duration.ofSeconds(60), System::nanoTime);
        try (PipelineExecutor executor = new PipelineExecutor(compiled, allocator, Map.of("ins", source), out -> {
          for (int r = 0; r < out.getRowCount(); r++) {
            names.add(out.getVector("name").isNull(r) ? null : out.getVector("name").getObject(r).toString());
          }
        }, cache)) {
          for (int batch = 0; batch < 3; batch++) {
            try (VectorSchemaRoot in = trades(trades, "A", "B", "C", "A")) {
              executor.onBatch("trades", in);
            }
          }
        }
      }
      List<String> oneBatch = new ArrayList<>(List.of("Alpha", "Beta"));
      oneBatch.add(null);
      oneBatch.add("Alpha");
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        expected.addAll(oneBatch);
      }
      assertEquals(expected, names, "cache " + (cacheOn ? "on" : "off"));
      assertEquals(cacheOn ? 1 : 3, ctx.metrics.counter("round_trips_total"), "cache " + (cacheOn ? "on" : "off"));
      assertEquals(cacheOn ? 3 : 9, ctx.metrics.counter("keys_requested_total"), "misses are cached too");
    }
  }

  /** {@code map.get(key)}, with NULL for a NULL key (Map.of rejects null lookups). */
  private static <V> V get(Map<String, V> map, Object key) {
    return key == null ? null : map.get(key.toString());
  }

  private VectorSchemaRoot trades(Schema schema, String... symbols) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    for (int i = 0; i < symbols.length; i++) {
      ((BigIntVector) root.getVector(0)).setSafe(i, i);
      ((VarCharVector) root.getVector(1)).setSafe(i, symbols[i].getBytes(StandardCharsets.UTF_8));
    }
    root.setRowCount(symbols.length);
    return root;
  }
}
