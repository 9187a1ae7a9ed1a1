package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.RowKind;
import io.laminar.plan.CompiledPipeline;
import io.laminar.runtime.Changes.Change;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The oracle for windowed aggregates over a changelog: seeded random inserts, updates and deletes of
 * rows with event times, fed batch by batch. Each window that fires after a batch must equal the
 * aggregate recomputed from scratch (by Calcite) over the rows the table holds at that moment whose
 * time falls in the window; changes for windows that fired earlier are late (counted, not applied).
 *
 * <p>The data make the hard cases common: few values per group, so MIN and MAX lose their current
 * extreme; updates that keep a row's time (its window) or move it to a later one; deletes of recent
 * rows (open windows) and of old ones (late); groups and whole windows emptied; NULL keys and values.
 */
class WindowChangelogOracleTest {
  private static final long B = TestTables.BASE - TestTables.BASE % 10_000;
  private static final long DELAY = 300;
  private static final String TUMBLE = "TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND))";
  private static final String HOP = "TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '0.5' SECOND, "
      + "INTERVAL '2' SECOND))";

  /** A query, the output column holding each row's window end, and the windows a time falls into. */
  private record Query(String sql, int endColumn, long size, long slide, Predicate<Object[]> where, String oracle) {
    Query(String sql, int endColumn, long size, long slide) {
      this(sql, endColumn, size, slide, row -> true, sql);
    }
  }

  private static final Query[] QUERIES = {
      new Query("SELECT k, window_end, COUNT(*) AS c, COUNT(v) AS cv, SUM(v) AS s, AVG(v) AS av, MIN(v) AS mn, "
          + "MAX(v) AS mx, COUNT(DISTINCT v) AS dv, SUM(d) AS sd, MIN(d) AS mnd, MAX(d) AS mxd, MAX(id) AS top FROM "
          + TUMBLE + " GROUP BY k, window_start, window_end", 1, 1000, 1000),
      new Query("SELECT window_end, k, COUNT(*) AS c, SUM(v) AS s, MIN(v) AS mn, MAX(v) AS mx, AVG(d) AS ad FROM "
          + HOP + " GROUP BY window_start, window_end, k", 0, 2000, 500),
      new Query("SELECT window_end, MIN(k) AS mk, MAX(k) AS xk, COUNT(DISTINCT k) AS dk, COUNT(*) AS c FROM "
          + TUMBLE + " GROUP BY window_start, window_end HAVING COUNT(*) > 1", 0, 1000, 1000),
      new Query("SELECT TUMBLE_END(ts, INTERVAL '1' SECOND) AS we, k, SUM(v) AS s, MAX(v) AS mx FROM events "
          + "WHERE v > -8 GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), k", 0, 1000, 1000,
          row -> row[2] != null && (Integer) row[2] > -8,
          // Calcite's executor cannot run TUMBLE_END of the group-window form: the same query as a TVF
          "SELECT window_end, k, SUM(v) AS s, MAX(v) AS mx FROM " + TUMBLE + " WHERE v > -8 GROUP BY window_start, "
              + "window_end, k"),
  };

  private final SqlCompiler compiler = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofMillis(DELAY)).asChangelog()));
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

  /**
   * Batches of changes over a table of at most a few hundred rows. Event time advances ~25 ms per
   * change; a new row's time lags by up to 400 ms (past the 300 ms delay now and then: late inserts).
   */
  private static List<List<Change>> changelog(long seed, int events) {
    Random r = new Random(seed);
    Map<Long, Object[]> table = new LinkedHashMap<>();
    List<Long> recent = new ArrayList<>();
    List<List<Change>> batches = new ArrayList<>();
    long nextId = 0;
    long clock = B;
    int made = 0;
    while (made < events) {
      List<Change> batch = new ArrayList<>();
      int size = 1 + r.nextInt(r.nextInt(10) == 0 ? 60 : 12);
      int phase = (made / 600) % 3;
      for (int i = 0; i < size; i++, made++) {
        clock += r.nextInt(50);
        int dice = r.nextInt(100);
        int insertBelow = phase == 0 ? 55 : phase == 1 ? 15 : 35;
        int deleteBelow = insertBelow + (phase == 1 ? 50 : 25);
        if (table.isEmpty() || dice < insertBelow) {
          Object[] row = randomRow(r, nextId++, clock);
          table.put((Long) row[0], row);
          recent.add((Long) row[0]);
          batch.add(new Change(RowKind.INSERT, row));
          continue;
        }
        long id = pick(r, table, recent);
        Object[] old = table.get(id);
        if (dice < deleteBelow) {
          table.remove(id);
          batch.add(new Change(RowKind.DELETE, old));
        } else {
          Object[] updated = randomRow(r, id, clock);
          if (r.nextInt(3) > 0) {
            updated[4] = old[4]; // same time, so the same windows: most updates of a CDC row
          }
          if (r.nextBoolean()) {
            updated[1] = old[1]; // same group, other values
          }
          table.put(id, updated);
          batch.add(new Change(RowKind.UPDATE_BEFORE, old));
          batch.add(new Change(RowKind.UPDATE_AFTER, updated));
        }
      }
      batches.add(batch);
    }
    return batches;
  }

  /** A live row: mostly one of the last inserted (its windows are open), sometimes any. */
  private static long pick(Random r, Map<Long, Object[]> table, List<Long> recent) {
    if (r.nextInt(10) < 7) {
      for (int tries = 0; tries < 5 && !recent.isEmpty(); tries++) {
        long id = recent.get(Math.max(0, recent.size() - 1 - r.nextInt(30)));
        if (table.containsKey(id)) {
          return id;
        }
      }
    }
    List<Long> ids = new ArrayList<>(table.keySet());
    return ids.get(r.nextInt(ids.size()));
  }

  private static Object[] randomRow(Random r, long id, long clock) {
    String k = r.nextInt(15) == 0 ? null : "k" + r.nextInt(5);
    Integer v = r.nextInt(10) == 0 ? null : r.nextInt(21) - 10;
    // quarters are exact in binary, so floating sums do not depend on the order of additions
    Double d = r.nextInt(10) == 0 ? null : (r.nextInt(401) - 200) / 4.0;
    long ts = clock - (r.nextInt(12) == 0 ? 300 + r.nextInt(300) : r.nextInt(200));
    return new Object[] {id, k, v, d, ts};
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void everyFiredWindowEqualsTheAggregateOfTheRowsLiveWhenItFired(int query) throws Exception {
    Query q = QUERIES[query];
    CompileResult compiled = compiler.compile("p", q.sql);
    assertTrue(compiled.isSuccess(), () -> compiled.errors().toString());
    CompiledPipeline pipeline = compiled.pipeline();
    assertTrue(!pipeline.updating() && pipeline.explain().contains("retract"), pipeline::explain);
    List<List<Change>> batches = changelog(73 + query, 5000);
    Changes.AppendOnly out = new Changes.AppendOnly();
    Map<Long, Object[]> table = new LinkedHashMap<>();
    long maxTime = Long.MIN_VALUE;
    long watermark = Long.MIN_VALUE;
    long expectedLate = 0;
    long appliedRetractions = 0;
    long firedRows = 0;
    PipelineExecutor executor = new PipelineExecutor(pipeline, allocator, Map.of(), out);
    try {
      for (int b = 0; b <= batches.size(); b++) {
        long before = watermark;
        if (b == batches.size()) {
          executor.onEndOfInput("events");
          watermark = Long.MAX_VALUE;
        } else {
          List<Change> batch = batches.get(b);
          Changes.feed(executor, batch, allocator);
          for (Change c : batch) {
            long ts = (Long) c.row()[4];
            for (long end = q.where.test(c.row()) ? firstEnd(ts, q) : Long.MAX_VALUE; end <= ts + q.size;
                end += q.slide) {
              boolean late = end <= watermark;
              expectedLate += late ? 1 : 0;
              appliedRetractions += !late && (c.kind() == RowKind.DELETE || c.kind() == RowKind.UPDATE_BEFORE) ? 1 : 0;
            }
            maxTime = Math.max(maxTime, ts);
            if (c.kind() == RowKind.INSERT || c.kind() == RowKind.UPDATE_AFTER) {
              table.put((Long) c.row()[0], c.row());
            } else {
              table.remove((Long) c.row()[0]);
            }
          }
          watermark = Math.max(watermark, maxTime - DELAY);
        }
        List<List<Object>> expected = new ArrayList<>();
        // a window ends at a multiple of the slide: ask the oracle only when one fired
        boolean fired = watermark == Long.MAX_VALUE
            || (watermark > before && Math.floorDiv(watermark, q.slide) > Math.floorDiv(before, q.slide));
        if (fired) {
          long from = before;
          long to = watermark;
          for (List<Object> row : CalciteOracle.query(Map.of("events",
              new CalciteOracle.RowsTable(TestTables.EVENTS, new ArrayList<>(table.values()), -1)), q.oracle)) {
            long end = (Long) row.get(q.endColumn);
            if (end > from && end <= to) {
              expected.add(row);
            }
          }
        }
        assertEquals(Changes.sorted(expected), Changes.sorted(out.rows),
            "windows fired after batch " + b + " of " + q.sql);
        firedRows += expected.size();
        out.rows.clear();
        if (b == batches.size() / 2) {
          // halfway: continue in a fresh executor restored from a snapshot, as after a restart
          executor = Changes.restart(executor, pipeline, allocator, out);
        }
      }
      assertEquals(expectedLate, executor.metrics().lateRowsDropped(), "late changes counted");
      assertEquals(0, executor.metrics().ignoredRetractions());
    } finally {
      executor.close();
    }
    // the data reached the cases the test is for
    assertTrue(firedRows > 100, "rows of fired windows: " + firedRows);
    assertTrue(expectedLate > 50, "late changes: " + expectedLate);
    assertTrue(appliedRetractions > 500, "retractions into open windows: " + appliedRetractions);
  }

  /** The end of the first window (in order of end) that {@code ts} falls into. */
  private static long firstEnd(long ts, Query q) {
    return ts - Math.floorMod(ts, q.slide) + q.slide;
  }
}
