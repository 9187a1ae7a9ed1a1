package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.LookupSource;
import io.laminar.plan.CompiledPipeline;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each query runs through the streaming runtime on seeded, out-of-order data (within the watermark
 * delay, so nothing is late) and must produce exactly the multiset of rows Calcite's own executor
 * computes for the same (or an equivalent) query over the same rows.
 */
class OracleTest {
  private static final List<Object[]> EVENTS = TestTables.events(42, 3000, 50, 1500);
  private static final List<Object[]> EVENTS2 = TestTables.events(7, 1000, 150, 1500);
  private static SqlCompiler compiler;
  private BufferAllocator allocator;

  @BeforeAll
  static void catalog() {
    compiler = new SqlCompiler(List.of(
        CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofSeconds(2)),
        CatalogTable.source("events2", TestTables.EVENTS, "ts", Duration.ofSeconds(2)),
        CatalogTable.lookup("users", TestTables.USERS, List.of("uk"))));
  }

  @AfterAll
  static void done() {
    compiler = null;
  }

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  static Stream<Arguments> queries() {
    String tumble1s = "TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND))";
    return Stream.of(
        q("filter and projection", "SELECT id, v + 1 AS w, k FROM events WHERE v > 10"),
        q("arithmetic on ints and doubles", "SELECT id, d * 2.5 - v, v / 7, MOD(v, 7), -v, v * 3 + 1 FROM events"),
        q("three-valued AND OR NOT", "SELECT id, v > 0 AND d > 50, v > 0 OR d > 50, NOT (v > 0) FROM events"),
        q("IS NULL and IS NOT NULL", "SELECT id, k IS NULL, v IS NOT NULL FROM events WHERE k IS NULL OR v IS NULL"),
        q("CASE with several branches",
            "SELECT id, CASE WHEN v > 50 THEN 'high' WHEN v > 0 THEN 'mid' WHEN v IS NULL THEN NULL ELSE 'low' END FROM events"),
        q("COALESCE", "SELECT id, COALESCE(v, -1), COALESCE(k, 'none') FROM events"),
        q("string functions", "SELECT id, UPPER(k), LOWER(UPPER(k)), k || '-x', CHAR_LENGTH(k || 'abc'), "
            + "SUBSTRING(k || 'xyz' FROM 2 FOR 2), SUBSTRING(k || 'xyz' FROM 3) FROM events"),
        q("LIKE and NOT LIKE", "SELECT id, k FROM events WHERE k LIKE 'a%' OR k LIKE '_' AND k NOT LIKE '%c%'"),
        q("CAST between types", "SELECT id, CAST(v AS BIGINT), CAST(v AS DOUBLE), CAST(d AS INTEGER), CAST(v AS VARCHAR) FROM events"),
        q("timestamp plus and minus interval",
            "SELECT id, ts + INTERVAL '1' HOUR, ts - INTERVAL '2' SECOND FROM events WHERE ts > TIMESTAMP '2023-11-14 22:13:30'"),
        q("IN list and BETWEEN", "SELECT id FROM events WHERE v IN (1, 2, 3, 50) OR v BETWEEN 10 AND 20"),
        q("TUMBLE count by key",
            "SELECT window_start, window_end, k, COUNT(*) FROM " + tumble1s + " GROUP BY window_start, window_end, k"),
        q("TUMBLE every aggregate", "SELECT window_start, window_end, COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), AVG(v), "
            + "SUM(d), MIN(d), MAX(d), AVG(d), MIN(k), MAX(k), MIN(ts), MAX(ts) FROM " + tumble1s
            + " GROUP BY window_start, window_end"),
        q("TUMBLE COUNT DISTINCT", "SELECT window_end, COUNT(DISTINCT k), COUNT(DISTINCT v) FROM " + tumble1s
            + " GROUP BY window_start, window_end"),
        q("TUMBLE with WHERE and HAVING", "SELECT window_start, k, SUM(v) AS s FROM " + tumble1s
            + " WHERE v > 0 GROUP BY window_start, window_end, k HAVING COUNT(*) > 3"),
        q("TUMBLE grouped by window_start only", "SELECT window_start, AVG(d) FROM " + tumble1s + " GROUP BY window_start"),
        q("TUMBLE expressions over aggregates", "SELECT window_start, k, SUM(v) * 2 + COUNT(*), MAX(v) - MIN(v) FROM "
            + tumble1s + " GROUP BY window_start, window_end, k"),
        oracle("group-window TUMBLE form",
            "SELECT TUMBLE_START(ts, INTERVAL '2' SECOND), TUMBLE_END(ts, INTERVAL '2' SECOND), k, SUM(v), COUNT(*) "
                + "FROM events GROUP BY TUMBLE(ts, INTERVAL '2' SECOND), k",
            "SELECT window_start, window_end, k, SUM(v), COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
                + "INTERVAL '2' SECOND)) GROUP BY window_start, window_end, k"),
        q("HOP count and sum by key", "SELECT window_start, window_end, k, COUNT(*), SUM(v) FROM TABLE(HOP(TABLE events, "
            + "DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY window_start, window_end, k"),
        q("HOP min max", "SELECT window_end, MIN(d), MAX(v) FROM TABLE(HOP(TABLE events, "
            + "DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end"),
        oracle("lookup join FOR SYSTEM_TIME inner",
            "SELECT e.id, e.k, u.name, u.tier FROM events e JOIN users FOR SYSTEM_TIME AS OF e.ts AS u ON e.k = u.uk",
            "SELECT e.id, e.k, u.name, u.tier FROM events e JOIN users u ON e.k = u.uk"),
        oracle("lookup join FOR SYSTEM_TIME left with misses",
            "SELECT e.id, e.k, u.name FROM events e LEFT JOIN users FOR SYSTEM_TIME AS OF e.ts AS u ON e.k = u.uk",
            "SELECT e.id, e.k, u.name FROM events e LEFT JOIN users u ON e.k = u.uk"),
        q("plain equi-join to lookup with filter",
            "SELECT e.id, u.name, e.v * u.tier FROM events e JOIN users u ON e.k = u.uk WHERE e.v > 0"),
        q("plain LEFT join to lookup", "SELECT e.id, u.name, u.tier IS NULL FROM events e LEFT JOIN users u ON e.k = u.uk"),
        q("UNION ALL of two sources", "SELECT id, k FROM events WHERE v > 0 UNION ALL SELECT id, k FROM events2 WHERE v < 0"),
        q("UNION ALL of a source with itself", "SELECT id FROM events WHERE v > 90 UNION ALL SELECT id FROM events WHERE v < -90"));
  }

  private static Arguments q(String name, String sql) {
    return Arguments.of(name, sql, sql);
  }

  private static Arguments oracle(String name, String sql, String oracleSql) {
    return Arguments.of(name, sql, oracleSql);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void streamingResultEqualsCalcite(String name, String sql, String oracleSql) {
    CompileResult result = compiler.compile("p", sql);
    assertTrue(result.isSuccess(), () -> result.errors().toString());
    CompiledPipeline pipeline = result.pipeline();
    List<StreamRunner.Input> inputs = new ArrayList<>();
    for (String s : pipeline.sources()) {
      inputs.add(new StreamRunner.Input(s, s.equals("events") ? EVENTS : EVENTS2));
    }
    InMemoryLookup users = new InMemoryLookup(TestTables.USERS, TestTables.users(), allocator);
    StreamRunner.Result actual = StreamRunner.run(pipeline, allocator, Map.<String, LookupSource>of("users", users), 128,
        inputs);
    List<List<Object>> expected = CalciteOracle.query(Map.of(
        "events", new CalciteOracle.RowsTable(TestTables.EVENTS, EVENTS, 4),
        "events2", new CalciteOracle.RowsTable(TestTables.EVENTS, EVENTS2, 4),
        "users", new CalciteOracle.RowsTable(TestTables.USERS, TestTables.users(), -1)), oracleSql);
    assertTrue(!expected.isEmpty(), "oracle returned no rows; the query tests nothing");
    assertEquals(sorted(expected), sorted(actual.rows()), pipeline.explain());
    assertEquals(0, actual.metrics().lateRowsDropped());
  }

  static List<String> sorted(List<List<Object>> rows) {
    return rows.stream().map(Object::toString).sorted(Comparator.naturalOrder()).toList();
  }
}
