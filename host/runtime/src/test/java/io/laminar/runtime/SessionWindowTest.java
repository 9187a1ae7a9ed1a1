package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.LookupSource;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * SESSION windows against a reference sessionization written independently here (sort each key's
 * rows by time; a gap of at least the session gap starts a new session). Calcite's own enumerable
 * SESSION merges interleaved keys' rows, so it cannot serve as the oracle for this one.
 */
class SessionWindowTest {
  private static final long GAP = 150;

  @Test
  void sessionAggregatesMatchReferenceSessionization() {
    List<Object[]> events = TestTables.events(42, 3000, 50, 1500);
    SqlCompiler compiler = new SqlCompiler(List.of(
        CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofSeconds(2))));
    CompileResult r = compiler.compile("s", "SELECT window_start, window_end, k, COUNT(*), SUM(v), MAX(d) "
        + "FROM TABLE(SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.15' SECOND)) "
        + "GROUP BY window_start, window_end, k");
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    try (RootAllocator allocator = new RootAllocator()) {
      StreamRunner.Result actual = StreamRunner.run(r.pipeline(), allocator, Map.<String, LookupSource>of(), 128,
          List.of(new StreamRunner.Input("events", events)));
      assertEquals(OracleTest.sorted(reference(events, GAP)), OracleTest.sorted(actual.rows()));
      assertEquals(0, actual.metrics().lateRowsDropped());
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  /**
   * (window_start, window_end, k, COUNT(*), SUM(v), MAX(d)) per session of {@code gap} (in the
   * rows' time unit) of {@link TestTables#EVENTS}-shaped rows.
   */
  static List<List<Object>> reference(List<Object[]> events, long gap) {
    Map<String, List<Object[]>> byKey = new HashMap<>();
    for (Object[] e : events) {
      byKey.computeIfAbsent(Objects.toString(e[1], "\0null"), x -> new ArrayList<>()).add(e);
    }
    List<List<Object>> out = new ArrayList<>();
    for (List<Object[]> rows : byKey.values()) {
      rows.sort(Comparator.comparingLong(e -> (Long) e[4]));
      int i = 0;
      while (i < rows.size()) {
        long start = (Long) rows.get(i)[4];
        long last = start;
        long count = 0;
        Long sum = null;
        Double max = null;
        int j = i;
        while (j < rows.size() && (Long) rows.get(j)[4] - last < gap) {
          Object[] e = rows.get(j);
          last = (Long) e[4];
          count++;
          if (e[2] != null) {
            sum = (sum == null ? 0 : sum) + (Integer) e[2];
          }
          if (e[3] != null) {
            max = max == null ? (Double) e[3] : Math.max(max, (Double) e[3]);
          }
          j++;
        }
        List<Object> row = new ArrayList<>();
        row.add(start);
        row.add(last + gap);
        row.add(rows.get(i)[1]);
        row.add(count);
        row.add(sum);
        row.add(max == null ? null : CalciteOracle.canonical(max));
        out.add(row);
        i = j;
      }
    }
    return out;
  }
}
