package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.RowKind;
import io.laminar.plan.CompiledPipeline;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keyed state restored with another number of workers: workers fed as the engine routes rows (by key
 * group), snapshotted, and restored with 1 → 2 → 1 → 3 workers (and 2 → 2 → 3 → 2) give exactly the
 * output, late rows and final state of one executor fed every row without interruption.
 */
class KeyGroupRedistributionTest {
  private static final int BATCH = 97;
  private static final SqlCompiler COMPILER = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofSeconds(1)),
      CatalogTable.source("events2", TestTables.EVENTS, "ts", Duration.ofSeconds(1)),
      CatalogTable.source("changes", TestTables.EVENTS, "ts", Duration.ofSeconds(1)).asChangelog()));
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

  /** Rows of {@link TestTables#EVENTS} over 80 string keys (some NULL), with jitter beyond the delay (late rows). */
  private static List<Object[]> events(long seed, int n) {
    Random r = new Random(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long ts = TestTables.BASE + i * 7L + (long) (r.nextDouble() * 1500);
      // some keys longer than the routing's 64-byte scratch buffer
      String k = r.nextInt(50) == 0 ? null : (i % 13 == 0 ? "long-".repeat(20) : "key-") + r.nextInt(40);
      Integer v = r.nextInt(50) == 0 ? null : r.nextInt(61) - 30;
      Double d = Math.round(r.nextDouble() * 1000) / 100.0;
      rows.add(new Object[] {(long) i, k, v, d, ts});
    }
    return rows;
  }

  /** One change of the changelog input. */
  private record Change(String source, RowKind kind, Object[] row) {
  }

  /** Appends, or for {@code changes}: inserts with, now and then, a delete or an update of an earlier row. */
  private static List<Change> input(String sql) {
    List<Change> out = new ArrayList<>();
    if (!sql.contains("changes")) {
      List<Object[]> a = events(11, 6000);
      List<Object[]> b = events(12, 4000);
      for (int i = 0; i < a.size(); i++) {
        out.add(new Change("events", RowKind.INSERT, a.get(i)));
        if (sql.contains("events2") && i < b.size()) {
          out.add(new Change("events2", RowKind.INSERT, b.get(i)));
        }
      }
      return out;
    }
    Random r = new Random(3);
    List<Object[]> live = new ArrayList<>();
    for (Object[] row : events(13, 6000)) {
      out.add(new Change("changes", RowKind.INSERT, row));
      live.add(row);
      int pick = r.nextInt(10);
      if (pick == 0 && live.size() > 20) {
        Object[] gone = live.remove(live.size() - 1 - r.nextInt(20));
        out.add(new Change("changes", RowKind.DELETE, gone));
      } else if (pick == 1 && live.size() > 20) {
        int at = live.size() - 1 - r.nextInt(20);
        Object[] before = live.get(at);
        Object[] after = before.clone();
        after[2] = before[2] == null ? 1 : (Integer) before[2] + 1;
        live.set(at, after);
        out.add(new Change("changes", RowKind.UPDATE_BEFORE, before));
        out.add(new Change("changes", RowKind.UPDATE_AFTER, after));
      }
    }
    return out;
  }

  static Stream<Arguments> keyedQueries() {
    return Stream.of(
        Arguments.of("TUMBLE by a string key", "SELECT window_start, k, COUNT(*), SUM(v), MIN(d), MAX(k), "
            + "COUNT(DISTINCT v) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
            + "GROUP BY window_start, window_end, k"),
        Arguments.of("HOP by an integer key and a string", "SELECT window_end, v, k, COUNT(DISTINCT d), COUNT(*) FROM "
            + "TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) "
            + "GROUP BY window_start, window_end, v, k"),
        Arguments.of("SESSION by key", "SELECT window_start, window_end, k, COUNT(*), SUM(v), COUNT(DISTINCT v) FROM "
            + "TABLE(SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.3' SECOND)) "
            + "GROUP BY window_start, window_end, k"),
        Arguments.of("UNION ALL of two sources by key", "SELECT TUMBLE_START(ts, INTERVAL '1' SECOND), k, COUNT(*) "
            + "FROM (SELECT k, ts FROM events UNION ALL SELECT k, ts FROM events2) "
            + "GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), k"),
        Arguments.of("updating GROUP BY an integer key", "SELECT v, COUNT(*), SUM(d), COUNT(DISTINCT k), MAX(k), "
            + "MIN(id) FROM events GROUP BY v"),
        Arguments.of("updating GROUP BY over a changelog", "SELECT k, COUNT(*), SUM(v), MIN(v), COUNT(DISTINCT v) "
            + "FROM changes GROUP BY k"),
        Arguments.of("TUMBLE over a changelog", "SELECT window_start, k, COUNT(*), SUM(v), MAX(v) FROM "
            + "TABLE(TUMBLE(TABLE changes, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k"),
        Arguments.of("SESSION over a changelog", "SELECT window_start, window_end, k, COUNT(*), SUM(v), MAX(k) FROM "
            + "TABLE(SESSION(TABLE changes PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.3' SECOND)) "
            + "GROUP BY window_start, window_end, k"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyedQueries")
  void restoresWithOtherWorkerCountsGiveTheUninterruptedOutput(String name, String sql) throws IOException {
    CompileResult compiled = COMPILER.compile("p", sql);
    assertTrue(compiled.isSuccess(), () -> compiled.errors().toString());
    CompiledPipeline p = compiled.pipeline();
    assertTrue(p.parallelizable(), p.explain());
    List<Change> changes = input(sql);
    Run single = run(p, changes, new int[] {1});
    assertFalse(single.rows.isEmpty(), "the query produces rows");
    for (int[] counts : new int[][] {{1, 2, 1, 3}, {2, 2, 3, 2}}) {
      Run redistributed = run(p, changes, counts);
      assertEquals(single.late, redistributed.late, "late rows with workers " + java.util.Arrays.toString(counts));
      if (p.updating()) {
        assertEquals(materialize(single.rows, p), materialize(redistributed.rows, p), p.explain());
      } else {
        assertEquals(Changes.sorted(single.rows), Changes.sorted(redistributed.rows), p.explain());
      }
    }
  }

  /** Output rows (a row kind first for updating output) and the late rows dropped. */
  private record Run(List<List<Object>> rows, long late) {
  }

  /**
   * Feeds {@code changes} in batches, phase by phase: phase i (an equal part of the input) runs on
   * {@code counts[i]} workers restored from the snapshots of phase i - 1's; the last phase ends the input.
   */
  private Run run(CompiledPipeline p, List<Change> changes, int[] counts) throws IOException {
    return run(p, changes, counts, false);
  }

  /**
   * As above; {@code legacy}: the first phase runs as laminar did before key groups — rows routed by
   * hash mod workers, snapshots in format 3 — and the next restores from those.
   */
  private Run run(CompiledPipeline p, List<Change> changes, int[] counts, boolean legacy) throws IOException {
    List<List<Object>> out = new ArrayList<>();
    OutputCallback collect = new OutputCallback() {
      @Override
      public void onOutput(VectorSchemaRoot batch) {
        add(batch, null);
      }

      @Override
      public void onOutput(VectorSchemaRoot batch, TinyIntVector kinds) {
        add(batch, kinds);
      }

      private void add(VectorSchemaRoot batch, TinyIntVector kinds) {
        List<List<Object>> rows = new ArrayList<>();
        StreamRunner.collect(batch, rows);
        for (int r = 0; r < rows.size(); r++) {
          List<Object> row = new ArrayList<>();
          if (p.updating()) {
            row.add(kinds == null ? RowKind.INSERT : RowKind.fromCode(kinds.get(r)));
          }
          row.addAll(rows.get(r));
          out.add(row);
        }
      }
    };
    List<List<Change>> batches = new ArrayList<>();
    for (int from = 0; from < changes.size(); from += BATCH) {
      batches.add(changes.subList(from, Math.min(from + BATCH, changes.size())));
    }
    Map<String, int[]> keys = p.partitionKeys();
    long late = 0;
    List<byte[]> snapshots = List.of();
    int turn = 0;
    for (int phase = 0; phase < counts.length; phase++) {
      int n = counts[phase];
      PipelineExecutor[] workers = new PipelineExecutor[n];
      try {
        for (int w = 0; w < n; w++) {
          workers[w] = new PipelineExecutor(p, allocator, Map.of(), collect);
          workers[w].keyGroups(KeyGroups.range(w, n));
          boolean v3 = legacy && phase == 1;
          if (snapshots.size() == n && (!v3 || n == 1)) {
            // the same count: each worker's own snapshot holds exactly its key groups
            workers[w].restore(new DataInputStream(new ByteArrayInputStream(snapshots.get(w))));
          } else if (!snapshots.isEmpty()) {
            if (v3 && snapshots.size() == n) {
              // a format-3 worker held the keys of hash mod n, not a range of key groups
              byte[] own = snapshots.get(w);
              try (PipelineExecutor direct = new PipelineExecutor(p, allocator, Map.of(), collect)) {
                direct.keyGroups(KeyGroups.range(w, n));
                assertThrows(IncompatibleStateException.class,
                    () -> direct.restore(new DataInputStream(new ByteArrayInputStream(own))));
              }
            }
            List<PipelineExecutor.Snapshot> shares = new ArrayList<>();
            for (byte[] s : snapshots) {
              shares.add(() -> new DataInputStream(new ByteArrayInputStream(s)));
            }
            workers[w].restoreShares(shares);
          }
        }
        int from = batches.size() * phase / counts.length;
        int to = batches.size() * (phase + 1) / counts.length;
        for (List<Change> batch : batches.subList(from, to)) {
          feed(batch, workers, keys, turn++, legacy && phase == 0);
        }
        if (phase == counts.length - 1) {
          for (PipelineExecutor w : workers) {
            for (String s : p.sources()) {
              w.onEndOfInput(s);
            }
          }
        } else {
          List<byte[]> taken = new ArrayList<>();
          for (PipelineExecutor w : workers) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(bytes)) {
              w.snapshot(data);
            }
            taken.add(legacy && phase == 0 ? formatThree(bytes.toByteArray()) : bytes.toByteArray());
          }
          snapshots = taken;
        }
        for (PipelineExecutor w : workers) {
          late += w.metrics().lateRowsDropped();
        }
      } finally {
        for (PipelineExecutor w : workers) {
          if (w != null) {
            w.close();
          }
        }
      }
    }
    return new Run(out, late);
  }

  /** One input batch (of one source at a time, as a source runner delivers it), routed as the engine does. */
  private void feed(List<Change> changes, PipelineExecutor[] workers, Map<String, int[]> keys, int turn,
      boolean modWorkers) {
    int start = 0;
    while (start < changes.size()) {
      String source = changes.get(start).source();
      int end = start;
      while (end < changes.size() && changes.get(end).source().equals(source)) {
        end++;
      }
      List<Change> run = changes.subList(start, end);
      List<Object[]> rows = new ArrayList<>();
      run.forEach(c -> rows.add(c.row()));
      boolean changelog = source.equals("changes");
      try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, rows, allocator);
          TinyIntVector kinds = changelog ? new TinyIntVector("kind", allocator) : null) {
        if (kinds != null) {
          kinds.allocateNew(rows.size());
          for (int i = 0; i < rows.size(); i++) {
            kinds.set(i, run.get(i).kind().code());
          }
          kinds.setValueCount(rows.size());
        }
        Partitioner.Routed routed = modWorkers ? routeModWorkers(batch, kinds, keys.get(source), workers.length)
            : Partitioner.route(batch, kinds, keys.get(source), workers.length, turn, allocator);
        for (int w = 0; w < workers.length; w++) {
          if (routed.wholeTo() == w) {
            workers[w].onBatch(source, batch, kinds);
          } else if (routed.parts() != null && routed.parts()[w] != null) {
            try (Batch part = routed.parts()[w]) {
              workers[w].onBatch(source, part.data(), part.isChangelog() ? part.rowKinds() : null);
            }
          }
          workers[w].observeEventTimes(source, batch);
        }
      }
      start = end;
    }
  }

  /** The routing before key groups: a row went to worker (hash mod workers). */
  private Partitioner.Routed routeModWorkers(VectorSchemaRoot batch, TinyIntVector kinds, int[] keyColumns,
      int workers) {
    if (workers == 1) {
      return new Partitioner.Routed(0, null);
    }
    long[] hashes = Partitioner.hashes(batch, keyColumns);
    int[] partition = new int[hashes.length];
    for (int r = 0; r < hashes.length; r++) {
      partition[r] = (int) Long.remainderUnsigned(hashes[r], workers);
    }
    return new Partitioner.Routed(-1, Partitioner.split(batch, kinds, partition, workers, allocator));
  }

  /** A format-4 snapshot as format 3 wrote it: the same, without the key groups after the pipeline name. */
  private static byte[] formatThree(byte[] v4) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(v4));
    in.readInt();
    assertEquals(4, in.readInt());
    in.skipNBytes(32);
    int nameEnd = 4 + 4 + 32 + 4 + in.readInt();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(v4, 0, 4);
    out.write(new byte[] {0, 0, 0, 3});
    out.write(v4, 8, nameEnd - 8);
    out.write(v4, nameEnd + 12, v4.length - nameEnd - 12);
    return out.toByteArray();
  }

  @Test
  void stateWrittenBeforeKeyGroupsRestoresWithTheSameOrAnotherWorkerCount() throws IOException {
    for (String sql : List.of("SELECT window_start, k, COUNT(*), SUM(v), COUNT(DISTINCT v) FROM TABLE(TUMBLE("
        + "TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k",
        "SELECT v, COUNT(*), MAX(k) FROM events GROUP BY v")) {
      CompiledPipeline p = COMPILER.compile("p", sql).pipeline();
      List<Change> changes = input(sql);
      Run single = run(p, changes, new int[] {1});
      for (int[] counts : new int[][] {{2, 2, 1}, {1, 1, 2}, {2, 3}}) {
        Run restored = run(p, changes, counts, true);
        assertEquals(single.late, restored.late, "late rows");
        if (p.updating()) {
          assertEquals(materialize(single.rows, p), materialize(restored.rows, p), p.explain());
        } else {
          assertEquals(Changes.sorted(single.rows), Changes.sorted(restored.rows), p.explain());
        }
      }
    }
  }

  /**
   * The final table an updating output describes, by its group key (the leading output columns),
   * checking every change against it: an insert of a key held, or an update or delete of a row
   * other than the one held, fails (a doubled or lost change).
   */
  private static Map<List<Object>, List<Object>> materialize(List<List<Object>> rows, CompiledPipeline p) {
    List<Integer> keyColumns = p.updateKey().orElseThrow();
    Map<List<Object>, List<Object>> table = new HashMap<>();
    for (List<Object> row : rows) {
      RowKind kind = (RowKind) row.get(0);
      List<Object> values = row.subList(1, row.size());
      List<Object> key = keyColumns.stream().map(c -> values.get(c) == null ? (Object) "<null>" : values.get(c))
          .toList();
      switch (kind) {
        case INSERT, UPDATE_AFTER -> assertNull(table.put(key, values), () -> "a second row for key " + key + ": " + row);
        case UPDATE_BEFORE, DELETE -> assertEquals(values, table.remove(key), () -> "takes back " + row);
      }
    }
    return table;
  }

  @Test
  void keyGroupRangesCoverEveryGroupOnceInContiguousRanges() {
    for (int workers = 1; workers <= 200; workers++) {
      int next = 0;
      for (int w = 0; w < workers; w++) {
        KeyGroups.Range r = KeyGroups.range(w, workers);
        assertEquals(next, r.first(), "worker " + w + " of " + workers + " starts where the previous ended");
        for (int g = r.first(); g < r.end(); g++) {
          assertEquals(w, KeyGroups.worker(g, workers), "key group " + g + " of " + workers + " workers");
        }
        if (workers <= KeyGroups.COUNT) {
          assertTrue(r.end() > r.first(), "every worker owns a key group when there are no more workers than groups");
        }
        next = r.end();
      }
      assertEquals(KeyGroups.COUNT, next, workers + " workers own every key group");
    }
    assertEquals(new KeyGroups.Range(0, 64), KeyGroups.range(0, 2));
    assertEquals(new KeyGroups.Range(64, 128), KeyGroups.range(1, 2));
    assertEquals(new KeyGroups.Range(43, 86), KeyGroups.range(1, 3));
    assertEquals(KeyGroups.Range.ALL, KeyGroups.range(0, 1));
    assertThrows(IllegalArgumentException.class, () -> KeyGroups.range(2, 2));
  }

  @Test
  void aWorkerRefusesASnapshotOfOtherKeyGroupsAndReadsWhichItHolds() throws IOException {
    CompiledPipeline p = COMPILER.compile("p", "SELECT k, COUNT(*) FROM events GROUP BY k").pipeline();
    byte[] saved;
    try (PipelineExecutor w = new PipelineExecutor(p, allocator, Map.of(), batch -> { })) {
      w.keyGroups(KeyGroups.range(1, 2));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream data = new DataOutputStream(bytes)) {
        w.snapshot(data);
      }
      saved = bytes.toByteArray();
    }
    assertEquals(KeyGroups.range(1, 2),
        PipelineExecutor.savedKeyGroups(new DataInputStream(new ByteArrayInputStream(saved)), "p"));
    try (PipelineExecutor other = new PipelineExecutor(p, allocator, Map.of(), batch -> { })) {
      other.keyGroups(KeyGroups.range(0, 2));
      IncompatibleStateException e = assertThrows(IncompatibleStateException.class,
          () -> other.restore(new DataInputStream(new ByteArrayInputStream(saved))));
      assertTrue(e.getMessage().contains("key groups 64..127 of 128") && e.getMessage().contains("0..63"),
          e.getMessage());
    }
  }
}
