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
        + "(blackhole does), or read an append-only source", e.format());
  }
}
