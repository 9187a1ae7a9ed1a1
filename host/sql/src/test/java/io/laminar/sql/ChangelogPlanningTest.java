package io.laminar.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.PlanNode;
import io.laminar.plan.SqlType;
import java.time.Duration;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** Which steps are updating, and what the planner refuses to compute over a changelog. */
class ChangelogPlanningTest {
  private static Field f(String n, SqlType t) {
    return new Field(n, FieldType.nullable(t.arrowType()), null);
  }

  private static final Schema ORDERS = new Schema(List.of(f("id", SqlType.BIGINT), f("k", SqlType.VARCHAR),
      f("v", SqlType.INT), f("ts", SqlType.TIMESTAMP)));
  private final SqlCompiler compiler = new SqlCompiler(List.of(
      CatalogTable.source("orders", ORDERS, "ts", Duration.ofSeconds(1)).asChangelog(),
      CatalogTable.source("events", ORDERS, "ts", Duration.ofSeconds(1)),
      CatalogTable.lookup("users", new Schema(List.of(f("uk", SqlType.VARCHAR), f("name", SqlType.VARCHAR))),
          List.of("uk"))));

  private CompiledPipeline compile(String sql) {
    CompileResult r = compiler.compile("p", sql);
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    return r.pipeline();
  }

  @Test
  void statelessStepsOverAChangelogAreUpdatingAndNameTheSourceAsTheCause() {
    CompiledPipeline p = compile("SELECT o.id, u.name FROM orders o JOIN users FOR SYSTEM_TIME AS OF o.ts AS u "
        + "ON o.k = u.uk WHERE o.v > 1 UNION ALL SELECT id, k FROM events");
    assertTrue(p.updating());
    PlanNode step = p.updatingStep().orElseThrow();
    assertTrue(step instanceof PlanNode.Scan s && s.source().equals("orders") && s.changelog(), step.describe());
    assertTrue(p.explain().contains("Scan(source=orders, eventTime=ts, delay=PT1S, changelog)"), p.explain());
    // workers take stateless batches in turn, which would reorder a row's changes
    assertFalse(p.parallelizable());
    assertTrue(p.partitioning().serialReason().orElseThrow().contains("changelog source 'orders'"));
  }

  @Test
  void explainMarksEachStepAndTheKeyOfItsUpdates() {
    CompiledPipeline p = compile("SELECT k AS name, n * 2 AS twice FROM (SELECT k, COUNT(*) AS n FROM events "
        + "GROUP BY k) WHERE n > 1");
    assertEquals(List.of(0), p.updateKey().orElseThrow());
    assertEquals(List.of("name"), p.updateKeyNames());
    assertEquals("""
        pipeline p -> (name VARCHAR, twice BIGINT NOT NULL)
        Project(name=$0, twice=TIMES($1, 2:INT))  [updating, key=(name)]
          Filter(GT($1, 1:BIGINT))  [updating, key=(k)]
            GroupAggregate(keys=[0], aggs=[n=COUNT(*):BIGINT])  [updating, key=(k)]
              Project(k=$1)  [append-only]
                Scan(source=events, eventTime=ts, delay=PT1S)  [append-only]
        """, p.explain());
    CompiledPipeline cdc = compile("SELECT id, v FROM orders");
    assertTrue(cdc.explain().contains("[updating, key unknown]"), cdc.explain());
    assertTrue(cdc.updateKey().isEmpty());
  }

  @Test
  void appendOnlySourcesStayAppendOnly() {
    CompiledPipeline p = compile("SELECT id FROM events WHERE v > 1");
    assertFalse(p.updating());
    assertTrue(p.updatingStep().isEmpty());
    CompiledPipeline w = compile("SELECT k, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end");
    assertFalse(w.updating());
  }

  @Test
  void windowedAggregatesOverAChangelogTakeRowsBackAndStayAppendOnly() {
    for (String window : List.of("TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' SECOND)",
        "HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND)")) {
      CompiledPipeline p = compile("SELECT k, window_end, COUNT(*) AS n, MIN(v) AS low FROM TABLE(" + window
          + ") GROUP BY k, window_start, window_end");
      assertFalse(p.updating(), p.explain());
      assertTrue(p.explain().contains(", retract)  [append-only]"), p.explain());
      assertTrue(p.parallelizable(), p.explain());
    }
    CompiledPipeline appends = compile("SELECT k, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end");
    assertFalse(appends.explain().contains("retract"), appends.explain());
  }

  @Test
  void sessionAggregateOverAChangelogTakesRowsBackAndStaysAppendOnly() {
    CompiledPipeline p = compile("SELECT k, window_start, COUNT(*) AS n, MAX(v) AS top\n"
        + "FROM TABLE(SESSION(TABLE orders PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND))\n"
        + "GROUP BY k, window_start, window_end");
    assertFalse(p.updating(), p.explain());
    assertTrue(p.explain().contains("SessionAggregate(time=$3, gap=PT1S, partition=[1], keys=[1, 4, 5], "
        + "aggs=[n=COUNT(*):BIGINT, top=MAX($2):INT], retract)  [append-only]"), p.explain());
    // keyed by the partition key: each worker holds its keys' rows and sees all of their changes
    assertTrue(p.parallelizable(), p.explain());
    CompiledPipeline appends = compile("SELECT k, COUNT(*) AS n FROM TABLE(SESSION(TABLE events PARTITION BY k, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end");
    assertFalse(appends.explain().contains("retract"), appends.explain());
  }
}
