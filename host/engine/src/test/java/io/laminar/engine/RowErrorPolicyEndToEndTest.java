package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/**
 * {@code [pipeline] on.error} through the real engine: a generator whose rows 1, 2 and 6 fail (a CAST
 * of a non-number, a division by zero, both): {@code skip} and {@code dead_letter} emit exactly the
 * other rows, count the bad ones in metrics and the API, and {@code dead_letter} writes each as one
 * JSON line; {@code fail} still stops the run naming the pipeline, the expression and the value.
 */
class RowErrorPolicyEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(new FeedSourceFactory()), List.of(),
          List.of(new CollectingSinkFactory())))).registry();

  /** id 0..9; n cycles 1,2,0,4 (0 at ids 2 and 6); s cycles 10,x,30,40,50 (x at ids 1 and 6). */
  private static final String SOURCE = """
      [server]
      workers = 2

      [state]
      path = "%1$s/state"

      [checkpoint]
      path = "%1$s/checkpoints"

      [[source]]
      name = "nums"
      connector = "generator"
      [source.properties]
      max_rows = 10
      start_time = "2026-01-01T00:00:00Z"
      "fields.id.kind" = "sequence"
      "fields.id.values" = "0,1,2,3,4,5,6,7,8,9"
      "fields.n.kind" = "sequence"
      "fields.n.values" = "1,2,0,4"
      "fields.s.kind" = "sequence"
      "fields.s.values" = "10,x,30,40,50"
      [[source.schema]]
      name = "id"
      type = "BIGINT"
      [[source.schema]]
      name = "n"
      type = "INT"
      [[source.schema]]
      name = "s"
      type = "VARCHAR"
      [[source.schema]]
      name = "ts"
      type = "TIMESTAMP"
      """;

  private static final String SQL = "SELECT id, CAST(s AS INT) AS v, 100 / n AS q FROM nums";

  private static String pipeline(String policy) {
    return "\n[[pipeline]]\nname = \"p\"\nsql = \"" + SQL + "\"\n" + policy
        + "\n[[sink]]\nname = \"out\"\npipeline = \"p\"\nconnector = \"collect\"\n";
  }

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.clear();
    FeedSourceFactory.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Path config(String toml) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, toml.replace("%1$s", dir.toString()));
    return file;
  }

  private EngineBuilder builder(String toml) throws Exception {
    ConfigResult loaded = ConfigLoader.load(List.of(config(toml)), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    b.processingClock(() -> NOW);
    BuildReport r = b.construct();
    assertTrue(r.ok(), () -> r.errors().toString());
    return b;
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

  private static final List<String> GOOD_ROWS = List.of("0,10,100", "3,40,25", "4,50,100", "5,10,50", "7,30,25",
      "8,40,100", "9,50,50");

  private static List<String> sorted(List<String> rows) {
    List<String> s = new ArrayList<>(rows);
    s.sort(java.util.Comparator.comparingLong(r -> Long.parseLong(r.substring(0, r.indexOf(',')))));
    return s;
  }

  private record Finished(Engine.Outcome outcome, PipelineStatus status, Map<EngineMetrics.Key, Long> counters) {
  }

  private Finished run(String policy) throws Exception {
    EngineBuilder b = builder(SOURCE + pipeline(policy));
    EngineMetrics metrics = new EngineMetrics();
    Engine engine = new Engine(b, allocator, metrics);
    engine.start();
    Engine.Outcome o = engine.awaitTermination();
    return new Finished(o, engine.pipelines().get(0), metrics.counterValues());
  }

  @Test
  void skipEmitsExactlyTheGoodRowsAndCountsTheBadOnes() throws Exception {
    Finished f = run("on.error = \"skip\"\n");
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    assertEquals(GOOD_ROWS, sorted(CollectingSinkFactory.ROWS.get("out")));
    assertEquals("skip", f.status().onError());
    assertEquals(3, f.status().rowErrors());
    assertEquals(3L, f.counters().get(new EngineMetrics.Key("laminar_row_errors_total",
        Map.of("pipeline", "p", "action", "skip"))));
    assertFalse(Files.exists(dir.resolve("errors.jsonl")));
  }

  @Test
  void deadLetterWritesEachBadRowAsOneJsonLine() throws Exception {
    Finished f = run("on.error = \"dead_letter\"\ndead_letter.path = \"errors/bad.jsonl\"\n");
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    assertEquals(GOOD_ROWS, sorted(CollectingSinkFactory.ROWS.get("out")));
    assertEquals(3, f.status().rowErrors());
    assertEquals("dead_letter", f.status().onError());
    assertEquals(3L, f.counters().get(new EngineMetrics.Key("laminar_row_errors_total",
        Map.of("pipeline", "p", "action", "dead_letter"))));
    String cast = at("CAST(s AS INT)");
    String division = at("100 / n");
    List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("errors/bad.jsonl")));
    lines.sort(java.util.Comparator.comparing(l -> l.substring(l.indexOf("\"id\":"))));
    assertEquals(List.of(
        "{\"time\":\"2026-01-01T00:00:00Z\",\"pipeline\":\"p\",\"step\":\"Project\",\"expression\":\"CAST(s AS INT)\","
            + "\"position\":\"" + cast + "\",\"error\":\"cannot cast 'x' to INT (expected an integer from "
            + "-2147483648 to 2147483647)\",\"row\":{\"id\":1,\"n\":2,\"s\":\"x\",\"ts\":\"2026-01-01T00:00:00.001Z\"}}",
        "{\"time\":\"2026-01-01T00:00:00Z\",\"pipeline\":\"p\",\"step\":\"Project\",\"expression\":\"100 / n\","
            + "\"position\":\"" + division + "\",\"error\":\"division by zero: 100 / 0\",\"row\":{\"id\":2,\"n\":0,"
            + "\"s\":\"30\",\"ts\":\"2026-01-01T00:00:00.002Z\"}}",
        "{\"time\":\"2026-01-01T00:00:00Z\",\"pipeline\":\"p\",\"step\":\"Project\",\"expression\":\"CAST(s AS INT)\","
            + "\"position\":\"" + cast + "\",\"error\":\"cannot cast 'x' to INT (expected an integer from "
            + "-2147483648 to 2147483647)\",\"row\":{\"id\":6,\"n\":0,\"s\":\"x\",\"ts\":\"2026-01-01T00:00:00.006Z\"}}"),
        lines);
  }

  @Test
  void failStillStopsTheRunNamingPipelineExpressionAndValue() throws Exception {
    Finished f = run("on.error = \"fail\"\n");
    assertEquals(Engine.State.FAILED, f.outcome().state());
    assertTrue(f.outcome().failure().equals("pipeline 'p' failed: " + at("CAST(s AS INT)") + ": cannot cast 'x' to "
        + "INT (expected an integer from -2147483648 to 2147483647) in `CAST(s AS INT)`")
        || f.outcome().failure().equals("pipeline 'p' failed: " + at("100 / n") + ": division by zero: 100 / 0 in "
        + "`100 / n`"), f.outcome().failure());
    assertFalse(f.counters().keySet().stream().anyMatch(k -> k.name().equals("laminar_row_errors_total")));
  }

  /**
   * Dead letters are on disk once a checkpoint covering their rows is taken, while the run goes on
   * (a silent second input keeps the pipeline running).
   */
  @Test
  void deadLettersAreDurableWithTheCheckpoint() throws Exception {
    String toml = SOURCE + """

        [[source]]
        name = "quiet"
        connector = "feed"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "n"
        type = "INT"
        [[source.schema]]
        name = "s"
        type = "VARCHAR"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"

        [[pipeline]]
        name = "p"
        sql = "SELECT id, CAST(s AS INT) AS v FROM (SELECT * FROM nums UNION ALL SELECT * FROM quiet)"
        on.error = "dead_letter"
        dead_letter.path = "bad.jsonl"

        [[sink]]
        name = "out"
        pipeline = "p"
        connector = "collect"
        """;
    EngineBuilder b = builder(toml);
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    try {
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowErrors() == 2, "both bad rows were seen");
      Path file = dir.resolve("bad.jsonl");
      engine.checkpointNow();
      List<String> lines = Files.readAllLines(file);
      assertEquals(2, lines.size(), lines::toString);
      assertTrue(lines.stream().allMatch(l -> l.contains("\"error\":\"cannot cast 'x' to INT")), lines::toString);
    } finally {
      Engine.Outcome o = engine.shutdown(Duration.ofSeconds(30));
      assertEquals(Engine.State.STOPPED, o.state(), o.failure());
    }
  }
}
