package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.CompiledPipeline;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bulk paths (column gathers, batch grouping, short-string dictionary lookups, cached generated
 * classes) on data the oracle suite does not have: string keys of every length, NULL event times.
 */
class BatchPathsTest {
  private static final String[] KEYS = {"a", "", "seven77", "exactly8", "a key longer than eight bytes", "ключ"};
  private static final SqlCompiler COMPILER = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofSeconds(2))));
  private final RootAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  /** Events with keys of every length (some NULL); with {@code nullTimes}, every fifth row also has no time. */
  private static List<Object[]> events(boolean nullTimes) {
    List<Object[]> rows = new ArrayList<>();
    int i = 0;
    for (Object[] e : TestTables.events(5, 2000, 20, 1000, 10)) {
      Object[] row = e.clone();
      if (row[1] != null) {
        row[1] = KEYS[(int) Math.floorMod((Long) row[0] * 31, (long) KEYS.length)];
      }
      if (nullTimes && i++ % 5 == 0) {
        row[4] = null;
      }
      rows.add(row);
    }
    return rows;
  }

  private List<List<Object>> run(String sql, List<Object[]> rows) {
    CompiledPipeline pipeline = COMPILER.compile("p", sql).pipeline();
    return StreamRunner.run(pipeline, allocator, Map.of(), 256, List.of(new StreamRunner.Input("events", rows)))
        .rows();
  }

  private static List<List<Object>> oracle(String sql, List<Object[]> rows) {
    return CalciteOracle.query(Map.of("events", new CalciteOracle.RowsTable(TestTables.EVENTS, rows, 4)), sql);
  }

  @Test
  void stringKeysOfEveryLengthGroupAsCalciteDoes() {
    String sql = "SELECT window_start, k, COUNT(*), AVG(d), MIN(k), COUNT(DISTINCT k) FROM TABLE(TUMBLE(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k";
    List<Object[]> rows = events(false);
    assertEquals(OracleTest.sorted(oracle(sql, rows)), OracleTest.sorted(run(sql, rows)));
  }

  @Test
  void filteredStringsOfEveryLengthPassThroughAsCalciteReturnsThem() {
    String sql = "SELECT k, id, d * 2 FROM events WHERE d > 40";
    List<Object[]> rows = events(false);
    assertEquals(OracleTest.sorted(oracle(sql, rows)), OracleTest.sorted(run(sql, rows)));
  }

  @Test
  void rowsWithoutTimeBelongToNoTumblingWindow() {
    String sql = "SELECT window_start, k, COUNT(*), SUM(v) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k";
    assertDropsRowsWithoutTime(sql);
  }

  @Test
  void rowsWithoutTimeBelongToNoHoppingWindow() {
    String sql = "SELECT window_end, k, COUNT(*), MAX(d) FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '0.5' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end, k";
    assertDropsRowsWithoutTime(sql);
  }

  @Test
  void tumblingWindowPassesEveryColumnOfEveryRowWithItsBounds() {
    // no NULL time: the columns pass through shared with the input batch
    String sql = "SELECT id, k, v, d, ts, window_start, window_end FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND))";
    List<Object[]> rows = events(false);
    List<List<Object>> out = run(sql, rows);
    assertEquals(rows.size(), out.size());
    assertEquals(OracleTest.sorted(oracle(sql, rows)), OracleTest.sorted(out));
  }

  @Test
  void tumblingWindowWithNullTimesCopiesTheTimedRowsWithTheirBounds() {
    String sql = "SELECT id, k, v, d, ts, window_start, window_end FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND))";
    List<Object[]> rows = events(true);
    List<Object[]> timed = rows.stream().filter(r -> r[4] != null).toList();
    List<List<Object>> out = run(sql, rows);
    assertEquals(timed.size(), out.size());
    assertEquals(OracleTest.sorted(oracle(sql, timed)), OracleTest.sorted(out));
  }

  @Test
  void hoppingWindowCopiesEachRowOncePerWindow() {
    String sql = "SELECT id, k, d, window_start, window_end FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '0.5' SECOND, INTERVAL '2' SECOND))";
    List<Object[]> rows = events(false);
    List<List<Object>> out = run(sql, rows);
    assertEquals(4 * rows.size(), out.size());
    assertEquals(OracleTest.sorted(oracle(sql, rows)), OracleTest.sorted(out));
  }

  @Test
  void windowGroupsByAStringMadeOfAnIntegerAsCalciteDoes() {
    // planned as GROUP BY the integer, the string built per group: negative numbers, NULL groups,
    // the constant before or after, INT and BIGINT, TUMBLE and HOP
    List<Object[]> rows = TestTables.events(7, 3000, 5, 1000, 10);
    for (String sql : List.of(
        "SELECT 'S' || CAST(MOD(id, 7) - 3 AS VARCHAR) AS s, window_start, COUNT(*), SUM(v) FROM TABLE(TUMBLE("
            + "TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
            + "GROUP BY 'S' || CAST(MOD(id, 7) - 3 AS VARCHAR), window_start, window_end",
        "SELECT window_end, CAST(v AS VARCHAR) || '#' AS s, COUNT(*), MAX(d) FROM TABLE(HOP(TABLE events, "
            + "DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '2' SECOND)) "
            + "GROUP BY CAST(v AS VARCHAR) || '#', window_start, window_end HAVING COUNT(*) > 1",
        // small non-negative integers: grouped through the direct integer → group cache; large ones: hashed
        "SELECT 'S' || CAST(MOD(id, 1000) AS VARCHAR) AS s, window_start, COUNT(*), MIN(d) FROM TABLE(TUMBLE("
            + "TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
            + "GROUP BY 'S' || CAST(MOD(id, 1000) AS VARCHAR), window_start, window_end",
        "SELECT CAST(MOD(id, 50) * 100000 AS VARCHAR) || 'x' AS s, window_start, COUNT(*) FROM TABLE(TUMBLE("
            + "TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
            + "GROUP BY CAST(MOD(id, 50) * 100000 AS VARCHAR) || 'x', window_start, window_end",
        "SELECT k, 'v=' || CAST(v / 10 AS VARCHAR), window_start, AVG(d) FROM TABLE(TUMBLE(TABLE events, "
            + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k, 'v=' || CAST(v / 10 AS VARCHAR)")) {
      String explain = COMPILER.compile("p", sql).pipeline().explain();
      // the string is built above the aggregate only
      assertTrue(explain.lastIndexOf("CONCAT") >= 0 && explain.lastIndexOf("CONCAT") < explain.indexOf("WindowAggregate"),
          explain);
      List<List<Object>> out = run(sql, rows);
      if (sql.contains("CAST(v")) {
        // the string column (the second) of the NULL group
        assertTrue(out.stream().anyMatch(r -> r.get(1) == null), "a NULL group in " + sql);
      }
      assertEquals(OracleTest.sorted(oracle(sql, rows)), OracleTest.sorted(out), sql);
    }
  }

  @Test
  void twoStringKeysVaryingInTurnKeepTheirGroupsApart() {
    // batches of 256 rows in one window: both keys 'A', then k1 varies with k2 = 'A', then k2 varies
    // with k1 = 'A' — the per-column group cache of the first must not serve the second
    List<Object[]> rows = TestTables.events(3, 768, 1, 0, 0);
    String sql = "SELECT window_start, k1, k2, COUNT(*) FROM (SELECT window_start, window_end, "
        + "CASE WHEN id >= 256 AND id < 512 THEN k ELSE 'A' END AS k1, CASE WHEN id < 512 THEN 'A' ELSE k END AS k2 "
        + "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND))) GROUP BY window_start, window_end, k1, k2";
    assertEquals(OracleTest.sorted(oracle(sql, rows)), OracleTest.sorted(run(sql, rows)));
  }

  private void assertDropsRowsWithoutTime(String sql) {
    List<Object[]> rows = events(true);
    List<Object[]> timed = rows.stream().filter(r -> r[4] != null).toList();
    assertTrue(timed.size() < rows.size());
    List<List<Object>> expected = run(sql, timed);
    assertTrue(!expected.isEmpty());
    assertEquals(OracleTest.sorted(expected), OracleTest.sorted(run(sql, rows)));
  }

  @Test
  void queriesDifferingOnlyInStringConstantsShareAClassButNotTheConstants() {
    List<Object[]> rows = events(false);
    List<List<Object>> a = run("SELECT id FROM events WHERE k = 'seven77'", rows);
    List<List<Object>> b = run("SELECT id FROM events WHERE k = 'exactly8'", rows);
    assertTrue(!a.isEmpty() && !b.isEmpty());
    assertNotEquals(OracleTest.sorted(a), OracleTest.sorted(b));
    assertEquals(OracleTest.sorted(oracle("SELECT id FROM events WHERE k = 'exactly8'", rows)), OracleTest.sorted(b));
  }
}
