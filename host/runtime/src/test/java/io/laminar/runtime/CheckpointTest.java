package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.LookupSource;
import io.laminar.plan.CompiledPipeline;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Snapshot and restore: a run that is snapshotted, torn down and restored into a fresh executor
 * part-way must emit exactly the rows (and end with exactly the counters) of an uninterrupted run.
 * The data has rows later than the watermark delay, so late-row bookkeeping is exercised too.
 */
class CheckpointTest {
  /** Jitter 4 s against a 2 s delay: some rows arrive after their window fired. */
  private static final List<Object[]> EVENTS = TestTables.events(42, 3000, 50, 4000);
  private static final List<Object[]> EVENTS2 = TestTables.events(7, 2000, 75, 1500);
  private static final SqlCompiler COMPILER = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofSeconds(2)),
      CatalogTable.source("events2", TestTables.EVENTS, "ts", Duration.ofSeconds(3)),
      CatalogTable.lookup("users", TestTables.USERS, List.of("uk"))));
  private static final String TUMBLE_1S = "TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND))";
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

  static Stream<Arguments> statefulQueries() {
    return Stream.of(
        Arguments.of("TUMBLE with every aggregate", "SELECT window_start, window_end, k, COUNT(*), COUNT(v), SUM(v), "
            + "MIN(v), MAX(v), AVG(v), SUM(d), MIN(d), MAX(d), AVG(d), MIN(k), MAX(k), MIN(ts), MAX(ts) FROM "
            + TUMBLE_1S + " GROUP BY window_start, window_end, k"),
        Arguments.of("TUMBLE COUNT DISTINCT", "SELECT window_start, COUNT(DISTINCT k), COUNT(DISTINCT v), "
            + "COUNT(DISTINCT d) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '5' SECOND)) "
            + "GROUP BY window_start, window_end"),
        Arguments.of("HOP", "SELECT window_start, window_end, k, COUNT(*), SUM(v), MAX(k), COUNT(DISTINCT v) FROM "
            + "TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) "
            + "GROUP BY window_start, window_end, k"),
        Arguments.of("SESSION", "SELECT window_start, window_end, k, COUNT(*), SUM(v), MAX(d), MIN(k), "
            + "COUNT(DISTINCT v) FROM TABLE(SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), "
            + "INTERVAL '0.15' SECOND)) GROUP BY window_start, window_end, k"),
        Arguments.of("group-window TUMBLE", "SELECT TUMBLE_START(ts, INTERVAL '2' SECOND), k, SUM(v), COUNT(*) "
            + "FROM events GROUP BY TUMBLE(ts, INTERVAL '2' SECOND), k"),
        Arguments.of("UNION ALL of two sources with different watermarks", "SELECT TUMBLE_END(ts, INTERVAL '1' SECOND), "
            + "k, COUNT(*), SUM(v) FROM (SELECT k, v, ts FROM events UNION ALL SELECT k, v, ts FROM events2) "
            + "GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), k"),
        Arguments.of("lookup join then TUMBLE", "SELECT window_start, u.name, COUNT(*), SUM(e.v) FROM " + TUMBLE_1S
            + " e JOIN users FOR SYSTEM_TIME AS OF e.ts AS u ON e.k = u.uk GROUP BY window_start, window_end, u.name"),
        Arguments.of("stateless filter", "SELECT id, k FROM events WHERE v > 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statefulQueries")
  void restoreAtHalfwayEqualsUninterruptedRun(String name, String sql) throws IOException {
    CompiledPipeline p = compile(sql);
    List<StreamRunner.Step> steps = steps(p);
    assertSameAsUninterrupted(p, steps, Set.of(steps.size() / 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statefulQueries")
  void restoreAfterEveryBatchEqualsUninterruptedRun(String name, String sql) throws IOException {
    CompiledPipeline p = compile(sql);
    List<StreamRunner.Step> steps = steps(p);
    assertSameAsUninterrupted(p, steps, IntStream.range(0, steps.size() + 1).boxed().collect(Collectors.toSet()));
  }

  @Test
  void lateRowCountSurvivesRestore() throws IOException {
    CompiledPipeline p = compile("SELECT window_start, COUNT(*) FROM " + TUMBLE_1S + " GROUP BY window_start, window_end");
    List<StreamRunner.Step> steps = steps(p);
    Run restored = run(p, steps, Set.of(steps.size() / 2));
    assertTrue(restored.late > 0, "the data must contain late rows for this test to mean anything");
    assertEquals(run(p, steps, Set.of()).late, restored.late);
  }

  @Test
  void restoreIntoADifferentPlanIsIncompatible() throws IOException {
    byte[] state = stateAfterHalf(compile("SELECT window_start, COUNT(*) FROM " + TUMBLE_1S
        + " GROUP BY window_start, window_end"));
    CompiledPipeline changed = compile("SELECT window_start, SUM(v) FROM " + TUMBLE_1S
        + " GROUP BY window_start, window_end");
    try (PipelineExecutor e = executor(changed, new ArrayList<>())) {
      IncompatibleStateException x = assertThrows(IncompatibleStateException.class,
          () -> e.restore(new DataInputStream(new ByteArrayInputStream(state))));
      assertTrue(x.getMessage().contains("pipeline 'p'") && x.getMessage().contains("SQL"), x.getMessage());
    }
  }

  @Test
  void stateOfAStringKeyedPlanIsRefusedByTheIntegerKeyedPlanOfTheSameSql() throws IOException {
    // state written before GROUP BY 'lit' || CAST(i AS VARCHAR) was planned as GROUP BY i holds
    // string keys: the integer-keyed plan must refuse it rather than read ids as integers
    String sql = "SELECT 'S' || CAST(v AS VARCHAR) AS s, window_start, COUNT(*) FROM " + TUMBLE_1S
        + " GROUP BY 'S' || CAST(v AS VARCHAR), window_start, window_end";
    CompiledPipeline stringKeyed;
    System.setProperty("laminar.plan.integer_keys", "false");
    try {
      stringKeyed = compile(sql);
    } finally {
      System.clearProperty("laminar.plan.integer_keys");
    }
    CompiledPipeline integerKeyed = compile(sql);
    assertTrue(stringKeyed.explain().indexOf("CONCAT") > stringKeyed.explain().indexOf("WindowAggregate"),
        stringKeyed.explain());
    assertTrue(integerKeyed.explain().indexOf("CONCAT") < integerKeyed.explain().indexOf("WindowAggregate"),
        integerKeyed.explain());
    byte[] state = stateAfterHalf(stringKeyed);
    try (PipelineExecutor e = executor(integerKeyed, new ArrayList<>())) {
      IncompatibleStateException x = assertThrows(IncompatibleStateException.class,
          () -> e.restore(new DataInputStream(new ByteArrayInputStream(state))));
      assertTrue(x.getMessage().contains("different plan"), x.getMessage());
    }
    // and each plan restores its own state
    assertSameAsUninterrupted(integerKeyed, steps(integerKeyed), Set.of(steps(integerKeyed).size() / 2));
  }

  @Test
  void truncatedStateFailsWithClearIoExceptionAtEveryCutPoint() throws IOException {
    byte[] state = stateAfterHalf(compile("SELECT window_start, k, COUNT(DISTINCT v), MAX(k) FROM " + TUMBLE_1S
        + " GROUP BY window_start, window_end, k"));
    CompiledPipeline p = compile("SELECT window_start, k, COUNT(DISTINCT v), MAX(k) FROM " + TUMBLE_1S
        + " GROUP BY window_start, window_end, k");
    for (int cut = 0; cut < state.length; cut += Math.max(1, state.length / 300)) {
      byte[] truncated = Arrays.copyOf(state, cut);
      try (PipelineExecutor e = executor(p, new ArrayList<>())) {
        IOException x = assertThrows(IOException.class,
            () -> e.restore(new DataInputStream(new ByteArrayInputStream(truncated))), "cut at " + cut);
        assertTrue(x.getMessage().contains("pipeline 'p'"), x.getMessage());
        assertTrue(x.getMessage().contains("truncated"), x.getMessage());
      }
    }
  }

  @Test
  void restoreAfterTheFirstBatchIsRefused() throws IOException {
    CompiledPipeline p = compile("SELECT window_start, COUNT(*) FROM " + TUMBLE_1S + " GROUP BY window_start, window_end");
    byte[] state = stateAfterHalf(p);
    try (PipelineExecutor e = executor(p, new ArrayList<>())) {
      StreamRunner.feed(e, steps(p).subList(0, 1), allocator);
      assertThrows(IllegalStateException.class, () -> e.restore(new DataInputStream(new ByteArrayInputStream(state))));
    }
  }

  @Test
  void stateSizeGrowsWithOpenGroupsAndReturnsToZeroAtEnd() {
    CompiledPipeline p = compile("SELECT window_start, k, COUNT(*) FROM " + TUMBLE_1S
        + " GROUP BY window_start, window_end, k");
    try (PipelineExecutor e = executor(p, new ArrayList<>())) {
      assertEquals(0, e.stateSizeBytes());
      StreamRunner.feed(e, steps(p).subList(0, 3), allocator);
      assertTrue(e.stateSizeBytes() > 0);
      e.onEndOfInput("events");
      assertEquals(0, e.stateSizeBytes());
    }
  }

  @Test
  void millionGroupStateRoundTripsThroughAFile(@TempDir Path dir) throws IOException {
    int groups = 1_000_000;
    CompiledPipeline p = compile("SELECT id, k, COUNT(*), SUM(v), MAX(d) FROM TABLE(TUMBLE(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, id, k");
    long windowStart = TestTables.BASE - TestTables.BASE % 60_000;
    Path file = dir.resolve("state.bin");
    long stateBytes;
    long snapshotNanos;
    try (PipelineExecutor e = executor(p, new ArrayList<>())) {
      for (int from = 0; from < groups; from += 1 << 16) {
        try (VectorSchemaRoot batch = wideBatch(from, Math.min(1 << 16, groups - from), windowStart)) {
          e.onBatch("events", batch);
        }
      }
      stateBytes = e.stateSizeBytes();
      long start = System.nanoTime();
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
        e.snapshot(out);
      }
      snapshotNanos = System.nanoTime() - start;
    }
    long fileBytes = Files.size(file);
    long[] rows = {0};
    long[] total = {0};
    try (PipelineExecutor e = new PipelineExecutor(p, allocator, Map.of(), b -> {
      rows[0] += b.getRowCount();
      BigIntVector counts = (BigIntVector) b.getVector(2);
      for (int r = 0; r < b.getRowCount(); r++) {
        total[0] += counts.get(r);
      }
    })) {
      long start = System.nanoTime();
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
        e.restore(in);
      }
      long restoreNanos = System.nanoTime() - start;
      System.out.printf("state of %,d groups: %.1f MB on heap, %.1f MB snapshot; snapshot %.0f MB/s, restore %.0f MB/s%n",
          groups, stateBytes / 1e6, fileBytes / 1e6, fileBytes / 1e6 / (snapshotNanos / 1e9),
          fileBytes / 1e6 / (restoreNanos / 1e9));
      e.onEndOfInput("events");
    }
    assertEquals(groups, rows[0]);
    assertEquals(groups, total[0]);
  }

  /** Rows id = from..from+n, keys cycling a..f, all inside the minute starting at {@code windowStart}. */
  private VectorSchemaRoot wideBatch(int from, int n, long windowStart) {
    VectorSchemaRoot root = VectorSchemaRoot.create(TestTables.EVENTS, allocator);
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector(0);
    VarCharVector k = (VarCharVector) root.getVector(1);
    IntVector v = (IntVector) root.getVector(2);
    Float8Vector d = (Float8Vector) root.getVector(3);
    TimeStampVector ts = (TimeStampVector) root.getVector(4);
    for (int i = 0; i < n; i++) {
      int row = from + i;
      id.setSafe(i, row);
      k.setSafe(i, TestTables.KEYS[row % TestTables.KEYS.length].getBytes(StandardCharsets.UTF_8));
      v.setSafe(i, row % 100);
      d.setSafe(i, row * 0.5);
      ts.setSafe(i, windowStart + row % 50_000);
    }
    root.setRowCount(n);
    return root;
  }

  private static CompiledPipeline compile(String sql) {
    CompileResult r = COMPILER.compile("p", sql);
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    return r.pipeline();
  }

  private static List<StreamRunner.Step> steps(CompiledPipeline p) {
    List<StreamRunner.Input> inputs = new ArrayList<>();
    for (String s : p.sources()) {
      inputs.add(new StreamRunner.Input(s, s.equals("events") ? EVENTS : EVENTS2));
    }
    return StreamRunner.steps(inputs, 128);
  }

  private PipelineExecutor executor(CompiledPipeline p, List<List<Object>> out) {
    InMemoryLookup users = new InMemoryLookup(TestTables.USERS, TestTables.users(), allocator);
    return new PipelineExecutor(p, allocator, Map.<String, LookupSource>of("users", users),
        b -> StreamRunner.collect(b, out));
  }

  private byte[] stateAfterHalf(CompiledPipeline p) throws IOException {
    List<StreamRunner.Step> steps = steps(p);
    try (PipelineExecutor e = executor(p, new ArrayList<>())) {
      StreamRunner.feed(e, steps.subList(0, steps.size() / 2), allocator);
      return snapshot(e);
    }
  }

  private static byte[] snapshot(PipelineExecutor e) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      e.snapshot(out);
    }
    return bytes.toByteArray();
  }

  /** Output rows and final counters of a run. */
  private record Run(List<List<Object>> rows, long rowsIn, long rowsOut, long late) {
  }

  /** Feeds every step; before step i for each i in {@code restoreAt}, snapshots, closes and restores into a new executor. */
  private Run run(CompiledPipeline p, List<StreamRunner.Step> steps, Set<Integer> restoreAt) throws IOException {
    List<List<Object>> out = new ArrayList<>();
    PipelineExecutor e = executor(p, out);
    // counters restart from zero in a restored executor (a new process): add up every executor's
    long rowsIn = 0;
    long rowsOut = 0;
    long late = 0;
    try {
      for (int i = 0; i <= steps.size(); i++) {
        if (restoreAt.contains(i)) {
          byte[] state = snapshot(e);
          rowsIn += e.metrics().rowsIn();
          rowsOut += e.metrics().rowsOut();
          late += e.metrics().lateRowsDropped();
          e.close();
          e = executor(p, out);
          e.restore(new DataInputStream(new ByteArrayInputStream(state)));
          assertEquals(0, e.metrics().rowsIn(), "a restored executor's counters start from zero");
        }
        if (i < steps.size()) {
          StreamRunner.feed(e, steps.subList(i, i + 1), allocator);
        }
      }
      for (String s : p.sources()) {
        e.onEndOfInput(s);
      }
      ExecutorMetrics m = e.metrics();
      return new Run(out, rowsIn + m.rowsIn(), rowsOut + m.rowsOut(), late + m.lateRowsDropped());
    } catch (UncheckedIOException x) {
      throw x.getCause();
    } finally {
      e.close();
    }
  }

  private void assertSameAsUninterrupted(CompiledPipeline p, List<StreamRunner.Step> steps, Set<Integer> restoreAt)
      throws IOException {
    Run expected = run(p, steps, Set.of());
    assertTrue(!expected.rows.isEmpty(), "the query emits nothing; the test would mean nothing");
    Run actual = run(p, steps, restoreAt);
    assertEquals(OracleTest.sorted(expected.rows), OracleTest.sorted(actual.rows), p.explain());
    assertEquals(expected.rowsIn, actual.rowsIn, "rows in");
    assertEquals(expected.rowsOut, actual.rowsOut, "rows out");
    assertEquals(expected.late, actual.late, "late rows");
  }
}
