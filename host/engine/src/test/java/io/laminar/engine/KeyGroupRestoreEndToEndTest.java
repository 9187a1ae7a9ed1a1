package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.HashMap;
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
 * Keyed pipelines (TUMBLE, SESSION, updating GROUP BY) stopped at a checkpoint and restarted with
 * another number of workers — 1 → 2 → 1 → 2 → 3 — redistribute their keyed state by key group and
 * produce exactly the output of an uninterrupted run. One source split, so one reader feeds the
 * workers (splits moving between readers are {@code SplitsEndToEndTest}'s).
 */
class KeyGroupRestoreEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(),
          List.of(new CollectingSinkFactory(), CollectingSinkFactory.changes())))).registry();

  private static final String TUMBLE = "SELECT symbol, window_start, COUNT(*) AS n, SUM(qty) AS q, "
      + "COUNT(DISTINCT k) AS keys FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
      + "GROUP BY symbol, window_start, window_end";
  private static final String SESSION = "SELECT k, window_start, window_end, COUNT(*) AS n, SUM(qty) AS q, "
      + "MAX(symbol) AS s FROM TABLE(SESSION(TABLE trades PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.5' SECOND)) "
      + "GROUP BY k, window_start, window_end";
  private static final String GROUP_BY = "SELECT k, COUNT(*) AS n, SUM(qty) AS q, COUNT(DISTINCT symbol) AS s, "
      + "MAX(symbol) AS m FROM trades GROUP BY k";

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

  private EngineBuilder builder(String sink, String sql, long rowsPerSecond, int workers) throws Exception {
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
        splits = 1
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
        connector = "%s"
        """.formatted(workers, dir.resolve("cp"), rowsPerSecond, sql, sink,
        sql.equals(GROUP_BY) ? "collect_changes" : "collect"));
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

  /**
   * The uninterrupted output on one worker, then the same input read by runs of {@code counts[i]}
   * workers, each stopped (final checkpoint) once the sink got more rows, and a last run of
   * {@code last} workers to the end; returns both outputs as compared: sorted rows, or for an
   * updating output the final table it describes.
   */
  private List<List<String>> runs(String sql, int[] counts, int last) throws Exception {
    Engine reference = start(builder("reference", sql, 10_000_000, 1));
    assertEquals(Engine.State.COMPLETED, reference.awaitTermination().state());
    List<String> expected = CollectingSinkFactory.ROWS.get("reference");
    deleteCheckpoints();
    for (int w : counts) {
      int before = CollectingSinkFactory.ROWS.getOrDefault("out", List.of()).size();
      Engine e = start(builder("out", sql, 5_000, w));
      CheckpointRecoveryTest.await(() -> CollectingSinkFactory.ROWS.getOrDefault("out", List.of()).size() > before,
          "more rows in the sink");
      assertEquals(Engine.State.STOPPED, e.shutdown(Duration.ofSeconds(10)).state(),
          "the input was not all read before the last restart");
    }
    Engine e = start(builder("out", sql, 10_000_000, last));
    assertEquals(Engine.State.COMPLETED, e.awaitTermination().state());
    List<String> actual = CollectingSinkFactory.ROWS.get("out");
    assertFalse(expected.isEmpty());
    if (sql.equals(GROUP_BY)) {
      return List.of(materialize(expected), materialize(actual));
    }
    return List.of(expected.stream().sorted().toList(), actual.stream().sorted().toList());
  }

  /**
   * The final table a changelog of {@code +I/-U/+U/-D k,…} rows describes, sorted, checking each
   * change against it: an insert of a key held, or a take-back of another row than the one held, fails.
   */
  private static List<String> materialize(List<String> changes) {
    Map<String, String> table = new HashMap<>();
    for (String change : changes) {
      String op = change.substring(0, 2);
      String row = change.substring(3);
      String key = row.substring(0, row.indexOf(','));
      switch (op) {
        case "+I", "+U" -> assertNull(table.put(key, row), () -> "a second row for key " + key + ": " + change);
        case "-U", "-D" -> assertEquals(row, table.remove(key), () -> "takes back " + change);
        default -> throw new AssertionError("row kind of " + change);
      }
    }
    return table.values().stream().sorted().toList();
  }

  @Test
  void aTumbleWindowRestoredWithOneTwoOneTwoThreeWorkersGivesTheUninterruptedOutput() throws Exception {
    List<List<String>> runs = runs(TUMBLE, new int[] {1, 2, 1, 2}, 3);
    assertEquals(runs.get(0), runs.get(1));
  }

  @Test
  void aSessionRestoredWithOneTwoOneTwoThreeWorkersGivesTheUninterruptedOutput() throws Exception {
    List<List<String>> runs = runs(SESSION, new int[] {1, 2, 1, 2}, 3);
    assertEquals(runs.get(0), runs.get(1));
  }

  @Test
  void anUpdatingGroupByRestoredWithOneTwoOneTwoThreeWorkersEndsInTheUninterruptedTable() throws Exception {
    List<List<String>> runs = runs(GROUP_BY, new int[] {1, 2, 1, 2}, 3);
    assertEquals(400, runs.get(0).size(), "every key has a row");
    assertEquals(runs.get(0), runs.get(1));
  }
}
