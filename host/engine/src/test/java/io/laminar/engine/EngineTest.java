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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spec's EngineBuilder unit tests and engine integration tests, through real configs. */
class EngineTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(), List.of(new CollectingSinkFactory())))).registry();

  private static final String SOURCE = """
      [state]
      path = "%1$s/state"

      [checkpoint]
      path = "%1$s/checkpoints"

      [[source]]
      name = "trades"
      connector = "generator"
      [source.properties]
      max_rows = 10000
      events_per_second = 1000
      start_time = "2026-01-01T00:00:00Z"
      "fields.symbol.values" = "A,B,C,D"
      "fields.price.min" = "0"
      "fields.price.max" = "100"
      [[source.schema]]
      name = "symbol"
      type = "VARCHAR"
      [[source.schema]]
      name = "price"
      type = "DOUBLE"
      [[source.schema]]
      name = "ts"
      type = "TIMESTAMP"
      [source.watermark]
      column = "ts"
      max_out_of_orderness = "100ms"
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
    Files.writeString(file, SOURCE.formatted(dir) + toml);
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    return new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
  }

  private static String pipeline(String name, String sql) {
    return "\n[[pipeline]]\nname = \"" + name + "\"\nsql = \"\"\"\n" + sql + "\n\"\"\"\n";
  }

  private static String sink(String name, String pipeline) {
    return "\n[[sink]]\nname = \"" + name + "\"\npipeline = \"" + pipeline + "\"\nconnector = \"collect\"\n";
  }

  private BuildReport construct(EngineBuilder b) {
    BuildReport r = b.construct();
    return r;
  }

  @Test
  void registersSourceAndCompilesSimplePipeline() throws Exception {
    EngineBuilder b = builder(pipeline("all", "SELECT * FROM trades") + sink("out", "all"));
    BuildReport r = construct(b);
    assertTrue(r.ok(), r.errors().toString());
    assertEquals(List.of("trades"), List.copyOf(b.sources().keySet()));
    assertEquals(3, b.pipelines().get("all").outputSchema().getFields().size());
    assertEquals(List.of("create connectors", "register sources", "register lookups", "compile pipelines",
        "attach sinks", "validate topology"), List.copyOf(r.phaseTimes().keySet()));
    b.closeCreated();
  }

  @Test
  void compilesWindowPipeline() throws Exception {
    EngineBuilder b = builder(pipeline("w", "SELECT symbol, window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE trades, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end") + sink("out", "w"));
    assertTrue(construct(b).ok(), () -> b.construct().errors().toString());
    b.closeCreated();
  }

  @Test
  void registersLookupAndCompilesJoinPipeline() throws Exception {
    Path csv = dir.resolve("names.csv");
    Files.writeString(csv, "symbol,name\nA,Alpha\nB,Beta\n");
    EngineBuilder b = builder("""
        [[lookup]]
        name = "names"
        connector = "csv"
        primary_key = ["symbol"]
        [lookup.properties]
        path = "%s"
        [[lookup.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"
        """.formatted(csv) + pipeline("j", "SELECT t.symbol, n.name FROM trades t JOIN names n ON t.symbol = n.symbol")
        + sink("out", "j"));
    BuildReport r = construct(b);
    assertTrue(r.ok(), r.errors().toString());
    assertEquals(List.of("names"), List.copyOf(b.lookups().keySet()));
    assertTrue(b.pipelines().get("j").lookups().contains("names"));
    b.closeCreated();
  }

  @Test
  void invalidSqlIsASqlCompilationErrorAtTheFilePosition() throws Exception {
    EngineBuilder b = builder(pipeline("bad", "SELEC symbol FROM trades") + sink("out", "bad"));
    BuildReport r = construct(b);
    assertEquals(1, r.errors().size(), r.errors().toString());
    ServerError e = r.errors().get(0);
    assertEquals(ServerError.Kind.SQL_COMPILATION, e.kind());
    assertTrue(e.message().contains("pipeline 'bad'"), e.message());
    assertTrue(e.message().contains("SELEC symbol FROM trades"), e.message());
    assertEquals(dir.resolve("laminar.toml"), e.position().orElseThrow().file());
  }

  @Test
  void missingTableIsReportedWithSuggestion() throws Exception {
    EngineBuilder b = builder(pipeline("p", "SELECT * FROM trade") + sink("out", "p"));
    BuildReport r = construct(b);
    assertEquals(ServerError.Kind.SQL_COMPILATION, r.errors().get(0).kind());
    assertTrue(r.errors().get(0).message().contains("Did you mean 'trades'?") || r.errors().get(0).message()
        .contains("Did you mean 'TRADES'?"), r.errors().get(0).message());
  }

  @Test
  void sinkForUnknownPipelineIsInvalidTopology() throws Exception {
    EngineBuilder b = builder(pipeline("all", "SELECT * FROM trades") + sink("out", "al"));
    BuildReport r = construct(b);
    assertEquals(1, r.errors().size());
    assertEquals(ServerError.Kind.INVALID_TOPOLOGY, r.errors().get(0).kind());
    assertTrue(r.errors().get(0).format().endsWith("error: sink 'out' reads pipeline 'al', which does not exist. "
        + "Did you mean 'all'? Pipelines: all"), r.errors().get(0).format());
  }

  @Test
  void unknownConnectorTypeListsInstalledTypes() throws Exception {
    EngineBuilder b = builder(pipeline("all", "SELECT * FROM trades") + sink("out", "all").replace("collect", "colect"));
    BuildReport r = construct(b);
    assertEquals(ServerError.Kind.CONNECTOR_CREATION, r.errors().get(0).kind());
    assertTrue(r.errors().get(0).message().startsWith("Unknown connector type 'colect' for a sink. Did you mean 'collect'?"),
        r.errors().get(0).message());
    assertTrue(r.errors().get(0).message().contains("stdout (builtin)"), r.errors().get(0).message());
  }

  @Test
  void warnsAboutPipelineWithoutSinkAndUnusedSource() throws Exception {
    EngineBuilder b = builder(pipeline("lonely", "SELECT symbol FROM trades"));
    BuildReport r = construct(b);
    assertTrue(r.ok());
    assertEquals(List.of("pipeline 'lonely' has no sink: its output is computed and discarded"), r.warnings());
    b.closeCreated();
    EngineBuilder none = builder("");
    assertEquals(List.of("source 'trades' is not read by any pipeline"), construct(none).warnings());
    none.closeCreated();
  }

  @Test
  void deliveryStrongerThanTheSinkOffersIsRejected() throws Exception {
    EngineBuilder b = builder(pipeline("all", "SELECT * FROM trades")
        + "\n[[sink]]\nname = \"out\"\npipeline = \"all\"\nconnector = \"stdout\"\ndelivery = \"exactly_once\"\n");
    BuildReport r = construct(b);
    assertEquals(ServerError.Kind.INVALID_TOPOLOGY, r.errors().get(0).kind());
    assertTrue(r.errors().get(0).message().contains("offers at most \"at_least_once\""), r.errors().get(0).message());
  }

  @Test
  void errorsFromAllPhasesAreCollectedAndSorted() throws Exception {
    EngineBuilder b = builder(pipeline("p1", "SELECT nope FROM trades") + pipeline("p2", "SELECT * FROM trades")
        + sink("s1", "p9") + sink("s2", "p2").replace("collect", "nothing"));
    BuildReport r = construct(b);
    assertEquals(3, r.errors().size(), r.errors().toString());
    List<Integer> lines = new ArrayList<>();
    r.errors().forEach(e -> lines.add(e.position().orElseThrow().line()));
    assertEquals(lines.stream().sorted().toList(), lines);
  }

  @Test
  void serverErrorsRenderReadably() {
    ServerError positioned = ServerError.at(ServerError.Kind.INVALID_SCHEMA,
        new io.laminar.config.Position(Path.of("a.toml"), 3, 7), "bad column");
    assertEquals("a.toml:3:7: error: bad column", positioned.format());
    assertEquals("error: runtime trouble",
        new ServerError(ServerError.Kind.RUNTIME, "runtime trouble", java.util.Optional.empty()).format());
  }

  @Test
  void minimalEngineRunsToCompletionAndCommits() throws Exception {
    // "all" sees every generated row: the filtered sink must get exactly those with price < 50
    EngineBuilder b = builder(pipeline("cheap", "SELECT symbol, price FROM trades WHERE price < 50") + sink("out", "cheap")
        + pipeline("every", "SELECT symbol, price FROM trades") + sink("all", "every"));
    assertTrue(construct(b).ok());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, outcome.state(), outcome.failure());
    List<String> all = CollectingSinkFactory.ROWS.get("all");
    assertEquals(10_000, all.size());
    List<String> expected = all.stream().filter(r -> Double.parseDouble(r.split(",")[1]) < 50).sorted().toList();
    assertEquals(expected, CollectingSinkFactory.ROWS.get("out").stream().sorted().toList());
    assertEquals(List.of(1L), CollectingSinkFactory.COMMITS.get("out"));
  }

  @Test
  void multiplePipelinesReadOneSource() throws Exception {
    EngineBuilder b = builder(pipeline("all", "SELECT symbol FROM trades") + sink("a", "all")
        + pipeline("counts", "SELECT symbol, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), "
            + "INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end") + sink("c", "counts"));
    assertTrue(construct(b).ok(), () -> b.construct().errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    assertEquals(Engine.State.COMPLETED, engine.awaitTermination().state());
    assertEquals(10_000, CollectingSinkFactory.ROWS.get("a").size());
    // 10 s of event time x 4 symbols, every window complete: counts add up to every row.
    List<String> counts = CollectingSinkFactory.ROWS.get("c");
    assertEquals(40, counts.size());
    assertEquals(10_000, counts.stream().mapToLong(r -> Long.parseLong(r.split(",")[1])).sum());
  }

  @Test
  void gracefulShutdownStopsAnUnboundedRunAndFlushesSinks() throws Exception {
    EngineBuilder b = builder(pipeline("all", "SELECT symbol FROM trades") + sink("out", "all"));
    // make the source unbounded and throttled
    EngineBuilder unbounded = new EngineBuilder(withoutMaxRows(b), REGISTRY, allocator, new EngineMetrics());
    assertTrue(construct(unbounded).ok());
    Engine engine = new Engine(unbounded, allocator, new EngineMetrics());
    engine.start();
    List<String> rows = CollectingSinkFactory.ROWS.get("out");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (rows.isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "no row reached the sink within 20 s");
      Thread.sleep(5); // poll interval, not a guess at timing
    }
    Engine.Outcome outcome = engine.shutdown(Duration.ofSeconds(10));
    assertEquals(Engine.State.STOPPED, outcome.state(), outcome.failure());
    assertTrue(outcome.stuck().isEmpty(), outcome.stuck().toString());
    // every row that entered the pipeline before the stop was drained into the sink
    long rowsIn = engine.pipelines().stream().filter(p -> p.name().equals("all")).mapToLong(PipelineStatus::rowsIn)
        .sum();
    assertTrue(rowsIn > 0);
    assertEquals(rowsIn, rows.size());
    assertEquals(List.of(1L), CollectingSinkFactory.COMMITS.get("out"));
  }

  private io.laminar.config.LaminarConfig withoutMaxRows(EngineBuilder b) throws Exception {
    Path file = dir.resolve("unbounded.toml");
    Files.writeString(file, SOURCE.formatted(dir).replace("max_rows = 10000", "rows_per_second = 20000")
        + pipeline("all", "SELECT symbol FROM trades") + sink("out", "all"));
    return ConfigLoader.load(List.of(file), Map.of()).config();
  }

  @Test
  void endToEndGeneratorToStdout() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ConnectorRegistry registry = ConnectorRegistry.build(List.of(new ConnectorProvider("builtin", "test",
        BuiltinConnectors.sources(), List.of(), List.of(new io.laminar.connectors.builtin.StdoutSinkFactory(out)))))
        .registry();
    Path file = dir.resolve("e2e.toml");
    Files.writeString(file, SOURCE.formatted(dir).replace("max_rows = 10000", "max_rows = 3")
        + pipeline("p", "SELECT symbol, ts FROM trades")
        + "\n[[sink]]\nname = \"console\"\npipeline = \"p\"\nconnector = \"stdout\"\n");
    EngineBuilder b = new EngineBuilder(ConfigLoader.load(List.of(file), Map.of()).config(), registry, allocator,
        new EngineMetrics());
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    assertEquals(Engine.State.COMPLETED, engine.awaitTermination().state());
    String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(3, printed.lines().count(), printed);
    assertTrue(printed.startsWith("{\"symbol\":\""), printed);
    assertTrue(printed.contains("\"ts\":\"2026-01-01T00:00:00.001Z\""), printed);
  }
}
