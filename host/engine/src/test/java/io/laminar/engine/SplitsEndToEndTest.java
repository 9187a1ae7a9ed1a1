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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources read in splits by several workers: the same rows as one reader, across restarts with other worker counts. */
class SplitsEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(), List.of(new CollectingSinkFactory())))).registry();

  private static final String STATELESS = "SELECT symbol, qty * 2 AS q2, ts FROM trades WHERE qty > 1";
  private static final String WINDOWED = "SELECT symbol, window_start, COUNT(*) AS n, SUM(qty) AS q "
      + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end";

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private EngineBuilder builder(String sink, String sql, long maxRows, long rowsPerSecond, int workers, int splits)
      throws Exception {
    Path file = dir.resolve(sink + ".toml");
    Files.writeString(file, """
        [server]
        workers = %d

        [checkpoint]
        path = "%s"
        interval = "1h"

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = %d
        rows_per_second = %d
        splits = %d
        events_per_second = 1000
        seed = 5
        start_time = "2026-01-01T00:00:00Z"
        "fields.symbol.values" = "A,B,C"
        "fields.qty.min" = "1"
        "fields.qty.max" = "5"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "0s"

        [[pipeline]]
        name = "p"
        sql = "%s"

        [[sink]]
        name = "%s"
        pipeline = "p"
        connector = "collect"
        """.formatted(workers, dir.resolve("cp"), maxRows, rowsPerSecond, splits, sql, sink));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    return b;
  }

  private Engine start(EngineBuilder b) throws Exception {
    Engine e = new Engine(b, allocator, new EngineMetrics(), new EngineOptions(false, Duration.ofSeconds(30)));
    e.start();
    return e;
  }

  private List<String> run(String sink, String sql, long rows, int workers, int splits) throws Exception {
    Engine e = start(builder(sink, sql, rows, 10_000_000, workers, splits));
    assertEquals(Engine.State.COMPLETED, e.awaitTermination().state());
    return sorted(CollectingSinkFactory.ROWS.get(sink));
  }

  private static List<String> sorted(List<String> rows) {
    return rows.stream().sorted().toList();
  }

  private void deleteCheckpoints() throws Exception {
    Path cp = dir.resolve("cp");
    if (Files.exists(cp)) {
      try (var all = Files.walk(cp)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .collect(Collectors.toSet());
  }

  @Test
  void fourSplitsOnTwoWorkersGiveTheRowsOfOneSplit() throws Exception {
    List<String> one = run("one", STATELESS, 100_000, 1, 1);
    deleteCheckpoints();
    List<String> four = run("four", STATELESS, 100_000, 2, 4);
    assertFalse(one.isEmpty());
    assertEquals(one, four);
  }

  @Test
  void aKeyedPipelineOverFourSplitsGivesTheRowsOfOneSplit() throws Exception {
    List<String> one = run("one", WINDOWED, 100_000, 1, 1);
    deleteCheckpoints();
    List<String> four = run("four", WINDOWED, 100_000, 2, 4);
    assertFalse(one.isEmpty());
    assertEquals(one, four);
  }

  @Test
  void eachWorkerOfAStatelessPipelineReadsItsOwnSplitsOnItsOwnThread() throws Exception {
    Engine e = start(builder("out", STATELESS, 10_000_000, 50_000, 2, 4));
    try {
      CheckpointRecoveryTest.await(() -> CollectingSinkFactory.ROWS.getOrDefault("out", List.of()).size() > 0,
          "rows in the sink");
      Set<String> names = threadNames();
      assertTrue(names.contains("source-trades") && names.contains("source-trades#1"), names.toString());
      assertFalse(names.stream().anyMatch(n -> n.startsWith("pipeline-p")), "no queue, no worker thread: " + names);
    } finally {
      assertEquals(Engine.State.STOPPED, e.shutdown(Duration.ofSeconds(10)).state());
    }
  }

  @Test
  void restoresWithOneThenTwoThenOneWorkersGiveTheUninterruptedOutput() throws Exception {
    List<String> expected = run("reference", STATELESS, 60_000, 1, 1);
    deleteCheckpoints();
    int[] workers = {1, 2};
    for (int w : workers) {
      int before = CollectingSinkFactory.ROWS.getOrDefault("out", List.of()).size();
      Engine e = start(builder("out", STATELESS, 60_000, 20_000, w, 4));
      CheckpointRecoveryTest.await(() -> CollectingSinkFactory.ROWS.getOrDefault("out", List.of()).size() > before,
          "more rows in the sink");
      assertEquals(Engine.State.STOPPED, e.shutdown(Duration.ofSeconds(10)).state());
    }
    int stopped = CollectingSinkFactory.ROWS.get("out").size();
    assertTrue(stopped < expected.size(), "the input was not all read before the last restart: " + stopped);
    Engine last = start(builder("out", STATELESS, 60_000, 10_000_000, 1, 4));
    assertEquals(Engine.State.COMPLETED, last.awaitTermination().state());
    assertEquals(expected, sorted(CollectingSinkFactory.ROWS.get("out")));
  }
}
