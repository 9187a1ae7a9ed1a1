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
 * SQL through the real engine. Run-time errors: the failure names the pipeline, the expression at
 * its place in the config file, and the offending values — never a raw Java message.
 */
class SqlEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(), List.of(new CollectingSinkFactory())))).registry();

  /** n INT, z INT, b BIGINT, s VARCHAR cycling through the given values, one row every 10 ms. */
  private static String source(String n, String z, String b, String s) {
    return """
        [state]
        path = "%1$s/state"

        [checkpoint]
        path = "%1$s/checkpoints"

        [[source]]
        name = "nums"
        connector = "generator"
        [source.properties]
        max_rows = 10
        events_per_second = 100
        start_time = "2026-01-01T00:00:00Z"
        "fields.n.kind" = "sequence"
        "fields.n.values" = "%2$s"
        "fields.z.kind" = "sequence"
        "fields.z.values" = "%3$s"
        "fields.b.kind" = "sequence"
        "fields.b.values" = "%4$s"
        "fields.s.kind" = "sequence"
        "fields.s.values" = "%5$s"
        [[source.schema]]
        name = "n"
        type = "INT"
        [[source.schema]]
        name = "z"
        type = "INT"
        [[source.schema]]
        name = "b"
        type = "BIGINT"
        [[source.schema]]
        name = "s"
        type = "VARCHAR"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "0ms"
        """.formatted("%1$s", n, z, b, s);
  }

  private static String pipeline(String sql) {
    return "\n[[pipeline]]\nname = \"p\"\nsql = \"\"\"\n" + sql + "\n\"\"\"\n\n[[sink]]\nname = \"out\"\npipeline = \"p\"\n"
        + "connector = \"collect\"\n";
  }

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.ROWS.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private EngineBuilder builder(String toml) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, toml.replace("%1$s", dir.toString()));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    return new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
  }

  private Engine.Outcome run(String toml) throws Exception {
    EngineBuilder b = builder(toml);
    BuildReport r = b.construct();
    assertTrue(r.ok(), () -> r.errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    return engine.awaitTermination();
  }

  /** {@code file:line:col} of the first occurrence of {@code text} in the config file. */
  private String at(String text) throws Exception {
    Path file = dir.resolve("laminar.toml");
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      int c = lines.get(i).indexOf(text);
      if (c >= 0) {
        return file + ":" + (i + 1) + ":" + (c + 1);
      }
    }
    throw new AssertionError(text + " not in the config");
  }

  private void assertFails(Engine.Outcome outcome, String expected) {
    assertEquals(Engine.State.FAILED, outcome.state());
    assertEquals(expected, outcome.failure());
  }

  @Test
  void integerOverflowNamesPipelineExpressionPositionAndValues() throws Exception {
    Engine.Outcome o = run(source("5", "1", "1", "x") + pipeline("SELECT n, n * 1000000000 AS big FROM nums"));
    assertFails(o, "pipeline 'p' failed: " + at("n * 1000000000") + ": integer overflow: 5 * 1000000000 is out of the "
        + "range of INT in `n * 1000000000`");
  }

  @Test
  void bigintSumOverflowInAWindowIsAnError() throws Exception {
    Engine.Outcome o = run(source("1", "1", "9223372036854775807", "x") + pipeline(
        "SELECT window_start, SUM(b) AS total FROM TABLE(TUMBLE(TABLE nums, DESCRIPTOR(ts), INTERVAL '1' HOUR))\n"
            + "GROUP BY window_start, window_end"));
    assertFails(o, "pipeline 'p' failed: " + at("SUM(b)") + ": integer overflow: the SUM of 10 values is "
        + "92233720368547758070, out of the range of BIGINT in `SUM(b)`");
  }

  @Test
  void integerDivisionByZeroNamesTheValue() throws Exception {
    Engine.Outcome o = run(source("7", "0", "1", "x") + pipeline("SELECT n / z AS q FROM nums"));
    assertFails(o, "pipeline 'p' failed: " + at("n / z") + ": division by zero: 7 / 0 in `n / z`");
  }

  @Test
  void modByZeroNamesTheValue() throws Exception {
    Engine.Outcome o = run(source("7", "0", "1", "x") + pipeline("SELECT\n  MOD(n, z) AS r FROM nums"));
    assertFails(o, "pipeline 'p' failed: " + at("MOD(n, z)") + ": division by zero: MOD(7, 0) in `MOD(n, z)`");
  }

  @Test
  void castOfANonNumberNamesTheString() throws Exception {
    Engine.Outcome o = run(source("1", "1", "1", "abc") + pipeline("SELECT CAST(s AS INT) AS i FROM nums"));
    assertFails(o, "pipeline 'p' failed: " + at("CAST(s AS INT)") + ": cannot cast 'abc' to INT (expected an integer "
        + "from -2147483648 to 2147483647) in `CAST(s AS INT)`");
  }

  @Test
  void castOfANonTimestampNamesTheString() throws Exception {
    Engine.Outcome o = run(source("1", "1", "1", "42") + pipeline("SELECT CAST(s AS TIMESTAMP) AS t FROM nums"));
    assertFails(o, "pipeline 'p' failed: " + at("CAST(s AS TIMESTAMP)") + ": cannot cast '42' to TIMESTAMP (expected "
        + "yyyy-MM-dd HH:mm:ss[.fraction]) in `CAST(s AS TIMESTAMP)`");
  }

  @Test
  void tryCastGivesNullWhereCastWouldFail() throws Exception {
    Engine.Outcome o = run(source("1", "1", "1", "abc,42, 7 ,2026-01-01 00:00:00")
        + pipeline("SELECT TRY_CAST(s AS INT) AS i, TRY_CAST(s AS TIMESTAMP) AS t FROM nums"));
    assertEquals(Engine.State.COMPLETED, o.state(), o.failure());
    List<String> rows = CollectingSinkFactory.ROWS.get("out");
    assertEquals(10, rows.size());
    assertEquals(List.of("null,null", "42,null", "7,null", "null,2026-01-01T00:00"), rows.subList(0, 4));
  }

  @Test
  void inListOfTenThousandValues() throws Exception {
    StringBuilder evens = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      evens.append(i == 0 ? "" : ", ").append(2 * i);
    }
    Engine.Outcome o = run(source("0,1,2,3,4,5,6,7,8,9", "1", "1", "x")
        + pipeline("SELECT n FROM nums WHERE n IN (" + evens + ") AND n NOT IN (4, 6)"));
    assertEquals(Engine.State.COMPLETED, o.state(), o.failure());
    assertEquals(List.of("0", "2", "8"), CollectingSinkFactory.ROWS.get("out"));
  }

  private List<ServerError> compileErrors(String toml) throws Exception {
    EngineBuilder b = builder(toml);
    BuildReport r = b.construct();
    b.closeCreated();
    return r.errors();
  }

  @Test
  void tooDeepAnExpressionIsAPositionedCompileError() throws Exception {
    List<ServerError> errors = compileErrors(source("1", "1", "1", "x")
        + pipeline("SELECT " + "(".repeat(1001) + "n" + ")".repeat(1001) + " FROM nums"));
    assertEquals(1, errors.size(), errors::toString);
    assertEquals(ServerError.Kind.SQL_COMPILATION, errors.get(0).kind());
    String at = at("SELECT (((");
    int column = Integer.parseInt(at.substring(at.lastIndexOf(':') + 1)) + 7 + 1000;
    assertEquals(at.substring(0, at.lastIndexOf(':') + 1) + column, errors.get(0).position().orElseThrow().toString());
  }

  @Test
  void errorsInABasicStringWithEscapesPointAtTheFileColumn() throws Exception {
    String toml = source("1", "1", "1", "x") + "\n[[pipeline]]\nname = \"p\"\n"
        + "sql = \"SELECT \\\"n\\\", '\\t' FROM nums WHERE n = 'oops\"\n"
        + "\n[[sink]]\nname = \"out\"\npipeline = \"p\"\nconnector = \"collect\"\n";
    List<ServerError> errors = compileErrors(toml);
    assertEquals(1, errors.size(), errors::toString);
    assertTrue(errors.get(0).message().contains("string literal is not terminated"), errors.get(0).message());
    assertEquals(at("'oops"), errors.get(0).position().orElseThrow().toString());
  }
}
