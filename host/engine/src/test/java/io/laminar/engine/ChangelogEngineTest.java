package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.testkit.ChangelogSourceFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changelog sources through the real engine: row kinds reach the sinks; sinks that cannot take them are refused. */
class ChangelogEngineTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(new ChangelogSourceFactory()), List.of(),
          List.of(new CollectingSinkFactory(), CollectingSinkFactory.changes())))).registry();

  private static final String CONFIG = """
      [server]
      workers = 4

      [state]
      path = "%1$s/state"

      [checkpoint]
      path = "%1$s/checkpoints"

      [[source]]
      name = "orders"
      connector = "test_changelog"
      [source.properties]
      batch_rows = 3
      inserts_as_plain = true
      rows = \"""
      +I,1,apple,5
      +I,2,pear,0
      +I,3,fig,2
      -U,1,apple,5
      +U,1,apple,7
      -D,3,fig,2
      -U,2,pear,0
      +U,2,pear,4
      +I,4,kiwi,-1
      \"""
      [[source.schema]]
      name = "id"
      type = "BIGINT"
      [[source.schema]]
      name = "name"
      type = "VARCHAR"
      [[source.schema]]
      name = "qty"
      type = "INT"

      [[pipeline]]
      name = "stock"
      sql = "SELECT id, UPPER(name) AS name, qty * 10 AS units FROM orders WHERE qty > 0"
      """;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.ROWS.clear();
    CollectingSinkFactory.COMMITS.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private EngineBuilder builder(String toml) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, CONFIG.formatted(dir) + toml);
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    return new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
  }

  private static String sink(String name, String connector) {
    return "\n[[sink]]\nname = \"" + name + "\"\npipeline = \"stock\"\nconnector = \"" + connector + "\"\n";
  }

  @Test
  void rowKindsPassFilterAndProjectionToTheSink() throws Exception {
    EngineBuilder b = builder(sink("out", "collect_changes") + sink("gone", "blackhole"));
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, outcome.state(), outcome.failure());
    // one worker although four are configured: the changes must stay in order; the first batch (only
    // inserts) arrives without row kinds and is still inserts at the sink
    assertEquals(List.of("+I 1,APPLE,50", "+I 3,FIG,20", "-U 1,APPLE,50", "+U 1,APPLE,70", "-D 3,FIG,20",
        "+U 2,PEAR,40"), new ArrayList<>(CollectingSinkFactory.ROWS.get("out")));
  }

  private static final String TOTALS = """

      [[pipeline]]
      name = "totals"
      sql = \"""
      SELECT UPPER(name) AS fruit, COUNT(*) AS orders, SUM(qty) AS qty
      FROM orders
      GROUP BY UPPER(name)
      \"""
      """;

  private static String totalsSink(String name, String connector) {
    return "\n[[sink]]\nname = \"" + name + "\"\npipeline = \"totals\"\nconnector = \"" + connector + "\"\n";
  }

  @Test
  void groupByOverAChangelogKeepsEachGroupsResultUpToDate() throws Exception {
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    ConnectorRegistry registry = ConnectorRegistry.build(List.of(
        new ConnectorProvider("builtin", "test", List.of(), List.of(),
            List.of(new io.laminar.connectors.builtin.StdoutSinkFactory(printed))),
        new ConnectorProvider("test", "test", List.of(new ChangelogSourceFactory()), List.of(),
            List.of(CollectingSinkFactory.changes())))).registry();
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, CONFIG.formatted(dir) + sink("gone", "collect_changes") + TOTALS
        + totalsSink("out", "collect_changes") + totalsSink("console", "stdout")
        + "[sink.properties]\nformat = \"table\"\n");
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), registry, allocator, new EngineMetrics());
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    assertEquals(List.of("fruit"), b.sinks().get("totals").get(0).context().primaryKey(),
        "an upsert sink learns the key of the updates");
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, outcome.state(), outcome.failure());
    // batches of three changes: (+I apple, +I pear, +I fig) (-U apple, +U apple, -D fig)
    // (-U pear, +U pear, +I kiwi)
    assertEquals(List.of("+I APPLE,1,5", "+I PEAR,1,0", "+I FIG,1,2", "-U APPLE,1,5", "+U APPLE,1,7", "-D FIG,1,2",
        "-U PEAR,1,0", "+U PEAR,1,4", "+I KIWI,1,-1"), new ArrayList<>(CollectingSinkFactory.ROWS.get("out")));
    String table = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(List.of("op    fruit  orders  qty", "+I    APPLE  1       5", "+I    PEAR   1       0",
        "+I    FIG    1       2", "-U    APPLE  1       5", "+U    APPLE  1       7", "-D    FIG    1       2",
        "-U    PEAR   1       0", "+U    PEAR   1       4", "+I    KIWI   1       -1"),
        table.lines().map(String::stripTrailing).toList());
  }

  @Test
  void aWindowOverAChangelogIsAppendOnlyAndTakesBackWhatChangedBeforeItFired() throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, """
        [state]
        path = "%1$s/state"

        [[source]]
        name = "orders"
        connector = "test_changelog"
        [source.properties]
        batch_rows = 2
        rows = \"""
        +I,1,apple,5,1000
        +I,2,pear,3,1500
        -U,1,apple,5,1000
        +U,1,apple,9,1000
        -D,2,pear,3,1500
        +I,3,apple,1,2500
        +I,4,fig,1,9000
        +I,5,kiwi,2,9500
        -D,3,apple,1,2500
        \"""
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "name"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "1s"

        [[pipeline]]
        name = "per_second"
        sql = "SELECT name, window_start, COUNT(*) AS n, SUM(qty) AS qty FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY name, window_start, window_end"

        [[sink]]
        name = "ledger"
        pipeline = "per_second"
        connector = "collect"
        """.formatted(dir));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    EngineMetrics metrics = new EngineMetrics();
    Engine engine = new Engine(b, allocator, metrics);
    engine.start();
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, outcome.state(), outcome.failure());
    // [1s, 2s): apple updated to 9, pear deleted before the window fired; [2s, 3s): its only row is
    // deleted after the watermark passed 3s (fig at 9s), so that delete is late and apple's 1 stands
    List<String> rows = new ArrayList<>(CollectingSinkFactory.ROWS.get("ledger"));
    rows.sort(null); // workers emit in any order
    assertEquals(List.of("apple,1970-01-01T00:00:01,1,9", "apple,1970-01-01T00:00:02,1,1",
        "fig,1970-01-01T00:00:09,1,1", "kiwi,1970-01-01T00:00:09,1,2"), rows);
    assertEquals(1L, metrics.counterValues().get(new EngineMetrics.Key("laminar_pipeline_late_rows_dropped_total",
        Map.of("pipeline", "per_second"))), "the late delete is counted");
  }

  @Test
  void aSessionOverAMicrosecondChangelogIsCutFromTheRowsLiveWhenItFires() throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, """
        [server]
        workers = 2

        [state]
        path = "%1$s/state"

        [[source]]
        name = "orders"
        connector = "test_changelog"
        [source.properties]
        batch_rows = 2
        rows = \"""
        +I,1,apple,5,1000000
        +I,2,apple,3,1800000
        +I,3,apple,4,2600123
        -D,2,apple,3,1800000
        +I,4,pear,2,2000000
        -D,4,pear,2,2000000
        +I,5,fig,1,9000000
        +I,6,fig,2,9500000
        -D,1,apple,5,1000000
        +I,7,kiwi,7,9600001
        \"""
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "name"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP(6)"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "1s"

        [[pipeline]]
        name = "visits"
        sql = "SELECT name, window_start, window_end, COUNT(*) AS n, SUM(qty) AS qty FROM TABLE(SESSION(TABLE orders PARTITION BY name, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY name, window_start, window_end"

        [[sink]]
        name = "ledger"
        pipeline = "visits"
        connector = "collect"
        """.formatted(dir));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    EngineMetrics metrics = new EngineMetrics();
    Engine engine = new Engine(b, allocator, metrics);
    engine.start();
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, outcome.state(), outcome.failure());
    // apple's rows at 1.0, 1.8 and 2.600123 s were one session until the delete of 1.8 s split it;
    // pear's only row was taken back (no session); the watermark reached 8.5 s with fig at 9.5 s, so
    // apple's sessions fired and the later delete of its 1.0 s row is late
    List<String> rows = new ArrayList<>(CollectingSinkFactory.ROWS.get("ledger"));
    rows.sort(null); // workers emit in any order
    assertEquals(List.of("apple,1970-01-01T00:00:01,1970-01-01T00:00:02,1,5",
        "apple,1970-01-01T00:00:02.600123,1970-01-01T00:00:03.600123,1,4",
        "fig,1970-01-01T00:00:09,1970-01-01T00:00:10.500,2,3",
        "kiwi,1970-01-01T00:00:09.600001,1970-01-01T00:00:10.600001,1,7"), rows);
    assertEquals(1L, metrics.counterValues().get(new EngineMetrics.Key("laminar_pipeline_late_rows_dropped_total",
        Map.of("pipeline", "visits"))), "the late delete is counted");
  }

  @Test
  void aGroupByIntoAnAppendOnlySinkIsRefusedAtItsGroupBy() throws Exception {
    Path file = dir.resolve("laminar.toml");
    // an append-only source: the GROUP BY is what makes the output updating
    EngineBuilder b = builder(sink("gone", "blackhole") + """

        [[source]]
        name = "fruits"
        connector = "generator"
        [source.properties]
        max_rows = 10
        [[source.schema]]
        name = "name"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"
        """ + TOTALS.replace("FROM orders", "FROM fruits") + totalsSink("ledger", "collect"));
    BuildReport r = b.construct();
    assertEquals(1, r.errors().size(), r.errors().toString());
    List<String> lines = Files.readAllLines(file);
    int groupBy = lines.indexOf("GROUP BY UPPER(name)") + 1;
    int pipelineLine = lines.lastIndexOf("[[pipeline]]") + 1;
    int sinkLine = lines.lastIndexOf("[[sink]]") + 1;
    assertEquals(file + ":" + sinkLine + ":1: error: sink 'ledger' (connector 'collect') takes only appends "
        + "(inserts), but pipeline 'totals' (" + file + ":" + pipelineLine + ":1) produces updates and deletes: step "
        + "GroupAggregate(keys=[0], aggs=[orders=COUNT(*):BIGINT, qty=SUM($1):BIGINT]) at " + file + ":" + groupBy
        + ":10 (GROUP BY without a window: each group's result is updated as rows arrive). Write it to a sink that "
        + "takes a changelog or upserts (stdout and blackhole do), or aggregate over a window (TUMBLE, HOP, "
        + "SESSION), whose results are final", r.errors().get(0).format());
  }

  @Test
  void anUpdatingPipelineIntoAnAppendOnlySinkIsRefusedWithPositions() throws Exception {
    EngineBuilder b = builder(sink("ledger", "collect"));
    BuildReport r = b.construct();
    assertEquals(1, r.errors().size(), r.errors().toString());
    ServerError e = r.errors().get(0);
    assertEquals(ServerError.Kind.INVALID_TOPOLOGY, e.kind());
    Path file = dir.resolve("laminar.toml");
    List<String> lines = Files.readAllLines(file);
    int sinkLine = lines.indexOf("[[sink]]") + 1;
    int pipelineLine = lines.indexOf("[[pipeline]]") + 1;
    int sourceLine = lines.indexOf("[[source]]") + 1;
    assertEquals(file + ":" + sinkLine + ":1: error: sink 'ledger' (connector 'collect') takes only appends "
        + "(inserts), but pipeline 'stock' (" + file + ":" + pipelineLine + ":1) produces updates and deletes: "
        + "step Scan(source=orders, changelog) reads source 'orders' (" + file + ":" + sourceLine + ":1), a "
        + "changelog (connector 'test_changelog'). Write it to a sink that takes a changelog or upserts "
        + "(stdout and blackhole do), or read an append-only source, or aggregate over a TUMBLE, HOP or SESSION "
        + "window, whose results are final", e.format());
  }
}
