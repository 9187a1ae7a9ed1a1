package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DECIMAL columns through the real engine: a configured DECIMAL(10, 2) source column, a CSV lookup
 * whose prices are read as exact text, arithmetic at SQL's derived scales, a windowed SUM, and a
 * decimal overflow reported at its place in the file.
 */
class DecimalEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(), List.of(new CollectingSinkFactory())))).registry();

  private static final String CONFIG = """
      [state]
      path = "%1$s/state"

      [[source]]
      name = "orders"
      connector = "generator"
      [source.properties]
      max_rows = 6
      events_per_second = 100
      start_time = "2026-01-01T00:00:00Z"
      "fields.sym.kind" = "sequence"
      "fields.sym.values" = "A,B"
      "fields.qty.kind" = "sequence"
      "fields.qty.min" = "0.05"
      "fields.qty.max" = "1000"
      [[source.schema]]
      name = "sym"
      type = "VARCHAR"
      [[source.schema]]
      name = "qty"
      type = "DECIMAL(10, 2)"
      [[source.schema]]
      name = "ts"
      type = "TIMESTAMP"
      [source.watermark]
      column = "ts"

      [[lookup]]
      name = "prices"
      connector = "csv"
      primary_key = ["sym"]
      [lookup.properties]
      path = "prices.csv"
      [[lookup.schema]]
      name = "sym"
      type = "VARCHAR"
      [[lookup.schema]]
      name = "price"
      type = "NUMERIC(12, 4)"
      [[lookup.schema]]
      name = "listed"
      type = "TIMESTAMP(6)"
      [[lookup.schema]]
      name = "seen"
      type = "TIMESTAMP WITH LOCAL TIME ZONE"

      [[pipeline]]
      name = "p"
      sql = \"""
      %2$s
      \"""

      [[sink]]
      name = "out"
      pipeline = "p"
      connector = "collect"
      """;

  @BeforeEach
  void setUp() throws Exception {
    allocator = new RootAllocator();
    CollectingSinkFactory.ROWS.clear();
    Files.writeString(dir.resolve("prices.csv"), "sym,price,listed,seen\nA,0.1000,2026-01-01T09:30:00.123456Z,"
        + "2026-01-01T09:30:00.123Z\nB,12345678.9999,2026-01-01 16:00:00.000001,2026-01-01 16:00:00\n");
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Engine.Outcome run(String sql) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, CONFIG.replace("%1$s", dir.toString()).replace("%2$s", sql));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    BuildReport r = b.construct();
    assertTrue(r.ok(), () -> r.errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    return engine.awaitTermination();
  }

  @Test
  void exactValuesFromConfigAndCsvThroughArithmeticAndAWindow() throws Exception {
    Engine.Outcome o = run("SELECT o.sym, o.qty, o.qty * p.price AS cost, o.qty + 0.005 AS bumped, "
        + "CAST(o.qty * p.price AS VARCHAR) AS txt FROM orders AS o JOIN prices FOR SYSTEM_TIME AS OF o.ts AS p "
        + "ON o.sym = p.sym");
    assertEquals(Engine.State.COMPLETED, o.state(), o.failure());
    // qty 0.05, 0.06 … (DECIMAL(10, 2)) × price (DECIMAL(12, 4)) is DECIMAL(22, 6); + 0.005 is DECIMAL(12, 3)
    assertEquals(List.of("A,0.05,0.005000,0.055,0.005000", "B,0.06,740740.739994,0.065,740740.739994",
        "A,0.07,0.007000,0.075,0.007000", "B,0.08,987654.319992,0.085,987654.319992",
        "A,0.09,0.009000,0.095,0.009000", "B,0.10,1234567.899990,0.105,1234567.899990"),
        CollectingSinkFactory.ROWS.get("out"));
  }

  @Test
  void microsecondTimestampsKeepTheirPrecisionEndToEnd() throws Exception {
    Engine.Outcome o = run("SELECT o.sym, p.listed, CAST(p.listed AS VARCHAR) AS txt, p.listed + INTERVAL '1' SECOND "
        + "AS later, p.seen, p.listed > CAST(p.seen AS TIMESTAMP(6)) AS after FROM orders AS o "
        + "JOIN prices FOR SYSTEM_TIME AS OF o.ts AS p ON o.sym = p.sym");
    assertEquals(Engine.State.COMPLETED, o.state(), o.failure());
    // the collecting sink prints Arrow's values: LocalDateTime for both units
    assertEquals(List.of("A,2026-01-01T09:30:00.123456,2026-01-01 09:30:00.123456,2026-01-01T09:30:01.123456,"
        + "1767259800123,true", "B,2026-01-01T16:00:00.000001,2026-01-01 16:00:00.000001,2026-01-01T16:00:01.000001,"
        + "1767283200000,true"), CollectingSinkFactory.ROWS.get("out").subList(0, 2));
  }

  @Test
  void aWindowedSumIsExact() throws Exception {
    Engine.Outcome o = run("SELECT sym, SUM(qty) AS total, AVG(qty) AS mean FROM TABLE(TUMBLE(TABLE orders, "
        + "DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end, sym");
    assertEquals(Engine.State.COMPLETED, o.state(), o.failure());
    assertEquals(List.of("A,0.21,0.07", "B,0.24,0.08"), CollectingSinkFactory.ROWS.get("out").stream().sorted()
        .toList());
  }

  @Test
  void aDecimalOverflowNamesPipelineExpressionAndValues() throws Exception {
    Engine.Outcome o = run("SELECT CAST(p.price AS DECIMAL(5, 1)) AS x FROM orders AS o\n"
        + "JOIN prices FOR SYSTEM_TIME AS OF o.ts AS p ON o.sym = p.sym");
    assertEquals(Engine.State.FAILED, o.state());
    Path file = dir.resolve("laminar.toml");
    List<String> lines = Files.readAllLines(file);
    int line = 0;
    while (!lines.get(line).contains("CAST(p.price")) {
      line++;
    }
    assertEquals("pipeline 'p' failed: " + file + ":" + (line + 1) + ":" + (lines.get(line).indexOf("CAST") + 1)
        + ": decimal overflow: 12345678.9999 is out of the range of DECIMAL(5, 1) in `CAST(p.price AS DECIMAL(5, 1))`",
        o.failure());
  }
}
