package io.laminar.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.Partitioning;
import io.laminar.plan.SqlType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** Which source columns a pipeline's rows must be routed by, so each group's rows meet on one worker. */
class PartitioningTest {
  private static Field f(String n, SqlType t) {
    return new Field(n, FieldType.nullable(t.arrowType()), null);
  }

  private static final Schema EVENTS = new Schema(List.of(f("id", SqlType.BIGINT), f("k", SqlType.VARCHAR),
      f("v", SqlType.INT), f("d", SqlType.DOUBLE), f("ts", SqlType.TIMESTAMP)));
  /** The key in another position than in events, and a second string column. */
  private static final Schema ORDERS = new Schema(List.of(f("key", SqlType.VARCHAR), f("region", SqlType.VARCHAR),
      f("amount", SqlType.INT), f("ts", SqlType.TIMESTAMP)));
  private static final String TUMBLE = "TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND))";
  private final SqlCompiler compiler = new SqlCompiler(List.of(
      CatalogTable.source("events", EVENTS, "ts", Duration.ofSeconds(1)),
      CatalogTable.source("clicks", EVENTS, "ts", Duration.ofSeconds(1)),
      CatalogTable.source("orders", ORDERS, "ts", Duration.ofSeconds(1)),
      CatalogTable.lookup("users", new Schema(List.of(f("uk", SqlType.VARCHAR), f("name", SqlType.VARCHAR))),
          List.of("uk"))));

  private CompiledPipeline compile(String sql) {
    CompileResult r = compiler.compile("p", sql);
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    return r.pipeline();
  }

  private static void assertKeys(Map<String, int[]> expected, CompiledPipeline p) {
    assertTrue(p.parallelizable(), () -> p.partitioning().serialReason().orElse("") + "\n" + p.explain());
    Map<String, int[]> actual = p.partitionKeys();
    assertEquals(expected.keySet(), actual.keySet(), p.explain());
    expected.forEach((source, columns) -> assertArrayEquals(columns, actual.get(source), source));
  }

  private static void assertSerial(CompiledPipeline p, String reasonPart) {
    Partitioning partitioning = p.partitioning();
    assertFalse(partitioning.parallelizable(), p.explain());
    assertTrue(p.partitionKeys().isEmpty());
    assertTrue(partitioning.serialReason().orElseThrow().contains(reasonPart), partitioning.serialReason().get());
  }

  /** A window aggregate whose keys do not trace: parallel as two-phase, with no partition key. */
  private static void assertTwoPhase(CompiledPipeline p) {
    Partitioning partitioning = p.partitioning();
    assertTrue(partitioning.parallelizable(), () -> partitioning.serialReason().orElse("") + "\n" + p.explain());
    assertTrue(partitioning.twoPhase(), p.explain());
    assertTrue(partitioning.serialReason().isEmpty());
    assertTrue(p.partitionKeys().isEmpty());
    assertTrue(p.explain().contains("two-phase window aggregation"), p.explain());
  }

  @Test
  void statelessPipelineHasNoKeysAndIsParallelizable() {
    assertKeys(Map.of(), compile("SELECT id, UPPER(k) FROM events WHERE v > 3"));
  }

  @Test
  void statelessLookupJoinHasNoKeys() {
    assertKeys(Map.of(), compile("SELECT e.id, u.name FROM events e JOIN users FOR SYSTEM_TIME AS OF e.ts AS u "
        + "ON e.k = u.uk"));
  }

  @Test
  void tumbleGroupedByAColumnIsKeyedOnThatColumn() {
    assertKeys(Map.of("events", new int[] {1}), compile("SELECT window_start, k, COUNT(*) FROM " + TUMBLE
        + " GROUP BY window_start, window_end, k"));
  }

  @Test
  void severalGroupColumnsAreAllInTheKey() {
    CompiledPipeline p = compile("SELECT window_start, k, id, COUNT(*) FROM " + TUMBLE
        + " GROUP BY window_start, window_end, k, id");
    assertTrue(p.parallelizable());
    // the order follows the plan's group keys; any order works as long as every source uses the same
    assertArrayEquals(new int[] {0, 1}, java.util.Arrays.stream(p.partitionKeys().get("events")).sorted().toArray());
  }

  @Test
  void keyIsTracedThroughFilterAndRenamingProjection() {
    assertKeys(Map.of("events", new int[] {1}), compile("SELECT k2, COUNT(*) FROM (SELECT ts, v, k AS k2 FROM events "
        + "WHERE v > 0) GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), k2"));
  }

  @Test
  void hopGroupedByAColumnIsKeyedOnThatColumn() {
    assertKeys(Map.of("events", new int[] {1}), compile("SELECT window_end, k, SUM(v) FROM TABLE(HOP(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY window_start, window_end, k"));
  }

  @Test
  void sessionIsKeyedOnItsPartitionByColumns() {
    assertKeys(Map.of("events", new int[] {1}), compile("SELECT window_start, k, COUNT(*) FROM TABLE(SESSION(TABLE "
        + "events PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k"));
  }

  @Test
  void globalWindowAggregateIsTwoPhase() {
    assertTwoPhase(compile("SELECT window_start, COUNT(*) FROM " + TUMBLE + " GROUP BY window_start, window_end"));
  }

  @Test
  void groupingByAComputedExpressionIsTwoPhase() {
    assertTwoPhase(compile("SELECT window_start, UPPER(k), COUNT(*), SUM(v), AVG(d), MIN(k), MAX(v) FROM " + TUMBLE
        + " GROUP BY window_start, window_end, UPPER(k)"));
  }

  @Test
  void theCompassTumbleIsTwoPhase() {
    String symbol = "'S' || CAST(MOD(id, 1000) AS VARCHAR)";
    assertTwoPhase(compile("SELECT " + symbol + " AS symbol, window_start, COUNT(*), AVG(d) FROM " + TUMBLE
        + " GROUP BY " + symbol + ", window_start, window_end"));
  }

  @Test
  void hopGroupedByAComputedExpressionIsTwoPhase() {
    assertTwoPhase(compile("SELECT window_start, UPPER(k), COUNT(*) FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end, UPPER(k)"));
  }

  @Test
  void aComputedKeyWithCountDistinctStaysSerialAndSaysWhy() {
    CompiledPipeline p = compile("SELECT window_start, UPPER(k), COUNT(DISTINCT v) AS dv FROM " + TUMBLE
        + " GROUP BY window_start, window_end, UPPER(k)");
    assertSerial(p, "no group key");
    assertSerial(p, "COUNT(DISTINCT)");
    assertFalse(p.partitioning().twoPhase());
    assertFalse(p.explain().contains("two-phase"), p.explain());
  }

  @Test
  void aComputedKeyOfAnUpdatingGroupByStaysSerial() {
    assertSerial(compile("SELECT UPPER(k), COUNT(*) FROM events GROUP BY UPPER(k)"), "no group key");
  }

  @Test
  void aWindowAggregateBelowAUnionStaysSerial() {
    assertSerial(compile("SELECT window_end, UPPER(k) FROM (SELECT window_end, UPPER(k) AS k, COUNT(*) AS n FROM "
        + TUMBLE + " GROUP BY window_start, window_end, UPPER(k)) UNION ALL SELECT ts, k FROM clicks"),
        "only filters, projections and lookup joins after the window aggregate");
  }

  @Test
  void groupingByAComputedExpressionBesideAColumnIsKeyedOnTheColumn() {
    assertKeys(Map.of("events", new int[] {1}), compile("SELECT window_start, k, UPPER(k), COUNT(*) FROM " + TUMBLE
        + " GROUP BY window_start, window_end, k, UPPER(k)"));
  }

  @Test
  void groupingByALookupColumnIsTwoPhase() {
    assertTwoPhase(compile("SELECT window_start, u.name, COUNT(*) FROM " + TUMBLE + " e JOIN users FOR SYSTEM_TIME AS "
        + "OF e.ts AS u ON e.k = u.uk GROUP BY window_start, window_end, u.name"));
  }

  @Test
  void groupingByStreamColumnAfterLookupJoinIsKeyedOnIt() {
    assertKeys(Map.of("events", new int[] {1}), compile("SELECT window_start, e.k, u.name, COUNT(*) FROM " + TUMBLE
        + " e JOIN users FOR SYSTEM_TIME AS OF e.ts AS u ON e.k = u.uk GROUP BY window_start, window_end, e.k, u.name"));
  }

  @Test
  void unionOfTwoSourcesIsKeyedPerSource() {
    assertKeys(Map.of("events", new int[] {1}, "orders", new int[] {0}), compile("SELECT k, COUNT(*) FROM "
        + "(SELECT k, ts FROM events UNION ALL SELECT key, ts FROM orders) GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), k"));
  }

  @Test
  void unionWithAComputedKeyInOneBranchIsTwoPhase() {
    assertTwoPhase(compile("SELECT k, COUNT(*) FROM (SELECT k, ts FROM events UNION ALL SELECT UPPER(k), ts FROM clicks) "
        + "GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), k"));
  }

  @Test
  void unionReadingOneSourceKeyedOnTwoColumnsIsTwoPhase() {
    assertTwoPhase(compile("SELECT x, COUNT(*) FROM (SELECT key AS x, ts FROM orders UNION ALL SELECT region, ts "
        + "FROM orders) GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), x"));
  }

  @Test
  void sourceFeedingOnlyAStatelessBranchHasNoKey() {
    CompiledPipeline p = compile("SELECT window_end, k FROM (SELECT window_end, k, COUNT(*) AS n FROM " + TUMBLE
        + " GROUP BY window_start, window_end, k) UNION ALL SELECT ts, k FROM clicks");
    assertKeys(Map.of("events", new int[] {1}), p);
    assertEquals(Set.of("events", "clicks"), p.sources());
  }
}
