package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.AggCall;
import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.SqlType;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two-phase window aggregation (a window aggregate whose group keys trace to no source column):
 * workers with a shared {@link WindowMerger} give exactly the output and the late rows of one
 * executor fed every row — queued workers fed batches in turn (each observing every batch's event
 * times) with restores from checkpoints onto 1 → 2 → 1 → 3 workers, and inline workers each reading
 * only its own splits against one executor reading all of them.
 */
class TwoPhaseAggregationTest {
  private static final int BATCH = 97;
  private static final SqlCompiler COMPILER = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofSeconds(1))));
  private BufferAllocator allocator;

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  /** Rows of {@link TestTables#EVENTS} over 40 string keys (some NULL), with jitter beyond the delay (late rows). */
  private static List<Object[]> events(long seed, int n) {
    Random r = new Random(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long ts = TestTables.BASE + i * 7L + (long) (r.nextDouble() * 1500);
      String k = r.nextInt(50) == 0 ? null : (i % 13 == 0 ? "long-".repeat(20) : "key-") + r.nextInt(40);
      Integer v = r.nextInt(50) == 0 ? null : r.nextInt(61) - 30;
      Double d = Math.round(r.nextDouble() * 1000) / 100.0;
      rows.add(new Object[] {(long) i, k, v, d, ts});
    }
    return rows;
  }

  static Stream<Arguments> queries() {
    return Stream.of(
        Arguments.of("TUMBLE by a computed string (the compass workload)", "SELECT 'S' || CAST(MOD(id, 100) AS VARCHAR) "
            + "AS s, window_start, COUNT(*), SUM(v), AVG(v), MIN(d), MAX(k), COUNT(k) FROM TABLE(TUMBLE(TABLE events, "
            + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY 'S' || CAST(MOD(id, 100) AS VARCHAR), window_start, "
            + "window_end"),
        Arguments.of("TUMBLE by an upper-cased string and a filter after it", "SELECT * FROM (SELECT window_end, "
            + "UPPER(k) AS uk, COUNT(*) AS n, MIN(k) AS lo FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
            + "INTERVAL '1' SECOND)) GROUP BY window_start, window_end, UPPER(k)) WHERE n > 2"),
        Arguments.of("global TUMBLE", "SELECT window_start, COUNT(*), MAX(v), SUM(v) FROM TABLE(TUMBLE(TABLE events, "
            + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end"),
        Arguments.of("HOP by a computed integer", "SELECT window_end, MOD(id, 7) AS m, COUNT(*), MIN(v) FROM "
            + "TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) "
            + "GROUP BY window_start, window_end, MOD(id, 7)"));
  }

  private static CompiledPipeline compile(String sql) {
    CompileResult compiled = COMPILER.compile("p", sql);
    assertTrue(compiled.isSuccess(), () -> compiled.errors().toString());
    CompiledPipeline p = compiled.pipeline();
    assertTrue(p.twoPhase(), p.explain());
    return p;
  }

  /** Output rows and the late rows dropped. */
  private record Run(List<List<Object>> rows, long late) {
  }

  private static OutputCallback collect(List<List<Object>> out) {
    return batch -> StreamRunner.collect(batch, out);
  }

  private static List<List<Object[]>> batches(List<Object[]> rows) {
    List<List<Object[]>> batches = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += BATCH) {
      batches.add(rows.subList(from, Math.min(from + BATCH, rows.size())));
    }
    return batches;
  }

  /**
   * Queued workers: phase i (an equal part of the batches) runs on {@code counts[i]} workers (two-phase
   * when more than one) restored from phase i - 1's snapshots, each batch whole to one worker in turn
   * and its event times observed by every other; before each snapshot every worker takes the barrier.
   */
  private Run queued(CompiledPipeline p, List<Object[]> rows, int[] counts) throws IOException {
    List<List<Object>> out = new ArrayList<>();
    List<List<Object[]>> batches = batches(rows);
    long late = 0;
    List<byte[]> snapshots = List.of();
    int turn = 0;
    for (int phase = 0; phase < counts.length; phase++) {
      int n = counts[phase];
      WindowMerger merger = n > 1 ? new WindowMerger(n) : null;
      PipelineExecutor[] workers = new PipelineExecutor[n];
      try {
        for (int w = 0; w < n; w++) {
          workers[w] = new PipelineExecutor(p, allocator, Map.of(), collect(out));
          workers[w].keyGroups(KeyGroups.range(w, n));
          if (merger != null) {
            workers[w].twoPhase(merger, w);
          }
          restore(workers[w], snapshots, n, w);
        }
        int from = batches.size() * phase / counts.length;
        int to = batches.size() * (phase + 1) / counts.length;
        for (List<Object[]> batch : batches.subList(from, to)) {
          try (VectorSchemaRoot root = TestTables.batch(TestTables.EVENTS, batch, allocator)) {
            int chosen = Math.floorMod(turn++, n);
            for (int w = 0; w < n; w++) {
              if (w == chosen) {
                workers[w].onBatch("events", root);
              } else {
                workers[w].observeEventTimes("events", root);
              }
            }
          }
        }
        if (phase == counts.length - 1) {
          for (PipelineExecutor w : workers) {
            w.onEndOfInput("events");
          }
        } else {
          snapshots = snapshot(workers);
        }
        for (PipelineExecutor w : workers) {
          late += w.metrics().lateRowsDropped();
        }
      } finally {
        close(workers);
      }
    }
    return new Run(out, late);
  }

  private static void restore(PipelineExecutor worker, List<byte[]> snapshots, int n, int w) throws IOException {
    if (snapshots.size() == n) {
      worker.restore(new DataInputStream(new ByteArrayInputStream(snapshots.get(w))));
    } else if (!snapshots.isEmpty()) {
      List<PipelineExecutor.Snapshot> shares = new ArrayList<>();
      for (byte[] s : snapshots) {
        shares.add(() -> new DataInputStream(new ByteArrayInputStream(s)));
      }
      worker.restoreShares(shares);
    }
  }

  /** The barrier (every worker hands over its partials), then each worker's snapshot. */
  private static List<byte[]> snapshot(PipelineExecutor[] workers) throws IOException {
    for (PipelineExecutor w : workers) {
      w.flushPartials();
    }
    List<byte[]> taken = new ArrayList<>();
    for (PipelineExecutor w : workers) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream data = new DataOutputStream(bytes)) {
        w.snapshot(data);
      }
      taken.add(bytes.toByteArray());
    }
    return taken;
  }

  private static void close(PipelineExecutor[] workers) {
    for (PipelineExecutor w : workers) {
      if (w != null) {
        w.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void queuedWorkersRestoredWithOtherCountsGiveTheOutputAndLateRowsOfOneExecutor(String name, String sql)
      throws IOException {
    CompiledPipeline p = compile(sql);
    List<Object[]> rows = events(11, 6000);
    Run single = queued(p, rows, new int[] {1});
    assertFalse(single.rows.isEmpty(), "the query produces rows");
    assertTrue(single.late > 0, "the input has late rows");
    for (int[] counts : new int[][] {{2}, {3}, {1, 2, 1, 3}, {2, 2, 3, 2}}) {
      Run two = queued(p, rows, counts);
      assertEquals(single.late, two.late, "late rows with workers " + Arrays.toString(counts));
      assertEquals(Changes.sorted(single.rows), Changes.sorted(two.rows), "workers " + Arrays.toString(counts));
    }
  }

  /**
   * Inline workers: batch i belongs to split i mod {@code splits}, and worker w of {@code n} reads the
   * splits s with s mod n = w and nothing else (its watermark follows only them); one executor told
   * of every split and fed every batch is the reference.
   */
  private Run inline(CompiledPipeline p, List<Object[]> rows, int splits, int n) {
    List<List<Object>> out = new ArrayList<>();
    WindowMerger merger = n > 1 ? new WindowMerger(n) : null;
    if (merger != null) {
      merger.inlineWorkers();
    }
    PipelineExecutor[] workers = new PipelineExecutor[n];
    long late = 0;
    try {
      for (int w = 0; w < n; w++) {
        workers[w] = new PipelineExecutor(p, allocator, Map.of(), collect(out));
        workers[w].keyGroups(KeyGroups.range(w, n));
        if (merger != null) {
          workers[w].twoPhase(merger, w);
        }
        List<String> own = new ArrayList<>();
        for (int s = 0; s < splits; s++) {
          if (s % n == w) {
            own.add("s" + s);
          }
        }
        workers[w].addSplits("events", own);
      }
      List<List<Object[]>> batches = batches(rows);
      for (int i = 0; i < batches.size(); i++) {
        int split = i % splits;
        try (VectorSchemaRoot root = TestTables.batch(TestTables.EVENTS, batches.get(i), allocator)) {
          workers[split % n].onBatch("events", "s" + split, root, null);
        }
      }
      for (int s = 0; s < splits; s++) {
        workers[s % n].onSplitEnd("events", "s" + s);
      }
      for (PipelineExecutor w : workers) {
        w.onEndOfInput("events");
        late += w.metrics().lateRowsDropped();
      }
    } finally {
      close(workers);
    }
    return new Run(out, late);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void inlineWorkersOfTheirOwnSplitsGiveTheOutputAndLateRowsOfOneExecutorOfAllSplits(String name, String sql) {
    CompiledPipeline p = compile(sql);
    // split 1 runs ahead of split 0 (a backlog read unevenly): worker 1's own watermark passes windows
    // that split 0 still fills, so only the merged watermark may decide what is late
    List<Object[]> rows = new ArrayList<>();
    List<Object[]> ahead = events(21, 3000);
    List<Object[]> behind = events(22, 3000);
    for (int i = 0; i < 3000; i += BATCH) {
      rows.addAll(behind.subList(i, Math.min(i + BATCH, 3000)));
      List<Object[]> shifted = new ArrayList<>();
      for (Object[] row : ahead.subList(i, Math.min(i + BATCH, 3000))) {
        Object[] copy = row.clone();
        copy[4] = (Long) row[4] + 3_000;
        shifted.add(copy);
      }
      rows.addAll(shifted);
    }
    for (int[] splitsAndWorkers : new int[][] {{2, 2}, {4, 2}, {4, 3}}) {
      int splits = splitsAndWorkers[0];
      Run single = inline(p, rows, splits, 1);
      assertFalse(single.rows.isEmpty(), "the query produces rows");
      Run parallel = inline(p, rows, splits, splitsAndWorkers[1]);
      assertEquals(single.late, parallel.late, "late rows, " + Arrays.toString(splitsAndWorkers));
      assertEquals(Changes.sorted(single.rows), Changes.sorted(parallel.rows), Arrays.toString(splitsAndWorkers));
    }
  }

  @Test
  void aPartialHandedOverAfterItsWindowFiredIsLateAndNotMerged() {
    CompiledPipeline p = compile("SELECT window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY window_start, window_end");
    List<List<Object>> out = new ArrayList<>();
    WindowMerger merger = new WindowMerger(2);
    merger.inlineWorkers();
    PipelineExecutor[] workers = new PipelineExecutor[2];
    try {
      for (int w = 0; w < 2; w++) {
        workers[w] = new PipelineExecutor(p, allocator, Map.of(), collect(out));
        workers[w].keyGroups(KeyGroups.range(w, 2));
        workers[w].twoPhase(merger, w);
      }
      long t = TestTables.BASE - TestTables.BASE % 1000; // a window start
      feed(workers[0], t + 100, t + 3_000);
      feed(workers[1], t + 200, t + 2_500);
      // both watermarks (delay 1 s) passed the first window: it fired with one row of each worker
      assertEquals(1, out.size(), out.toString());
      assertEquals(2L, out.get(0).get(1));
      // a partial of that window arriving now (a worker that raced the firing) is counted late
      GroupTable partial = new GroupTable(new SqlType[0], List.of(new AggCall(AggCall.Kind.COUNT, -1, false, null,
          SqlType.BIGINT, "n")), new BytesDictionary());
      partial.addBatch(new ColumnReader[0], new ColumnReader[] {null}, new int[] {0, 1, 2}, 3, new BatchScratch());
      assertEquals(3, merger.handOff(t + 1_000, partial), "the window fired: the partial's rows are late");
      assertTrue(merger.watermarkUnits() >= t + 1_000);
      for (PipelineExecutor w : workers) {
        w.onEndOfInput("events");
      }
      assertEquals(List.of(2L, 1L, 1L), out.stream().map(r -> r.get(1)).toList(), "the late partial was not merged");
    } finally {
      close(workers);
    }
  }

  private void feed(PipelineExecutor worker, long... times) {
    List<Object[]> rows = new ArrayList<>();
    for (long ts : times) {
      rows.add(new Object[] {1L, "k", 1, 1.0, ts});
    }
    try (VectorSchemaRoot root = TestTables.batch(TestTables.EVENTS, rows, allocator)) {
      worker.onBatch("events", root);
    }
  }

  @Test
  void onlyATwoPhasePipelineTakesAMerger() {
    CompiledPipeline keyed = COMPILER.compile("p", "SELECT window_start, k, COUNT(*) FROM TABLE(TUMBLE(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k").pipeline();
    assertFalse(keyed.twoPhase(), keyed.explain());
    try (PipelineExecutor w = new PipelineExecutor(keyed, allocator, Map.of(), batch -> { })) {
      assertThrows(IllegalArgumentException.class, () -> w.twoPhase(new WindowMerger(2), 0));
    }
    assertThrows(IllegalArgumentException.class, () -> new WindowMerger(1));
  }
}
