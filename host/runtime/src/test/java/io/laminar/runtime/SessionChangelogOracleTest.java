package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.RowKind;
import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.SqlType;
import io.laminar.runtime.Changes.Change;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The oracle for SESSION aggregates over a changelog: seeded random inserts, updates and deletes fed
 * batch by batch. The test keeps the rows the operator must hold by the documented rules alone (an
 * added row is held unless its own interval ended at the watermark and no held row of its key lies
 * within the gap — then it is late; a retraction takes back an equal held row, is late if its
 * interval ended, and is ignored otherwise), and whenever the watermark advances, the held rows
 * are cut into sessions: every session whose end the watermark reached must have been emitted, with
 * the aggregates Calcite computes over exactly its rows, and its rows are then forgotten (the session
 * has fired). The bounds come from a plain sessionization here (each key's rows sorted by time, a new
 * session where the next row is a gap or more later): Calcite's enumerable SESSION merges a key's
 * windows in hash order, so it cannot be trusted with them (see {@link SessionWindowTest}); Calcite
 * aggregates the rows grouped by those bounds.
 *
 * <p>The data make the hard cases common: retractions of a row between two others (a session split
 * in two), of a session's only row (a session emptied), of rows never inserted (ignored), updates
 * that move a row, NULL keys and values, several keys. Times are even and the gap odd, so no two
 * rows are exactly one gap apart (Calcite's SESSION and laminar's need not agree on that tie).
 */
class SessionChangelogOracleTest {
  private static final long B = TestTables.BASE - TestTables.BASE % 10_000;
  private static final long DELAY = 300;
  private static final long GAP = 151;
  private static final String SESSION = "TABLE(SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), "
      + "INTERVAL '0.151' SECOND))";
  /** The held rows with their session's bounds, which the oracle queries group by. */
  private static final Schema SESSIONS = new Schema(List.of(TestTables.field("id", SqlType.BIGINT),
      TestTables.field("k", SqlType.VARCHAR), TestTables.field("v", SqlType.INT), TestTables.field("d", SqlType.DOUBLE),
      TestTables.field("ts", SqlType.TIMESTAMP), TestTables.field("window_start", SqlType.TIMESTAMP),
      TestTables.field("window_end", SqlType.TIMESTAMP)));

  private static final String[] QUERIES = {
      "SELECT k, window_start, window_end, COUNT(*) AS c, COUNT(v) AS cv, SUM(v) AS s, AVG(v) AS av, "
          + "MIN(v) AS mn, MAX(v) AS mx, COUNT(DISTINCT v) AS dv, SUM(d) AS sd, MIN(d) AS mnd, MAX(d) AS mxd, "
          + "MAX(id) AS top FROM " + SESSION + " GROUP BY k, window_start, window_end",
      "SELECT window_end, k, window_start, MIN(k) AS mk, MAX(k) AS xk, COUNT(DISTINCT k) AS dk, "
          + "COUNT(*) AS c, AVG(d) AS ad FROM " + SESSION + " GROUP BY window_start, window_end, k "
          + "HAVING COUNT(*) > 1",
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
   * Batches of changes over a small table. Event time advances a few ms per change and now and then
   * jumps past the gap, so sessions end; a new row lags by up to 200 ms, sometimes by more than the
   * delay (late rows).
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
      int size = 1 + r.nextInt(r.nextInt(10) == 0 ? 40 : 10);
      int phase = (made / 500) % 3;
      for (int i = 0; i < size; i++, made++) {
        clock += r.nextInt(25) == 0 ? 2 * (75 + r.nextInt(250)) : 2 * r.nextInt(12);
        int dice = r.nextInt(100);
        int insertBelow = phase == 0 ? 55 : phase == 1 ? 20 : 40;
        int deleteBelow = insertBelow + (phase == 1 ? 45 : 25);
        if (dice == 99) {
          // a retraction of a row never inserted: ignored (and counted)
          batch.add(new Change(RowKind.DELETE, randomRow(r, -1 - nextId++, clock)));
          continue;
        }
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
            updated[4] = old[4]; // same time: most updates of a CDC row
          }
          if (r.nextBoolean()) {
            updated[1] = old[1]; // same key, other values
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

  /** A live row: mostly one of the last inserted (its session is open), sometimes any. */
  private static long pick(Random r, Map<Long, Object[]> table, List<Long> recent) {
    if (r.nextInt(10) < 7) {
      for (int tries = 0; tries < 5 && !recent.isEmpty(); tries++) {
        long id = recent.get(Math.max(0, recent.size() - 1 - r.nextInt(20)));
        if (table.containsKey(id)) {
          return id;
        }
      }
    }
    List<Long> ids = new ArrayList<>(table.keySet());
    return ids.get(r.nextInt(ids.size()));
  }

  private static Object[] randomRow(Random r, long id, long clock) {
    String k = r.nextInt(12) == 0 ? null : "k" + r.nextInt(4);
    Integer v = r.nextInt(10) == 0 ? null : r.nextInt(21) - 10;
    // quarters are exact in binary, so floating sums do not depend on the order of additions
    Double d = r.nextInt(10) == 0 ? null : (r.nextInt(401) - 200) / 4.0;
    long ts = clock - 2 * (r.nextInt(12) == 0 ? 150 + r.nextInt(150) : r.nextInt(100));
    return new Object[] {id, k, v, d, ts};
  }

  /** The rows the operator holds, by key: what the rules above say it must. */
  private static final class Held {
    final Map<String, List<Object[]>> byKey = new LinkedHashMap<>();
    long late;
    long ignored;
    long splits;
    long emptied;

    private List<Object[]> of(Object key) {
      return byKey.computeIfAbsent(Objects.toString(key, "\0null"), x -> new ArrayList<>());
    }

    private static boolean near(List<Object[]> rows, long ts, Object[] except) {
      for (Object[] row : rows) {
        if (row != except && Math.abs((Long) row[4] - ts) < GAP) {
          return true;
        }
      }
      return false;
    }

    void apply(Change c, long watermark) {
      Object[] row = c.row();
      long ts = (Long) row[4];
      List<Object[]> rows = of(row[1]);
      boolean open = ts + GAP > watermark;
      if (c.kind() == RowKind.INSERT || c.kind() == RowKind.UPDATE_AFTER) {
        if (open || near(rows, ts, null)) {
          rows.add(row);
        } else {
          late++;
        }
        return;
      }
      for (int i = 0; i < rows.size(); i++) {
        if (Arrays.equals(rows.get(i), row)) {
          Object[] held = rows.remove(i);
          // a split: the nearest neighbours on either side were joined only through this row
          long maxBefore = Long.MIN_VALUE;
          long minAfter = Long.MAX_VALUE;
          for (Object[] o : rows) {
            long t = (Long) o[4];
            if (t <= ts && ts - t < GAP) {
              maxBefore = Math.max(maxBefore, t);
            }
            if (t >= ts && t - ts < GAP) {
              minAfter = Math.min(minAfter, t);
            }
          }
          boolean bridged = maxBefore != Long.MIN_VALUE && minAfter != Long.MAX_VALUE && minAfter - maxBefore >= GAP;
          splits += bridged ? 1 : 0;
          emptied += near(rows, ts, held) ? 0 : 1;
          return;
        }
      }
      if (open) {
        ignored++;
      } else {
        late++;
      }
    }

    /**
     * Removes the rows of every session that ended by {@code watermark} and returns them, each with
     * its session's window_start and window_end.
     */
    List<Object[]> fire(long watermark) {
      List<Object[]> out = new ArrayList<>();
      for (List<Object[]> rows : byKey.values()) {
        rows.sort(Comparator.comparingLong(row -> (Long) row[4]));
        int start = 0;
        while (start < rows.size()) {
          int end = start;
          while (end + 1 < rows.size() && (Long) rows.get(end + 1)[4] - (Long) rows.get(end)[4] < GAP) {
            end++;
          }
          long first = (Long) rows.get(start)[4];
          long last = (Long) rows.get(end)[4];
          if (last + GAP > watermark) {
            break;
          }
          for (int i = start; i <= end; i++) {
            Object[] row = Arrays.copyOf(rows.get(i), 7);
            row[5] = first;
            row[6] = last + GAP;
            out.add(row);
          }
          start = end + 1;
        }
        rows.subList(0, start).clear();
      }
      return out;
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void everyFiredSessionEqualsCalciteOverTheRowsLiveWhenItFired(int query) throws Exception {
    String sql = QUERIES[query];
    CompileResult compiled = compiler.compile("p", sql);
    assertTrue(compiled.isSuccess(), () -> compiled.errors().toString());
    CompiledPipeline pipeline = compiled.pipeline();
    assertTrue(!pipeline.updating() && pipeline.explain().contains("retract"), pipeline::explain);
    List<List<Change>> batches = changelog(91 + query, 3000);
    Changes.AppendOnly out = new Changes.AppendOnly();
    Held held = new Held();
    long maxTime = Long.MIN_VALUE;
    long watermark = Long.MIN_VALUE;
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
            held.apply(c, watermark);
            maxTime = Math.max(maxTime, (Long) c.row()[4]);
          }
          watermark = Math.max(watermark, maxTime - DELAY);
        }
        List<List<Object>> expected = new ArrayList<>();
        if (watermark > before) {
          List<Object[]> fired = held.fire(watermark);
          if (!fired.isEmpty()) {
            expected.addAll(CalciteOracle.query(Map.of("events", new CalciteOracle.RowsTable(SESSIONS, fired, -1)),
                sql.replace(SESSION, "events")));
          }
        }
        assertEquals(Changes.sorted(expected), Changes.sorted(out.rows), "sessions fired after batch " + b);
        firedRows += expected.size();
        out.rows.clear();
        if (b == batches.size() / 2) {
          // halfway: continue in a fresh executor restored from a snapshot, as after a restart
          executor = Changes.restart(executor, pipeline, allocator, out);
        }
      }
      assertEquals(held.late, executor.metrics().lateRowsDropped(), "late changes counted");
      assertEquals(held.ignored, executor.metrics().ignoredRetractions(), "retractions of rows never seen");
    } finally {
      executor.close();
    }
    // the data reached the cases the test is for
    assertTrue(firedRows > 100, "fired sessions: " + firedRows);
    assertTrue(held.late > 30, "late changes: " + held.late);
    assertTrue(held.ignored > 5, "ignored retractions: " + held.ignored);
    assertTrue(held.splits > 20, "sessions split by a retraction: " + held.splits);
    assertTrue(held.emptied > 20, "sessions emptied by a retraction: " + held.emptied);
  }
}
