package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.LookupSource;
import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.SqlType;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Key routing: equal keys meet, splitting keeps every row once, and N keyed workers equal one executor. */
class PartitionerTest {
  private static final int WORKERS = 3;
  /** Jitter beyond the delay, so late-row decisions must agree between workers too. */
  private static final List<Object[]> EVENTS = TestTables.events(42, 3000, 50, 4000);
  private static final List<Object[]> EVENTS2 = TestTables.events(7, 2000, 75, 1500);
  private static final SqlCompiler COMPILER = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofSeconds(2)),
      CatalogTable.source("events2", TestTables.EVENTS, "ts", Duration.ofSeconds(3)),
      CatalogTable.lookup("users", TestTables.USERS, List.of("uk"))));
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

  @Test
  void equalKeysGetTheSameWorkerAndEveryWorkerIsUsed() {
    try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, EVENTS.subList(0, 500), allocator)) {
      int[] partition = Partitioner.partitionOf(batch, new int[] {1}, WORKERS);
      Map<Object, Integer> workerOfKey = new java.util.HashMap<>();
      boolean[] used = new boolean[WORKERS];
      for (int r = 0; r < partition.length; r++) {
        assertTrue(partition[r] >= 0 && partition[r] < WORKERS);
        Integer before = workerOfKey.putIfAbsent(String.valueOf(EVENTS.get(r)[1]), partition[r]);
        assertTrue(before == null || before == partition[r], "key " + EVENTS.get(r)[1]);
        used[partition[r]] = true;
      }
      assertArrayEquals(new boolean[] {true, true, true}, used);
    }
  }

  @Test
  void aSourceWithoutKeyGoesWholeToWorkersInTurnAndAKeyedOneIsSplit() {
    try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, EVENTS.subList(0, 100), allocator)) {
      assertEquals(2, Partitioner.route(batch, null, null, WORKERS, 5, allocator).wholeTo());
      assertEquals(0, Partitioner.route(batch, null, new int[] {1}, 1, 5, allocator).wholeTo(), "one worker: no split");
      Partitioner.Routed split = Partitioner.route(batch, null, new int[] {1}, WORKERS, 5, allocator);
      assertEquals(-1, split.wholeTo());
      int[] partition = Partitioner.partitionOf(batch, new int[] {1}, WORKERS);
      for (int w = 0; w < WORKERS; w++) {
        final int worker = w;
        long expected = java.util.Arrays.stream(partition).filter(p -> p == worker).count();
        try (Batch part = split.parts()[w]) {
          assertEquals(expected, part == null ? 0 : part.rowCount(), "worker " + w);
        }
      }
    }
  }

  @Test
  void integersOfDifferentWidthsWithEqualValuesMeet() {
    Schema schema = new Schema(List.of(TestTables.field("i", SqlType.INT), TestTables.field("b", SqlType.BIGINT)));
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator)) {
      batch.allocateNew();
      for (int r = 0; r < 100; r++) {
        ((IntVector) batch.getVector(0)).setSafe(r, r * 7919);
        ((BigIntVector) batch.getVector(1)).setSafe(r, r * 7919L);
      }
      batch.setRowCount(100);
      assertArrayEquals(Partitioner.partitionOf(batch, new int[] {0}, 5), Partitioner.partitionOf(batch, new int[] {1}, 5));
    }
  }

  @Test
  void hashIsPinnedAcrossVersions() {
    // checkpointed per-worker state depends on routing: these values must never change
    List<Object[]> rows = List.of(new Object[] {1L, "a", 1, 1.0, 0L}, new Object[] {2L, "b", 2, 2.0, 0L},
        new Object[] {3L, null, null, null, 0L}, new Object[] {4L, "long key value", 40, 4.5, 0L});
    try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, rows, allocator)) {
      // computed independently from the documented scheme (FNV-1a of bytes, Murmur3 fmix64), unsigned mod 1000
      long[] hashes = Partitioner.hashes(batch, new int[] {1, 2});
      int[] mod1000 = new int[hashes.length];
      for (int r = 0; r < hashes.length; r++) {
        mod1000[r] = (int) Long.remainderUnsigned(hashes[r], 1000);
      }
      assertArrayEquals(new int[] {962, 874, 31, 571}, mod1000);
      // key groups (hash mod 128, computed the same way); rows go to the worker owning theirs:
      // with 3 workers groups 0..42, 43..85 and 86..127
      int[] keyGroups = new int[hashes.length];
      for (int r = 0; r < hashes.length; r++) {
        keyGroups[r] = KeyGroups.of(hashes[r]);
      }
      assertArrayEquals(new int[] {2, 98, 79, 91}, keyGroups);
      assertArrayEquals(new int[] {0, 2, 1, 2}, Partitioner.partitionOf(batch, new int[] {1, 2}, 3));
    }
  }

  @Test
  void splitCopiesEachRowToItsWorkerInOrderAndLeavesEmptyWorkersNull() {
    try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, EVENTS.subList(0, 10), allocator)) {
      int[] partition = {0, 2, 0, 0, 2, 2, 0, 2, 0, 0};
      VectorSchemaRoot[] parts = Partitioner.split(batch, partition, 4, allocator);
      try {
        assertNull(parts[1]);
        assertNull(parts[3]);
        List<List<Object>> zero = new ArrayList<>();
        List<List<Object>> two = new ArrayList<>();
        StreamRunner.collect(parts[0], zero);
        StreamRunner.collect(parts[2], two);
        List<List<Object>> all = new ArrayList<>();
        StreamRunner.collect(batch, all);
        List<List<Object>> expectedZero = new ArrayList<>();
        List<List<Object>> expectedTwo = new ArrayList<>();
        for (int r = 0; r < partition.length; r++) {
          (partition[r] == 0 ? expectedZero : expectedTwo).add(all.get(r));
        }
        assertEquals(expectedZero, zero);
        assertEquals(expectedTwo, two);
      } finally {
        for (VectorSchemaRoot p : parts) {
          if (p != null) {
            p.close();
          }
        }
      }
    }
  }

  static Stream<Arguments> keyedQueries() {
    return Stream.of(
        Arguments.of("TUMBLE by key", "SELECT window_start, k, COUNT(*), SUM(v), MIN(d), MAX(k) FROM TABLE(TUMBLE("
            + "TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k"),
        Arguments.of("HOP COUNT DISTINCT by key and id", "SELECT window_end, k, v, COUNT(DISTINCT d), COUNT(*) FROM "
            + "TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) "
            + "GROUP BY window_start, window_end, k, v"),
        Arguments.of("SESSION by key", "SELECT window_start, window_end, k, COUNT(*), SUM(v) FROM TABLE(SESSION("
            + "TABLE events PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.15' SECOND)) GROUP BY window_start, window_end, k"),
        Arguments.of("UNION ALL of two sources by key", "SELECT TUMBLE_START(ts, INTERVAL '1' SECOND), k, COUNT(*) "
            + "FROM (SELECT k, ts FROM events UNION ALL SELECT k, ts FROM events2) "
            + "GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), k"),
        Arguments.of("stateless lookup join", "SELECT e.id, u.name FROM events e JOIN users FOR SYSTEM_TIME AS OF e.ts "
            + "AS u ON e.k = u.uk"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyedQueries")
  void keyedWorkersTogetherEqualOneExecutor(String name, String sql) {
    CompileResult compiled = COMPILER.compile("p", sql);
    assertTrue(compiled.isSuccess(), () -> compiled.errors().toString());
    CompiledPipeline p = compiled.pipeline();
    assertTrue(p.parallelizable(), p.explain());
    List<StreamRunner.Input> inputs = new ArrayList<>();
    for (String s : p.sources()) {
      inputs.add(new StreamRunner.Input(s, s.equals("events") ? EVENTS : EVENTS2));
    }
    InMemoryLookup users = new InMemoryLookup(TestTables.USERS, TestTables.users(), allocator);
    Map<String, LookupSource> lookups = Map.of("users", users);
    StreamRunner.Result single = StreamRunner.run(p, allocator, lookups, 128, inputs);

    List<List<Object>> out = new ArrayList<>();
    Map<String, int[]> keys = p.partitionKeys();
    PipelineExecutor[] workers = new PipelineExecutor[WORKERS];
    try {
      for (int w = 0; w < WORKERS; w++) {
        workers[w] = new PipelineExecutor(p, allocator, lookups, b -> StreamRunner.collect(b, out));
      }
      int turn = 0;
      for (StreamRunner.Step step : StreamRunner.steps(inputs, 128)) {
        try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, step.rows(), allocator)) {
          // the engine's own routing decision; every worker observes every batch's event times
          Partitioner.Routed routed = Partitioner.route(batch, null, keys.get(step.source()), WORKERS, turn++, allocator);
          for (int w = 0; w < WORKERS; w++) {
            if (routed.wholeTo() == w) {
              workers[w].onBatch(step.source(), batch);
            } else if (routed.parts() != null && routed.parts()[w] != null) {
              try (Batch part = routed.parts()[w]) {
                workers[w].onBatch(step.source(), part.data());
              }
            }
            workers[w].observeEventTimes(step.source(), batch);
          }
        }
      }
      long late = 0;
      long rowsIn = 0;
      for (PipelineExecutor worker : workers) {
        for (String s : p.sources()) {
          worker.onEndOfInput(s);
        }
        late += worker.metrics().lateRowsDropped();
        rowsIn += worker.metrics().rowsIn();
      }
      assertEquals(OracleTest.sorted(single.rows()), OracleTest.sorted(out), p.explain());
      assertEquals(single.metrics().lateRowsDropped(), late, "late rows");
      assertEquals(single.metrics().rowsIn(), rowsIn, "rows in");
    } finally {
      for (PipelineExecutor worker : workers) {
        if (worker != null) {
          worker.close();
        }
      }
    }
  }
}
