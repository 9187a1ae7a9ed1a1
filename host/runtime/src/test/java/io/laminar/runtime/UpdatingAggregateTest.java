package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.RowKind;
import io.laminar.plan.CompiledPipeline;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GROUP BY without a window: the changes it emits, coalescing by emit interval, and state TTL. */
class UpdatingAggregateTest {
  private static final long B = TestTables.BASE;
  private final SqlCompiler compiler = new SqlCompiler(List.of(
      CatalogTable.source("appends", TestTables.EVENTS),
      CatalogTable.source("changes", TestTables.EVENTS).asChangelog()));
  private RootAllocator allocator;
  private final long[] now = {1_000_000};

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  /** Output rows as "op value, value, …". */
  private static final class Changes implements OutputCallback {
    final List<String> rows = new ArrayList<>();

    @Override
    public void onOutput(VectorSchemaRoot batch) {
      throw new AssertionError("an updating aggregate's output must carry row kinds");
    }

    @Override
    public void onOutput(VectorSchemaRoot batch, TinyIntVector rowKinds) {
      List<List<Object>> values = new ArrayList<>();
      StreamRunner.collect(batch, values);
      for (int r = 0; r < values.size(); r++) {
        rows.add(ChangelogTest.op(RowKind.fromCode(rowKinds.get(r))) + " "
            + values.get(r).toString().replaceAll("^\\[|\\]$", ""));
      }
    }

    List<String> take() {
      List<String> copy = new ArrayList<>(rows);
      rows.clear();
      return copy;
    }
  }

  private PipelineExecutor executor(String sql, Changes out, Duration emitInterval, Duration ttl) {
    CompileResult r = compiler.compile("p", sql);
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    CompiledPipeline p = r.pipeline();
    return new PipelineExecutor(p, allocator, Map.of(), out, LookupCache.Config.DEFAULT,
        new UpdateSettings(emitInterval, ttl, () -> now[0]));
  }

  private static Object[] row(long id, String k, Integer v) {
    return new Object[] {id, k, v, 1.0, B + id};
  }

  private void feed(PipelineExecutor e, String source, RowKind[] kinds, Object[]... rows) {
    try (VectorSchemaRoot b = TestTables.batch(TestTables.EVENTS, List.of(rows), allocator);
        TinyIntVector k = new TinyIntVector("kind", allocator)) {
      k.allocateNew(rows.length);
      for (int i = 0; i < rows.length; i++) {
        k.set(i, kinds[i].code());
      }
      k.setValueCount(rows.length);
      e.onBatch(source, b, kinds.length == 0 ? null : k);
    }
  }

  private void inserts(PipelineExecutor e, String source, Object[]... rows) {
    try (VectorSchemaRoot b = TestTables.batch(TestTables.EVENTS, List.of(rows), allocator)) {
      e.onBatch(source, b);
    }
  }

  private static final RowKind I = RowKind.INSERT;
  private static final RowKind UB = RowKind.UPDATE_BEFORE;
  private static final RowKind UA = RowKind.UPDATE_AFTER;
  private static final RowKind D = RowKind.DELETE;

  @Test
  void anAppendOnlyInputYieldsInsertsThenUpdatesPerGroup() {
    Changes out = new Changes();
    try (PipelineExecutor e = executor("SELECT k, COUNT(*) AS n, MAX(v) AS top FROM appends GROUP BY k", out,
        Duration.ZERO, Duration.ZERO)) {
      inserts(e, "appends", row(1, "a", 5), row(2, "b", 1), row(3, "a", 2));
      assertEquals(List.of("+I a, 2, 5", "+I b, 1, 1"), out.take());
      inserts(e, "appends", row(4, "a", 9), row(5, "c", null));
      assertEquals(List.of("-U a, 2, 5", "+U a, 3, 9", "+I c, 1, null"), out.take());
      // MAX stays NULL while the count moves
      inserts(e, "appends", row(6, "c", null));
      assertEquals(List.of("-U c, 1, null", "+U c, 2, null"), out.take());
    }
  }

  /** A row whose BIGINT id is {@code id}, at a fixed time (so any long fits). */
  private static Object[] big(long id) {
    return new Object[] {id, "a", 1, 1.0, B};
  }

  /** The exact sum of {@code values}. */
  private static BigInteger exactSum(long... values) {
    BigInteger sum = BigInteger.ZERO;
    for (long v : values) {
      sum = sum.add(BigInteger.valueOf(v));
    }
    return sum;
  }

  @Test
  void aBigintSumPastTheLongRangeIsANamedErrorNotAWrappedValue() {
    long max = Long.MAX_VALUE;
    for (String source : List.of("appends", "changes")) {
      Changes out = new Changes();
      try (PipelineExecutor e = executor("SELECT k, SUM(id) AS s FROM " + source + " GROUP BY k", out,
          Duration.ZERO, Duration.ZERO)) {
        inserts(e, source, big(max));
        assertEquals(List.of("+I a, " + max), out.take());
        ExpressionError error = assertThrows(ExpressionError.class, () -> inserts(e, source, big(1)));
        assertEquals("integer overflow: the SUM of 2 values is " + exactSum(max, 1) + ", out of the range of BIGINT",
            error.problem());
        assertEquals("SUM(id)", error.origin().text());
        assertEquals(11, error.origin().column());
      }
    }
  }

  @Test
  void integerSumsAndAveragesStayExactAsBigintRowsAreTakenBack() {
    long max = Long.MAX_VALUE;
    long min = Long.MIN_VALUE;
    Changes out = new Changes();
    try (PipelineExecutor e = executor("SELECT k, SUM(id) AS s, AVG(id) AS m, COUNT(*) AS n FROM changes GROUP BY k",
        out, Duration.ZERO, Duration.ZERO)) {
      // within one batch the total passes 2^63 and comes back: the SUM is read only after the batch
      feed(e, "changes", new RowKind[] {I, I, D}, big(max), big(max), big(max));
      assertEquals(List.of("+I a, " + max + ", " + max + ", 1"), out.take());
      feed(e, "changes", new RowKind[] {D, I, I}, big(max), big(min), big(1));
      BigInteger total = exactSum(min, 1);
      assertEquals(List.of("-U a, " + max + ", " + max + ", 1",
          "+U a, " + total.longValue() + ", " + total.divide(BigInteger.TWO).longValue() + ", 2"), out.take());
      // taking back Long.MIN_VALUE itself is exact too
      feed(e, "changes", new RowKind[] {D}, big(min));
      assertEquals(List.of("-U a, " + total.longValue() + ", " + total.divide(BigInteger.TWO).longValue() + ", 2",
          "+U a, 1, 1, 1"), out.take());
    }
    // an AVG whose total is beyond the long range, before and after a row is taken back
    try (PipelineExecutor e = executor("SELECT k, AVG(id) AS m, COUNT(*) AS n FROM changes GROUP BY k", out,
        Duration.ZERO, Duration.ZERO)) {
      feed(e, "changes", new RowKind[] {I, I, I}, big(max), big(max), big(max - 3));
      long avg = exactSum(max, max, max - 3).divide(BigInteger.valueOf(3)).longValue();
      assertEquals(List.of("+I a, " + avg + ", 3"), out.take());
      feed(e, "changes", new RowKind[] {D, I, I}, big(max - 3), big(min), big(min));
      long after = exactSum(max, max, min, min).divide(BigInteger.valueOf(4)).longValue();
      assertEquals(List.of("-U a, " + avg + ", 3", "+U a, " + after + ", 4"), out.take());
      feed(e, "changes", new RowKind[] {D, D, I}, big(max), big(max), big(min + 2));
      long last = exactSum(min, min, min + 2).divide(BigInteger.valueOf(3)).longValue();
      assertEquals(List.of("-U a, " + after + ", 4", "+U a, " + last + ", 3"), out.take());
    }
  }

  @Test
  void aGroupEmptiedIsDeletedAndARefilledOneInsertedAgain() {
    Changes out = new Changes();
    try (PipelineExecutor e = executor("SELECT k, SUM(v) AS s, MIN(v) AS low FROM changes GROUP BY k", out,
        Duration.ZERO, Duration.ZERO)) {
      feed(e, "changes", new RowKind[] {I, I}, row(1, "a", 5), row(2, "a", 3));
      assertEquals(List.of("+I a, 8, 3"), out.take());
      // the minimum goes: the next one takes its place
      feed(e, "changes", new RowKind[] {UB, UA}, row(2, "a", 3), row(2, "a", 7));
      assertEquals(List.of("-U a, 8, 3", "+U a, 12, 5"), out.take());
      feed(e, "changes", new RowKind[] {D, D}, row(1, "a", 5), row(2, "a", 7));
      assertEquals(List.of("-D a, 12, 5"), out.take());
      feed(e, "changes", new RowKind[] {I}, row(3, "a", 1));
      assertEquals(List.of("+I a, 1, 1"), out.take());
      // an update that leaves the result as it was emits nothing
      feed(e, "changes", new RowKind[] {UB, UA}, row(3, "a", 1), row(3, "a", 1));
      assertEquals(List.of(), out.take());
      // an update that moves a row to another group changes both
      feed(e, "changes", new RowKind[] {UB, UA}, row(3, "a", 1), row(3, "b", 1));
      assertEquals(List.of("-D a, 1, 1", "+I b, 1, 1"), out.take());
    }
  }

  @Test
  void aRetractionOfARowNeverSeenIsIgnoredAndCounted() {
    Changes out = new Changes();
    try (PipelineExecutor e = executor("SELECT k, COUNT(*) AS n FROM changes GROUP BY k", out, Duration.ZERO,
        Duration.ZERO)) {
      feed(e, "changes", new RowKind[] {D, I}, row(1, "a", 5), row(2, "b", 1));
      assertEquals(List.of("+I b, 1"), out.take());
      assertEquals(1, e.metrics().ignoredRetractions());
    }
  }

  @Test
  void anEmitIntervalCoalescesTheChangesOfManyBatches() {
    Changes out = new Changes();
    try (PipelineExecutor e = executor("SELECT k, COUNT(*) AS n FROM changes GROUP BY k", out,
        Duration.ofSeconds(10), Duration.ZERO)) {
      feed(e, "changes", new RowKind[] {I}, row(1, "a", 1));
      assertEquals(List.of("+I a, 1"), out.take(), "the first change opens the interval");
      now[0] += 1000;
      feed(e, "changes", new RowKind[] {I, I}, row(2, "a", 1), row(3, "b", 1));
      now[0] += 1000;
      feed(e, "changes", new RowKind[] {I, D}, row(4, "a", 1), row(3, "b", 1));
      assertEquals(List.of(), out.take(), "within the interval nothing is emitted");
      now[0] += 9000;
      feed(e, "changes", new RowKind[] {I}, row(5, "c", 1));
      // a went 1 -> 3 in one update; b came and went: nothing
      assertEquals(List.of("-U a, 1", "+U a, 3", "+I c, 1"), out.take());
      feed(e, "changes", new RowKind[] {I}, row(6, "c", 1));
      e.onEndOfInput("changes");
      assertEquals(List.of("-U c, 1", "+U c, 2"), out.take(), "the end of the input flushes what is pending");
    }
  }

  @Test
  void stateTtlForgetsGroupsNotUpdatedForThatLongAndCountsThem() {
    Changes out = new Changes();
    try (PipelineExecutor e = executor("SELECT k, COUNT(*) AS n FROM appends GROUP BY k", out, Duration.ZERO,
        Duration.ofMinutes(1))) {
      inserts(e, "appends", row(1, "a", 1), row(2, "b", 1));
      now[0] += 40_000;
      inserts(e, "appends", row(3, "b", 1));
      now[0] += 40_000;
      // a was last updated 80 s ago, b 40 s ago: a is forgotten, and starts afresh
      inserts(e, "appends", row(4, "c", 1));
      assertEquals(1, e.metrics().expiredGroups());
      inserts(e, "appends", row(5, "a", 1), row(6, "b", 1));
      assertEquals(List.of("+I a, 1", "+I b, 1", "-U b, 1", "+U b, 2", "+I c, 1", "+I a, 1", "-U b, 2", "+U b, 3"),
          out.take());
    }
  }

  @Test
  void manyExpiredGroupsAreCompactedAwayAndTheRestKeepsItsState() throws Exception {
    Changes out = new Changes();
    try (PipelineExecutor e = executor("SELECT id, COUNT(*) AS n FROM appends GROUP BY id", out, Duration.ZERO,
        Duration.ofSeconds(10))) {
      Object[][] rows = new Object[5000][];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = row(i, "a", 1);
      }
      inserts(e, "appends", rows);
      long before = e.stateSizeBytes();
      now[0] += 5_000;
      inserts(e, "appends", row(7, "a", 1));
      now[0] += 6_000;
      inserts(e, "appends", row(9, "a", 1));
      assertEquals(4998, e.metrics().expiredGroups(), "all but id 7 (touched 6 s ago) and id 9 (just now)");
      assertTrue(e.stateSizeBytes() < before, e.stateSizeBytes() + " bytes after, " + before + " before");
      out.take();
      inserts(e, "appends", row(7, "a", 1), row(9, "a", 1));
      assertEquals(List.of("-U 7, 2", "+U 7, 3", "-U 9, 2", "+U 9, 3"), out.take());
    }
  }
}
