package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.LookupSource;
import io.laminar.api.RowKind;
import io.laminar.plan.CompiledPipeline;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
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

/** Row kinds of a changelog source pass through the stateless steps unchanged, row for row. */
class ChangelogTest {
  private static final long B = TestTables.BASE - TestTables.BASE % 1000;
  private final SqlCompiler compiler = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofMillis(500)).asChangelog(),
      CatalogTable.source("appends", TestTables.EVENTS, "ts", Duration.ofMillis(500)),
      CatalogTable.lookup("users", TestTables.USERS, List.of("uk"))));
  private RootAllocator allocator;

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  /** Output rows as "op value, value, …", in order. */
  private static final class Collector implements OutputCallback {
    final List<String> rows = new ArrayList<>();

    @Override
    public void onOutput(VectorSchemaRoot batch) {
      add(batch, null);
    }

    @Override
    public void onOutput(VectorSchemaRoot batch, TinyIntVector rowKinds) {
      assertEquals(batch.getRowCount(), rowKinds.getValueCount(), "one kind per row");
      add(batch, rowKinds);
    }

    private void add(VectorSchemaRoot batch, TinyIntVector kinds) {
      List<List<Object>> values = new ArrayList<>();
      StreamRunner.collect(batch, values);
      for (int r = 0; r < values.size(); r++) {
        RowKind kind = kinds == null ? RowKind.INSERT : RowKind.fromCode(kinds.get(r));
        rows.add(op(kind) + " " + values.get(r).toString().replaceAll("^\\[|\\]$", ""));
      }
    }
  }

  static String op(RowKind kind) {
    return kind.shortString();
  }

  private CompiledPipeline compile(String sql) {
    CompileResult r = compiler.compile("p", sql);
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    return r.pipeline();
  }

  private static Object[] row(long id, String k, Integer v, long ts) {
    return new Object[] {id, k, v, 1.0, ts};
  }

  /** A changelog batch of {@code events}: kinds[i] is the kind of rows[i]. */
  private void feed(PipelineExecutor e, String source, RowKind[] kinds, Object[]... rows) {
    try (VectorSchemaRoot b = TestTables.batch(TestTables.EVENTS, List.of(rows), allocator);
        TinyIntVector k = new TinyIntVector("kind", allocator)) {
      k.allocateNew(rows.length);
      for (int i = 0; i < rows.length; i++) {
        k.set(i, kinds[i].code());
      }
      k.setValueCount(rows.length);
      e.onBatch(source, b, k);
    }
  }

  private void feedInserts(PipelineExecutor e, String source, Object[]... rows) {
    try (VectorSchemaRoot b = TestTables.batch(TestTables.EVENTS, List.of(rows), allocator)) {
      e.onBatch(source, b);
    }
  }

  private static final RowKind I = RowKind.INSERT;
  private static final RowKind UB = RowKind.UPDATE_BEFORE;
  private static final RowKind UA = RowKind.UPDATE_AFTER;
  private static final RowKind D = RowKind.DELETE;

  @Test
  void aWindowOverAChangelogTakesRowsBackUntilItFiresAndCountsLaterChangesAsLate() {
    Collector out = new Collector();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT k, window_start, COUNT(*) AS n, SUM(v) AS s, "
        + "MIN(v) AS low FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY k, window_start, window_end"), allocator, Map.of(), out)) {
      // window [B, B+1s): group a gets 3 and 5, then its minimum 3 becomes 9; group b comes and goes
      feed(e, "events", new RowKind[] {I, I, I, UB, UA, D}, row(1, "a", 3, B), row(2, "a", 5, B + 100),
          row(3, "b", 4, B + 200), row(1, "a", 3, B), row(1, "a", 9, B), row(3, "b", 4, B + 200));
      // window [B+1s, B+2s): its only row is deleted again, so it emits nothing
      feed(e, "events", new RowKind[] {I, D}, row(4, "c", 1, B + 1100), row(4, "c", 1, B + 1100));
      // the watermark passes B+2s: both windows fire
      feedInserts(e, "events", row(5, "d", 1, B + 2500));
      assertEquals(List.of("+I a, " + B + ", 2, 14, 5"), out.rows);
      // row 2's window has fired: deleting it now is late, and the emitted result stands
      feed(e, "events", new RowKind[] {D}, row(2, "a", 5, B + 100));
      assertEquals(1, e.metrics().lateRowsDropped());
      e.onEndOfInput("events");
    }
    assertEquals(List.of("+I a, " + B + ", 2, 14, 5", "+I d, " + (B + 2000) + ", 1, 1, 1"), out.rows);
  }

  @Test
  void filterAndProjectionKeepTheKindOfEverySurvivingRow() {
    Collector out = new Collector();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT id, v * 2 AS w FROM events WHERE v > 0"),
        allocator, Map.of(), out)) {
      feed(e, "events", new RowKind[] {I, I, UB, UA, D, UB, UA},
          row(1, "a", 5, B), row(2, "b", -1, B), row(1, "a", 5, B), row(1, "a", 7, B), row(1, "a", 7, B),
          row(2, "b", -1, B), row(2, "b", 3, B));
      // a plain batch from a changelog source is a batch of inserts
      feedInserts(e, "events", row(3, "c", 1, B), row(4, "c", 0, B));
    }
    assertEquals(List.of("+I 1, 10", "-U 1, 10", "+U 1, 14", "-D 1, 14", "+U 2, 6", "+I 3, 2"), out.rows);
  }

  @Test
  void aSkippedBadRowOfAChangelogTakesOnlyItsOwnKindAlong() {
    Collector out = new Collector();
    List<RowError> errors = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT id, 100 / v AS q FROM events"), allocator,
        Map.of(), out)) {
      e.onRowErrors(errors::add);
      feed(e, "events", new RowKind[] {I, UB, UA, D}, row(1, "a", 5, B), row(1, "a", 5, B), row(1, "a", 0, B),
          row(1, "a", 4, B));
    }
    assertEquals(List.of("+I 1, 20", "-U 1, 20", "-D 1, 25"), out.rows);
    assertEquals(1, errors.size());
    assertEquals(0, errors.get(0).row().get("v"));
  }

  @Test
  void filterWithoutProjectionAndPureProjectionCarryKinds() {
    Collector filtered = new Collector();
    Collector projected = new Collector();
    try (PipelineExecutor f = new PipelineExecutor(compile("SELECT * FROM events WHERE k = 'a'"), allocator,
        Map.of(), filtered);
        PipelineExecutor p = new PipelineExecutor(compile("SELECT k, id FROM events"), allocator, Map.of(),
            projected)) {
      for (PipelineExecutor e : List.of(f, p)) {
        feed(e, "events", new RowKind[] {I, D, I}, row(1, "a", 1, B), row(2, "b", 2, B), row(1, "a", 1, B));
      }
    }
    assertEquals(List.of("+I 1, a, 1, 1.0, " + B, "+I 1, a, 1, 1.0, " + B), filtered.rows);
    assertEquals(List.of("+I a, 1", "-D b, 2", "+I a, 1"), projected.rows);
  }

  @Test
  void lookupJoinKeepsKindsOfMatchedRowsAndDropsUnmatchedOnes() {
    InMemoryLookup users = new InMemoryLookup(TestTables.USERS, TestTables.users(), allocator);
    Collector inner = new Collector();
    Collector left = new Collector();
    String join = " JOIN users FOR SYSTEM_TIME AS OF e.ts AS u ON e.k = u.uk";
    try (PipelineExecutor i = new PipelineExecutor(compile("SELECT e.id, u.name FROM events e" + join), allocator,
        Map.<String, LookupSource>of("users", users), inner);
        PipelineExecutor l = new PipelineExecutor(compile("SELECT e.id, u.name FROM events e LEFT" + join),
            allocator, Map.<String, LookupSource>of("users", users), left)) {
      for (PipelineExecutor e : List.of(i, l)) {
        feed(e, "events", new RowKind[] {I, UB, UA, D}, row(1, "a", 1, B), row(1, "a", 1, B), row(1, "e", 1, B),
            row(1, "e", 1, B));
      }
    }
    assertEquals(List.of("+I 1, Ann", "-U 1, Ann"), inner.rows);
    assertEquals(List.of("+I 1, Ann", "-U 1, Ann", "+U 1, null", "-D 1, null"), left.rows);
  }

  @Test
  void unionAllOfAChangelogAndAnAppendOnlySourceKeepsEachSidesKinds() {
    Collector out = new Collector();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT id, k FROM events UNION ALL "
        + "SELECT id, k FROM appends"), allocator, Map.of(), out)) {
      feed(e, "events", new RowKind[] {I, D}, row(1, "a", 1, B), row(1, "a", 1, B));
      feedInserts(e, "appends", row(7, "x", 1, B));
      feed(e, "events", new RowKind[] {UB, UA}, row(2, "b", 1, B), row(2, "c", 1, B));
    }
    assertEquals(List.of("+I 1, a", "-D 1, a", "+I 7, x", "-U 2, b", "+U 2, c"), out.rows);
  }

  @Test
  void windowAssignmentCopiesTheKindToEveryWindowOfARow() {
    Collector out = new Collector();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT id, window_start FROM TABLE(HOP(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND))"), allocator, Map.of(), out)) {
      feed(e, "events", new RowKind[] {I, D}, row(1, "a", 1, B + 1500), row(1, "a", 1, B + 1500));
    }
    assertEquals(List.of("+I 1, " + (B + 1000), "+I 1, " + B, "-D 1, " + (B + 1000), "-D 1, " + B), out.rows);
  }

  @Test
  void rowKindsFromASourcePlannedAsAppendOnlyAreRefused() {
    Collector out = new Collector();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT id FROM appends"), allocator, Map.of(), out)) {
      IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
          () -> feed(e, "appends", new RowKind[] {D}, row(1, "a", 1, B)));
      assertTrue(thrown.getMessage().contains("declares itself append-only"), thrown.getMessage());
    }
  }

  @Test
  void anOutputThatTakesOnlyInsertsRefusesRowKindsInsteadOfDroppingThem() {
    List<List<Object>> rows = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT id FROM events"), allocator, Map.of(),
        b -> StreamRunner.collect(b, rows))) {
      assertThrows(UnsupportedOperationException.class,
          () -> feed(e, "events", new RowKind[] {D}, row(1, "a", 1, B)));
    }
  }
}
