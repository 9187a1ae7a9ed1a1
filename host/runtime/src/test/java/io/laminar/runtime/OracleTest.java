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
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
  /** Three quarters of k, v and d are NULL: many groups see no non-null value at all. */
  private static final List<Object[]> SPARSE = TestTables.events(11, 3000, 20, 300, 75);
  private static final Map<String, List<Object[]>> DATA = Map.of("events", EVENTS, "events2", EVENTS2,
      "sparse", SPARSE);
  private static SqlCompiler compiler;
  private BufferAllocator allocator;

  @BeforeAll
  static void catalog() {
    compiler = new SqlCompiler(List.of(
        CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofSeconds(2)),
        CatalogTable.source("events2", TestTables.EVENTS, "ts", Duration.ofSeconds(2)),
        CatalogTable.source("sparse", TestTables.EVENTS, "ts", Duration.ofSeconds(1)),
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
        // VARCHAR outputs are written as UTF-8 bytes straight into the vector (VarCharWriter):
        // constants, integer digits (negative too), string columns, nested concatenation, NULLs
        q("strings built from constants, integers and columns", "SELECT id, 'S' || CAST(MOD(id, 1000) AS VARCHAR), "
            + "k || '-' || CAST(v AS VARCHAR) || k, CAST(-v AS VARCHAR) || CAST(id * 1000000007 AS VARCHAR), "
            + "'' || k, CASE WHEN v > 0 THEN k || 'pos' ELSE 'neg' || CAST(v AS VARCHAR) END FROM events WHERE d > 10"),
        // without a filter a column passed through shares the input's buffers (Gather.share)
        q("columns passed through unchanged", "SELECT k, id, k AS k2, ts, v * 2 AS w, d FROM events"),
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
        q("UNION ALL of a source with itself", "SELECT id FROM events WHERE v > 90 UNION ALL SELECT id FROM events WHERE v < -90"),
        // Calcite's enumerable HOP goes wrong once a DISTINCT aggregate splits the plan, so the oracle
        // spells the windows out: each row joined with the offsets of the 3 one-second slides holding it
        oracle("HOP COUNT DISTINCT", "SELECT window_start, window_end, k, COUNT(DISTINCT v), COUNT(DISTINCT d), "
            + "COUNT(*) FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) "
            + "GROUP BY window_start, window_end, k",
            "SELECT ws, ws + INTERVAL '3' SECOND, k, COUNT(DISTINCT v), COUNT(DISTINCT d), COUNT(*) FROM (SELECT "
                + "FLOOR(e.ts TO SECOND) - o.n * INTERVAL '1' SECOND AS ws, e.k, e.v, e.d FROM events e "
                + "CROSS JOIN (VALUES 0, 1, 2) AS o(n)) GROUP BY ws, k"),
        q("null-heavy input in every aggregate", "SELECT window_start, k, COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), "
            + "AVG(v), SUM(d), MIN(d), MAX(d), AVG(d), MIN(k), MAX(k), COUNT(DISTINCT v), COUNT(DISTINCT k) FROM "
            + "TABLE(TUMBLE(TABLE sparse, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end, k"),
        oracle("lookup join then TUMBLE aggregate",
            "SELECT window_start, u.name, COUNT(*), SUM(e.v), MAX(u.tier) FROM " + tumble1s + " e JOIN users "
                + "FOR SYSTEM_TIME AS OF e.ts AS u ON e.k = u.uk GROUP BY window_start, window_end, u.name",
            "SELECT window_start, u.name, COUNT(*), SUM(e.v), MAX(u.tier) FROM " + tumble1s + " e JOIN users u "
                + "ON e.k = u.uk GROUP BY window_start, window_end, u.name"),
        q("CASE inside aggregates", "SELECT window_start, k, SUM(CASE WHEN v > 0 THEN v ELSE 0 END), "
            + "COUNT(CASE WHEN d > 50 THEN 1 END), MAX(CASE WHEN k IN ('a', 'b') THEN d END), "
            + "MIN(CASE WHEN v IS NULL THEN 'none' WHEN v < 0 THEN 'neg' ELSE 'pos' END) FROM " + tumble1s
            + " GROUP BY window_start, window_end, k"),
        q("filter on window_start before aggregating", "SELECT window_start, k, COUNT(*) FROM " + tumble1s
            + " WHERE window_start >= TIMESTAMP '2023-11-14 22:14:00' AND window_start < TIMESTAMP '2023-11-14 22:15:00' "
            + "GROUP BY window_start, window_end, k"),
        q("filter on window_start of the aggregate's output", "SELECT ws, n FROM (SELECT window_start AS ws, "
            + "COUNT(*) AS n FROM " + tumble1s + " GROUP BY window_start, window_end) "
            + "WHERE ws > TIMESTAMP '2023-11-14 22:14:30'"));
  }

  /**
   * Rows later than the watermark delay: the runtime drops (and counts) the rows whose window had
   * already fired when they arrived; the oracle gets the input without exactly those rows, found by
   * replaying the watermark here: after each batch it becomes the largest event time so far minus
   * the delay, and a row is late when its window's end is not above the watermark its batch met.
   */
  @Test
  void lateEventsBeyondTheDelayAreCountedAndExcluded() {
    List<Object[]> events = TestTables.events(42, 3000, 50, 4000);
    long delay = Duration.ofSeconds(2).toMillis();
    int batchSize = 128;
    List<Object[]> onTime = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    long maxTime = Long.MIN_VALUE;
    long late = 0;
    for (int from = 0; from < events.size(); from += batchSize) {
      for (Object[] e : events.subList(from, Math.min(from + batchSize, events.size()))) {
        long ts = (Long) e[4];
        long windowEnd = ts - Math.floorMod(ts, 1000L) + 1000;
        if (windowEnd <= watermark) {
          late++;
        } else {
          onTime.add(e);
        }
        maxTime = Math.max(maxTime, ts);
      }
      watermark = Math.max(watermark, maxTime - delay);
    }
    assertTrue(late > 10, "the data must have late rows; it has " + late);
    String sql = "SELECT window_start, k, COUNT(*), SUM(v), MAX(d) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k";
    CompiledPipeline pipeline = compiler.compile("p", sql).pipeline();
    StreamRunner.Result actual = StreamRunner.run(pipeline, allocator, Map.of(), batchSize,
        List.of(new StreamRunner.Input("events", events)));
    assertEquals(late, actual.metrics().lateRowsDropped());
    List<List<Object>> expected = CalciteOracle.query(Map.of(
        "events", new CalciteOracle.RowsTable(TestTables.EVENTS, onTime, 4)), sql);
    assertEquals(sorted(expected), sorted(actual.rows()));
  }

  /** Several pipelines fed the very same batch objects, as the engine does for pipelines sharing a source. */
  @Test
  void severalPipelinesOverOneStreamOfBatchesEachMatchCalcite() {
    List<String> sqls = List.of(
        "SELECT window_start, k, COUNT(*), AVG(d) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
            + "GROUP BY window_start, window_end, k",
        "SELECT id, UPPER(k), v * 2 FROM events WHERE d > 50",
        "SELECT window_end, COUNT(DISTINCT k), SUM(v) FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND, "
            + "INTERVAL '2' SECOND)) GROUP BY window_start, window_end",
        "SELECT window_start, window_end, k, COUNT(*) FROM TABLE(SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), "
            + "INTERVAL '0.15' SECOND)) GROUP BY window_start, window_end, k");
    List<List<List<Object>>> outputs = new ArrayList<>();
    List<PipelineExecutor> executors = new ArrayList<>();
    try {
      for (String sql : sqls) {
        List<List<Object>> out = new ArrayList<>();
        outputs.add(out);
        executors.add(new PipelineExecutor(compiler.compile("p", sql).pipeline(), allocator, Map.of(),
            b -> StreamRunner.collect(b, out)));
      }
      for (int from = 0; from < EVENTS.size(); from += 128) {
        try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS,
            EVENTS.subList(from, Math.min(from + 128, EVENTS.size())), allocator)) {
          for (PipelineExecutor e : executors) {
            e.onBatch("events", batch);
          }
        }
      }
      executors.forEach(e -> e.onEndOfInput("events"));
    } finally {
      executors.forEach(PipelineExecutor::close);
    }
    Map<String, CalciteOracle.RowsTable> tables = Map.of(
        "events", new CalciteOracle.RowsTable(TestTables.EVENTS, EVENTS, 4));
    // the HOP query's oracle spells out its windows (see the HOP COUNT DISTINCT query above)
    List<String> oracles = new ArrayList<>(sqls);
    oracles.set(2, "SELECT ws + INTERVAL '2' SECOND, COUNT(DISTINCT k), SUM(v) FROM (SELECT FLOOR(e.ts TO SECOND) "
        + "- o.n * INTERVAL '1' SECOND AS ws, e.k, e.v FROM events e CROSS JOIN (VALUES 0, 1) AS o(n)) GROUP BY ws");
    for (int i = 0; i < sqls.size(); i++) {
      if (sqls.get(i).contains("SESSION")) {
        // Calcite's SESSION mixes interleaved keys (see SessionWindowTest): compare with a lone run instead
        StreamRunner.Result alone = StreamRunner.run(compiler.compile("p", sqls.get(i)).pipeline(), allocator,
            Map.of(), 128, List.of(new StreamRunner.Input("events", EVENTS)));
        assertEquals(sorted(alone.rows()), sorted(outputs.get(i)), sqls.get(i));
      } else {
        List<List<Object>> expected = CalciteOracle.query(tables, oracles.get(i));
        assertTrue(!expected.isEmpty());
        assertEquals(sorted(expected), sorted(outputs.get(i)), sqls.get(i));
      }
    }
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
      inputs.add(new StreamRunner.Input(s, DATA.get(s)));
    }
    InMemoryLookup users = new InMemoryLookup(TestTables.USERS, TestTables.users(), allocator);
    StreamRunner.Result actual = StreamRunner.run(pipeline, allocator, Map.<String, LookupSource>of("users", users), 128,
        inputs);
    List<List<Object>> expected = CalciteOracle.query(Map.of(
        "events", new CalciteOracle.RowsTable(TestTables.EVENTS, EVENTS, 4),
        "events2", new CalciteOracle.RowsTable(TestTables.EVENTS, EVENTS2, 4),
        "sparse", new CalciteOracle.RowsTable(TestTables.EVENTS, SPARSE, 4),
        "users", new CalciteOracle.RowsTable(TestTables.USERS, TestTables.users(), -1)), oracleSql);
    assertTrue(!expected.isEmpty(), "oracle returned no rows; the query tests nothing");
    assertEquals(sorted(expected), sorted(actual.rows()), pipeline.explain());
    assertEquals(0, actual.metrics().lateRowsDropped());
  }

  static List<String> sorted(List<List<Object>> rows) {
    return rows.stream().map(Object::toString).sorted(Comparator.naturalOrder()).toList();
  }
}
