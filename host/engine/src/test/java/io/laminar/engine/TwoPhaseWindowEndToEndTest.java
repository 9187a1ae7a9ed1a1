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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TUMBLE window grouped by a computed key (the compass workload: {@code 'S' || CAST(MOD(k, 50) AS
 * VARCHAR)}), whose group keys trace to no source column, runs two-phase on every worker: the same
 * output as on one worker whatever the workers and splits (inline workers reading their own splits,
 * or queued workers fed in turn), across restores with 1 → 2 → 1 → 2 workers, and with rows dropped
 * as late exactly where the serial pipeline drops them.
 */
class TwoPhaseWindowEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(new SplitFeedSourceFactory()), List.of(),
          List.of(new CollectingSinkFactory())))).registry();

  private static final String SYMBOL = "'S' || CAST(MOD(k, 50) AS VARCHAR)";
  private static final String TUMBLE = "SELECT " + SYMBOL + " AS s, window_start, COUNT(*) AS n, SUM(qty) AS q, "
      + "AVG(qty) AS a, MIN(qty) AS lo, MAX(symbol) AS hi, COUNT(symbol) AS c "
      + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
      + "GROUP BY " + SYMBOL + ", window_start, window_end";
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.clear();
    SplitFeedSourceFactory.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private EngineBuilder generator(String sink, long rowsPerSecond, int workers, int splits) throws Exception {
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
        max_rows = 40000
        rows_per_second = %d
        splits = %d
        events_per_second = 1000
        seed = 9
        start_time = "2026-01-01T00:00:00Z"
        "fields.symbol.values" = "AA,BB,CC,DD,EE,FF,GG,HH,II,JJ,KK,LL,MM,NN,OO,PP,QQ,RR,SS,TT"
        "fields.k.min" = "1"
        "fields.k.max" = "400"
        "fields.qty.min" = "1"
        "fields.qty.max" = "9"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "k"
        type = "INT"
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
        """.formatted(workers, dir.resolve("cp"), rowsPerSecond, splits, TUMBLE, sink));
    return construct(file);
  }

  private EngineBuilder construct(Path file) throws Exception {
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

  private static List<String> rows(String sink) {
    return List.copyOf(CollectingSinkFactory.ROWS.getOrDefault(sink, List.of()));
  }

  /** Runs the generator input to its end on {@code workers} workers and returns the sorted output. */
  private List<String> complete(String sink, int workers, int splits) throws Exception {
    Engine e = start(generator(sink, 10_000_000, workers, splits));
    String explain = e.pipelines().get(0).explain();
    assertEquals(workers > 1, explain.contains("running two-phase on " + workers + " workers"), explain);
    Engine.Outcome o = e.awaitTermination();
    assertEquals(Engine.State.COMPLETED, o.state(), o.failure());
    deleteCheckpoints();
    return rows(sink).stream().sorted().toList();
  }

  private void deleteCheckpoints() throws Exception {
    Path cp = dir.resolve("cp");
    if (Files.exists(cp)) {
      try (Stream<Path> all = Files.walk(cp)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void oneWorkerAndTwoOrThreeWorkersInlineOrQueuedGiveTheSameWindows() throws Exception {
    List<String> serial = complete("serial", 1, 1);
    assertEquals(40 * 50, serial.size(), "40 windows of 50 symbols");
    assertEquals(serial, complete("queued", 2, 1), "two queued workers fed in turn by one reader");
    assertEquals(serial, complete("inline", 2, 2), "two inline workers, each reading its own split");
    assertEquals(serial, complete("inline3", 3, 4), "three inline workers over four splits");
  }

  /**
   * The uninterrupted output on one worker, then the input read by runs of 1, 2, 1 and 2 workers, each
   * stopped (final checkpoint) once the sink got more rows, and a last run of 2 workers to the end.
   */
  private void restores(int splits) throws Exception {
    List<String> expected = complete("reference", 1, splits);
    for (int w : new int[] {1, 2, 1, 2}) {
      int before = rows("out").size();
      Engine e = start(generator("out", 5_000, w, splits));
      CheckpointRecoveryTest.await(() -> rows("out").size() > before, "more rows in the sink");
      assertEquals(Engine.State.STOPPED, e.shutdown(Duration.ofSeconds(10)).state(),
          "the input was not all read before the last restart");
    }
    Engine e = start(generator("out", 10_000_000, 2, splits));
    assertEquals(Engine.State.COMPLETED, e.awaitTermination().state());
    assertFalse(expected.isEmpty());
    assertEquals(expected, rows("out").stream().sorted().toList());
  }

  @Test
  void restoredWithOneTwoOneTwoInlineWorkersGivesTheUninterruptedOutput() throws Exception {
    restores(2);
  }

  @Test
  void restoredWithOneTwoOneTwoQueuedWorkersGivesTheUninterruptedOutput() throws Exception {
    restores(1);
  }

  private Engine feed(int workers) throws Exception {
    Path file = dir.resolve("feed.toml");
    Files.writeString(file, """
        [server]
        workers = %d

        [checkpoint]
        path = "%s"

        [[source]]
        name = "topic"
        connector = "split_feed"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "500ms"

        [[pipeline]]
        name = "p"
        sql = "SELECT window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE topic, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end"

        [[sink]]
        name = "out"
        pipeline = "p"
        connector = "collect"
        """.formatted(workers, dir.resolve("cp")));
    Engine engine = new Engine(construct(file), allocator, new EngineMetrics());
    engine.start();
    return engine;
  }

  /**
   * Splits a and b read by {@code workers} workers (2: inline, each its own split; 3: queued, two
   * readers feeding three workers), fed so that the windows fire at known points; returns the output
   * and the late rows.
   */
  private List<String> lateRun(int workers) throws Exception {
    SplitFeedSourceFactory.clear();
    CollectingSinkFactory.clear();
    Engine engine = feed(workers);
    try {
      String explain = engine.pipelines().get(0).explain();
      assertEquals(workers > 1, explain.contains("running two-phase on " + workers + " workers"), explain);
      SplitFeedSourceFactory.feed("topic", "a", T0 + 100, T0 + 1_100, T0 + 2_100, T0 + 4_100);
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 4, "split a's rows are in");
      SplitFeedSourceFactory.feed("topic", "b", T0 + 150, T0 + 1_150, T0 + 2_600);
      // a's watermark is 3_600, b's 2_100: the windows ending at 1 s and 2 s fire
      CheckpointRecoveryTest.await(() -> rows("out").size() == 2, "the windows up to min(a, b) fired");
      // 900 is late (its window fired); 2_500 is not, although a's own watermark passed its window
      SplitFeedSourceFactory.feed("topic", "a", T0 + 900, T0 + 2_500);
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 9, "a's two rows are in");
      SplitFeedSourceFactory.feed("topic", "b", T0 + 5_000);
      CheckpointRecoveryTest.await(() -> rows("out").size() == 3, "b's watermark passed 3 s");
      return List.of(String.join(" ", rows("out")), "late " + engine.pipelines().get(0).lateRowsDropped());
    } finally {
      Engine.Outcome o = engine.shutdown(Duration.ofSeconds(30));
      assertEquals(Engine.State.STOPPED, o.state(), o.failure());
      deleteCheckpoints();
    }
  }

  @Test
  void aRowIsLateExactlyWhenTheSerialPipelineDropsIt() throws Exception {
    List<String> serial = lateRun(1);
    assertEquals(List.of("2026-01-01T00:00:01,2 2026-01-01T00:00:02,2 2026-01-01T00:00:03,3", "late 1"),
        serial);
    assertEquals(serial, lateRun(2), "inline workers: late by the merged watermark, not a worker's own");
    assertEquals(serial, lateRun(3), "queued workers observing every batch: late by their own watermark");
  }
}
