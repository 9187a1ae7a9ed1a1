package io.laminar.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.PlanNode;
import io.laminar.plan.SqlType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class SqlCompilerTest {
  private static Field f(String n, SqlType t) {
    return new Field(n, FieldType.nullable(t.arrowType()), null);
  }

  private static final Schema EVENTS = new Schema(List.of(f("id", SqlType.BIGINT), f("k", SqlType.VARCHAR),
      f("v", SqlType.INT), f("d", SqlType.DOUBLE), f("ts", SqlType.TIMESTAMP), f("day", SqlType.DATE)));
  private final SqlCompiler compiler = new SqlCompiler(List.of(
      CatalogTable.source("events", EVENTS, "ts", Duration.ofSeconds(1)),
      CatalogTable.source("clicks", EVENTS, "ts", Duration.ofSeconds(1)),
      CatalogTable.lookup("users", new Schema(List.of(f("uk", SqlType.VARCHAR), f("name", SqlType.VARCHAR))),
          List.of("uk"))));

  private SqlError error(String sql) {
    CompileResult r = compiler.compile("enrich", sql);
    assertFalse(r.isSuccess(), "expected an error for " + sql);
    return r.errors().get(0);
  }

  @Test
  void filterAndProjectionPlanAsProjectOverFilterOverScan() {
    CompiledPipeline p = compiler.compile("p", "SELECT id, v + 1 AS w FROM events WHERE v > 3").pipeline();
    assertEquals("""
        pipeline p -> (id BIGINT, w INT)
        Project(id=$0, w=PLUS($2, 1:INT))  [append-only]
          Filter(GT($2, 3:INT))  [append-only]
            Scan(source=events, eventTime=ts, delay=PT1S)  [append-only]
        """, p.explain());
    assertEquals(Set.of("events"), p.sources());
  }

  @Test
  void sumOfIntIsBigint() {
    CompiledPipeline p = compiler.compile("p", "SELECT SUM(v) AS s FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY window_start, window_end").pipeline();
    assertEquals(SqlType.BIGINT, SqlType.fromArrow(p.outputSchema().getFields().get(0).getType()));
  }

  @Test
  void tumbleTableFunctionPlansAsWindowAggregateFiringAtWindowEnd() {
    CompiledPipeline p = compiler.compile("p", "SELECT window_start, k, COUNT(*) FROM TABLE(TUMBLE(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, k").pipeline();
    PlanNode.WindowAggregate agg = (PlanNode.WindowAggregate) ((PlanNode.Project) p.root()).input();
    assertEquals(0, agg.fireOffsetMillis());
    assertTrue(p.explain().contains("WindowAssign(TUMBLE, time=$4, size=PT1M)"), p.explain());
  }

  @Test
  void windowAggregateByAStringMadeOfAnIntegerKeysOnTheIntegerAndBuildsTheStringPerGroup() {
    CompiledPipeline p = compiler.compile("p", "SELECT 'S' || CAST(MOD(id, 1000) AS VARCHAR) AS symbol, window_start, "
        + "COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY 'S' || CAST(MOD(id, 1000) AS VARCHAR), window_start, window_end").pipeline();
    assertEquals("""
        pipeline p -> (symbol VARCHAR, window_start TIMESTAMP NOT NULL, n BIGINT NOT NULL)
        Project(symbol=$0, window_start=$1, n=$3)  [append-only]
          Project(symbol=CONCAT('S', CAST($0)), window_start=$1, window_end=$2, n=$3)  [append-only]
            WindowAggregate(keys=[0, 1, 2], aggs=[n=COUNT(*):BIGINT], fireAt=$2)  [append-only]
              Project(symbol=MOD($0, 1000:INT), window_start=$6, window_end=$7)  [append-only]
                WindowAssign(TUMBLE, time=$4, size=PT1S)  [append-only]
                  Scan(source=events, eventTime=ts, delay=PT1S)  [append-only]
        parallel: two-phase window aggregation when run on several workers (partial windows per worker, \
        merged once every worker's watermark has passed them)
        """, p.explain());
    PlanNode.WindowAggregate agg = (PlanNode.WindowAggregate) ((PlanNode.Project) ((PlanNode.Project) p.root())
        .input()).input();
    assertTrue(SqlType.fromArrow(agg.schema().getFields().get(0).getType()).isIntValued()
        || SqlType.fromArrow(agg.schema().getFields().get(0).getType()).isLongValued(), agg.schema().toString());
    assertEquals(SqlType.VARCHAR, SqlType.fromArrow(p.outputSchema().getFields().get(0).getType()));
  }

  @Test
  void windowAggregateKeepsStringKeysOfDoublesAndOfKeysAnAggregateReads() {
    String tumble = " FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) ";
    for (String sql : List.of(
        // -0.0 and 0.0 are one DOUBLE group but two strings
        "SELECT 'S' || CAST(d AS VARCHAR) AS s, COUNT(*)" + tumble + "GROUP BY 'S' || CAST(d AS VARCHAR), window_start, window_end",
        "SELECT s, MIN(s) FROM (SELECT 'S' || CAST(v AS VARCHAR) AS s, window_start, window_end" + tumble
            + ") GROUP BY s, window_start, window_end",
        "SELECT 'S' || k AS s, COUNT(*)" + tumble + "GROUP BY 'S' || k, window_start, window_end")) {
      String explain = compiler.compile("p", sql).pipeline().explain();
      assertFalse(explain.contains("CONCAT('S', CAST($0))"), explain);
      assertTrue(explain.contains("CONCAT"), explain);
    }
  }

  @Test
  void groupWindowTumbleFiresAtStartPlusSize() {
    CompiledPipeline p = compiler.compile("p", "SELECT TUMBLE_END(ts, INTERVAL '1' MINUTE), COUNT(*) FROM events "
        + "GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)").pipeline();
    assertTrue(p.explain().contains("fireAt=$0+PT1M"), p.explain());
  }

  @Test
  void lookupJoinRecordsTheLookup() {
    CompiledPipeline p = compiler.compile("p", "SELECT e.id, u.name FROM events e JOIN users FOR SYSTEM_TIME AS OF "
        + "e.ts AS u ON e.k = u.uk").pipeline();
    assertEquals(Set.of("users"), p.lookups());
    assertTrue(p.explain().contains("LookupJoin(INNER, lookup=users"), p.explain());
  }

  @Test
  void windowAggregateOverLookupJoinTracesWindowThroughTheJoin() {
    CompileResult r = compiler.compile("p", "SELECT window_start, u.name, COUNT(*) FROM TABLE(TUMBLE(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) e JOIN users FOR SYSTEM_TIME AS OF e.ts AS u ON e.k = u.uk "
        + "GROUP BY window_start, window_end, u.name");
    assertTrue(r.isSuccess(), () -> r.errors().toString());
  }

  @Test
  void misspeltColumnGetsCaretAndSuggestion() {
    SqlError e = error("SELECT id,\n  vv + 1\nFROM events");
    assertEquals(2, e.line());
    assertEquals(3, e.column());
    assertEquals("""
        pipeline 'enrich' (line 2, column 3): Column 'vv' not found in any table. Did you mean 'v'?
            vv + 1
            ^""", e.format());
  }

  @Test
  void misspeltTableGetsSuggestion() {
    SqlError e = error("SELECT id FROM evnts");
    assertEquals(16, e.column());
    assertTrue(e.message().endsWith("Did you mean 'events'?"), e.message());
  }

  @Test
  void syntaxErrorHasPosition() {
    SqlError e = error("SELECT id FROM events WHERE");
    assertEquals(1, e.line());
    assertTrue(e.column() >= 22, e.format());
  }

  @Test
  void orderByIsRejected() {
    SqlError e = error("SELECT id FROM events ORDER BY id");
    assertEquals("ORDER BY is not supported: a stream never ends, so it cannot be sorted", e.message());
    assertEquals(32, e.column());
  }

  @Test
  void limitIsRejected() {
    assertEquals("LIMIT/FETCH is not supported on a stream", error("SELECT id FROM events LIMIT 5").message());
  }

  @Test
  void windowFunctionsOverAreRejected() {
    assertTrue(error("SELECT SUM(v) OVER (PARTITION BY k) FROM events").message().startsWith("window functions (OVER)"));
  }

  @Test
  void nonWindowedGroupByPlansAnUpdatingAggregateThatKnowsItsPosition() {
    CompiledPipeline p = compiler.compile("p", "SELECT k, COUNT(*) FROM events GROUP BY k").pipeline();
    assertTrue(p.updating());
    PlanNode.GroupAggregate a = (PlanNode.GroupAggregate) p.updatingStep().orElseThrow();
    assertEquals("k", a.input().schema().getFields().get(a.groupKeys().get(0)).getName());
    assertFalse(a.retracting(), "an append-only input never takes rows back");
    assertEquals(1, a.line());
    assertEquals(41, a.column());
  }

  @Test
  void joinOfTwoStreamsIsRejected() {
    assertTrue(error("SELECT a.id FROM events a JOIN clicks b ON a.id = b.id").message()
        .startsWith("joining two streams is not supported"));
  }

  @Test
  void lookupJoinOnNonKeyColumnIsRejected() {
    assertTrue(error("SELECT e.id FROM events e JOIN users u ON e.k = u.name").message()
        .startsWith("a lookup join must match the whole primary key"));
  }

  @Test
  void unionWithoutAllIsRejected() {
    assertTrue(error("SELECT id FROM events UNION SELECT id FROM clicks").message()
        .startsWith("UNION without ALL is not supported"));
  }

  @Test
  void queryWithoutSourceIsRejected() {
    assertTrue(error("SELECT 1").message().contains("without a source"));
  }

  @Test
  void lookupReadAsStreamIsRejected() {
    assertTrue(error("SELECT * FROM users").message().startsWith("lookup table 'users' can only be joined"));
  }

  @Test
  void groupWindowHopPointsToTheTableFunctionForm() {
    SqlError e = error("SELECT k, COUNT(*) FROM events GROUP BY HOP(ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND), k");
    assertEquals(41, e.column());
    assertTrue(e.message().startsWith("GROUP BY HOP(time, slide, size) is not supported; use the table function: "
        + "FROM TABLE(HOP(TABLE t, DESCRIPTOR(time), slide, size))"), e.message());
  }

  @Test
  void groupWindowSessionPointsToTheTableFunctionForm() {
    SqlError e = error("SELECT SESSION_START(ts, INTERVAL '1' SECOND), k, COUNT(*) FROM events "
        + "GROUP BY SESSION(ts, INTERVAL '1' SECOND), k");
    assertEquals(81, e.column());
    assertTrue(e.message().startsWith("GROUP BY SESSION(time, gap) is not supported; use the table function: "
        + "FROM TABLE(SESSION(TABLE t PARTITION BY key, DESCRIPTOR(time), gap))"), e.message());
  }
}
