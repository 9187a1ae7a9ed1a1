package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.CompiledPipeline;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SQL through the compiler and the runtime on chosen values: integer overflow, division by zero and
 * failed casts are errors naming the expression, its position and the values, never a wrapped or
 * invented number.
 */
class SqlCorrectnessTest {
  private static final SqlCompiler COMPILER = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ZERO)));
  private static final int IMAX = Integer.MAX_VALUE;
  private static final int IMIN = Integer.MIN_VALUE;
  private static final long LMAX = Long.MAX_VALUE;
  private static final long LMIN = Long.MIN_VALUE;
  private BufferAllocator allocator;

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  static CompiledPipeline compile(String sql) {
    CompileResult r = COMPILER.compile("p", sql);
    if (!(r instanceof CompileResult.Success ok)) {
      throw new AssertionError(r.errors().toString());
    }
    return ok.compiled();
  }

  /** Rows (id BIGINT, k VARCHAR, v INT, d DOUBLE, ts) from (id, v, d) triples, one second apart. */
  static List<Object[]> rows(Object[]... idVD) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < idVD.length; i++) {
      Object[] r = idVD[i];
      rows.add(new Object[] {r[0], "a", r[1], r[2], TestTables.BASE + i * 1000L});
    }
    return rows;
  }

  private List<List<Object>> run(String sql, List<Object[]> rows) {
    return StreamRunner.run(compile(sql), allocator, Map.of(), 1024, List.of(new StreamRunner.Input("events", rows)))
        .rows();
  }

  private ExpressionError fails(String sql, List<Object[]> rows) {
    return assertThrows(ExpressionError.class, () -> run(sql, rows));
  }

  /** (expression over v INT or id BIGINT, id, v, expected value or null for an overflow error). */
  static Stream<Arguments> scalarMatrix() {
    return Stream.of(
        // INT
        Arguments.of("v + 1", 0L, IMAX - 1, (long) IMAX),
        Arguments.of("v + 1", 0L, IMAX, null),
        Arguments.of("v + -1", 0L, IMIN, null),
        Arguments.of("v - 1", 0L, IMIN + 1, (long) IMIN),
        Arguments.of("v - 1", 0L, IMIN, null),
        Arguments.of("v - -1", 0L, IMAX, null),
        Arguments.of("v * 2", 0L, IMAX / 2, (long) (IMAX / 2) * 2),
        Arguments.of("v * 2", 0L, IMAX / 2 + 1, null),
        Arguments.of("v * 1000000000", 0L, 5, null),
        Arguments.of("v * -1", 0L, IMIN, null),
        Arguments.of("v / -1", 0L, IMIN, null),
        Arguments.of("v / -1", 0L, IMAX, (long) -IMAX),
        Arguments.of("-v", 0L, IMIN, null),
        Arguments.of("-v", 0L, IMAX, (long) -IMAX),
        Arguments.of("ABS(v)", 0L, IMIN, null),
        Arguments.of("ABS(v)", 0L, IMIN + 1, (long) IMAX),
        Arguments.of("MOD(v, -1)", 0L, IMIN, 0L),
        Arguments.of("CAST(id AS INTEGER)", (long) IMAX + 1, 0, null),
        Arguments.of("CAST(id AS INTEGER)", (long) IMIN, 0, (long) IMIN),
        Arguments.of("CAST(id AS INTEGER)", (long) IMIN - 1, 0, null),
        // BIGINT
        Arguments.of("id + 1", LMAX - 1, 0, LMAX),
        Arguments.of("id + 1", LMAX, 0, null),
        Arguments.of("id + v", LMIN, -1, null),
        Arguments.of("id - 1", LMIN, 0, null),
        Arguments.of("id - 1", LMIN + 1, 0, LMIN),
        Arguments.of("id * 2", LMAX / 2, 0, LMAX / 2 * 2),
        Arguments.of("id * 2", LMAX / 2 + 1, 0, null),
        Arguments.of("id * -1", LMIN, 0, null),
        Arguments.of("id * v", 4_000_000_000L, 4_000_000, 16_000_000_000_000_000L),
        Arguments.of("id * v", 5_000_000_000L, 2_000_000_000, null),
        Arguments.of("id / -1", LMIN, 0, null),
        Arguments.of("-id", LMIN, 0, null),
        Arguments.of("-id", LMAX, 0, -LMAX),
        Arguments.of("ABS(id)", LMIN, 0, null),
        Arguments.of("ABS(id)", LMIN + 1, 0, LMAX),
        Arguments.of("CAST(v AS BIGINT) * 1000000000", 0L, IMAX, (long) IMAX * 1_000_000_000L),
        Arguments.of("MOD(id, -1)", LMIN, 0, 0L));
  }

  @ParameterizedTest(name = "{0} with id={1}, v={2}")
  @MethodSource("scalarMatrix")
  void integerOperatorsAreExactOrFail(String expression, long id, int v, Long expected) {
    String sql = "SELECT " + expression + " AS x FROM events";
    List<Object[]> in = rows(new Object[] {id, v, 1.0});
    if (expected != null) {
      assertEquals(List.of(List.of(expected)), run(sql, in));
      return;
    }
    ExpressionError e = fails(sql, in);
    assertTrue(e.problem().startsWith("integer overflow: "), e.getMessage());
    assertTrue(e.problem().contains(expression.contains("id") && !expression.startsWith("CAST") ? "BIGINT" : "INT"),
        e.getMessage());
    assertNotNull(e.origin(), e.getMessage());
    assertEquals(1, e.origin().line());
    assertEquals(8, e.origin().column(), e.getMessage());
    assertEquals(expression, e.origin().text());
  }

  @Test
  void overflowNamesTheValuesAndTheExpression() {
    ExpressionError e = fails("SELECT id, v * 1000000000 AS big FROM events", rows(new Object[] {1L, 5, 1.0}));
    assertEquals("integer overflow: 5 * 1000000000 is out of the range of INT in `v * 1000000000` (line 1, column 12)",
        e.getMessage());
  }

  @Test
  void overflowInAFilterIsAnErrorToo() {
    ExpressionError e = fails("SELECT id FROM events\nWHERE v + 1 > 0", rows(new Object[] {1L, IMAX, 1.0}));
    assertEquals("integer overflow: 2147483647 + 1 is out of the range of INT in `v + 1` (line 2, column 7)",
        e.getMessage());
  }

  @Test
  void floatingPointCastOutOfIntegerRangeFails() {
    ExpressionError e = fails("SELECT CAST(d AS INTEGER) FROM events", rows(new Object[] {1L, 1, 3e9}));
    assertEquals("value 3.0E9 is out of the range of INT", e.problem());
    e = fails("SELECT CAST(d AS BIGINT) FROM events", rows(new Object[] {1L, 1, 1e19}));
    assertEquals("value 1.0E19 is out of the range of BIGINT", e.problem());
    assertEquals(List.of(List.of(2L, -2L)), run("SELECT CAST(d AS INTEGER), CAST(-d AS BIGINT) FROM events",
        rows(new Object[] {1L, 1, 2.9})));
  }

  /** (aggregate, id values, expected or null for an overflow error). */
  static Stream<Arguments> aggregateMatrix() {
    return Stream.of(
        Arguments.of("SUM(id)", new long[] {LMAX, 1}, null),
        Arguments.of("SUM(id)", new long[] {LMIN, -1}, null),
        Arguments.of("SUM(id)", new long[] {LMAX, 1, -1}, LMAX),
        Arguments.of("SUM(id)", new long[] {LMIN, -1, 1}, LMIN),
        Arguments.of("SUM(id)", new long[] {LMAX, LMAX, LMIN, LMIN}, -2L),
        Arguments.of("AVG(id)", new long[] {LMAX, LMAX, LMAX}, LMAX),
        Arguments.of("AVG(id)", new long[] {LMIN, LMIN}, LMIN),
        Arguments.of("AVG(id)", new long[] {LMAX, LMAX - 2}, LMAX - 1),
        Arguments.of("SUM(v)", new long[] {IMAX, IMAX, IMAX}, 3L * IMAX),
        Arguments.of("SUM(v)", new long[] {IMIN, IMIN}, 2L * IMIN),
        Arguments.of("AVG(v)", new long[] {IMAX, IMAX}, (long) IMAX),
        Arguments.of("AVG(v)", new long[] {IMIN, IMIN, IMIN}, (long) IMIN),
        Arguments.of("MIN(id)", new long[] {LMAX, LMIN}, LMIN),
        Arguments.of("MAX(v)", new long[] {IMAX, IMIN}, (long) IMAX));
  }

  @ParameterizedTest(name = "{0} of {1}")
  @MethodSource("aggregateMatrix")
  void integerAggregatesAreExactOrFail(String aggregate, long[] values, Long expected) {
    String sql = "SELECT window_start, " + aggregate + " AS x FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
        + "INTERVAL '1' HOUR)) GROUP BY window_start, window_end";
    List<Object[]> in = new ArrayList<>();
    for (long value : values) {
      // the value goes in id (BIGINT) and, when it fits, in v (INT)
      in.add(new Object[] {value, (int) value, 1.0});
    }
    for (int batch : new int[] {1, 1024}) {
      if (expected != null) {
        List<List<Object>> out = StreamRunner.run(compile(sql), allocator, Map.of(), batch,
            List.of(new StreamRunner.Input("events", rows(in.toArray(Object[][]::new))))).rows();
        assertEquals(1, out.size());
        assertEquals(expected, out.get(0).get(1), aggregate + " of " + Arrays.toString(values));
        continue;
      }
      ExpressionError e = assertThrows(ExpressionError.class, () -> StreamRunner.run(compile(sql), allocator, Map.of(),
          batch, List.of(new StreamRunner.Input("events", rows(in.toArray(Object[][]::new))))));
      assertTrue(e.problem().startsWith("integer overflow: the SUM of " + values.length + " values is "), e.getMessage());
      assertTrue(e.problem().endsWith("out of the range of BIGINT"), e.getMessage());
      assertEquals(aggregate, e.origin().text());
      assertEquals(22, e.origin().column());
    }
  }

  static Stream<Arguments> inListSizes() {
    return Stream.of(Arguments.of(1), Arguments.of(19), Arguments.of(20), Arguments.of(10_000));
  }

  /** x IN (0, 3, 6, …): every third value of 0..3n, so about a third of the rows match. */
  private static String multiplesOfThree(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ", ").append(3L * i);
    }
    return b.toString();
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("inListSizes")
  void inListsOfAnyLengthAreHashProbes(int n) {
    List<Object[]> in = new ArrayList<>();
    for (int i = -5; i < 3 * n + 5; i++) {
      in.add(new Object[] {(long) i, i, (double) i});
    }
    in.add(new Object[] {7L, null, null});
    in = rows(in.toArray(Object[][]::new));
    String list = multiplesOfThree(n);
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(3L * i);
    }
    for (String column : List.of("v", "id", "d")) {
      String sql = "SELECT id FROM events WHERE " + column + " IN (" + list + ")";
      CompiledPipeline p = compile(sql);
      if (n >= 2) {
        assertTrue(p.explain().contains("IN("), p.explain().substring(0, Math.min(500, p.explain().length())));
      }
      List<Long> ids = run(sql, in).stream().map(r -> (Long) r.get(0)).toList();
      assertEquals(expected, ids, column + " IN " + n + " values");
    }
    // NOT IN: the rest, and NULL (not matched) for the NULL row
    List<Long> ids = run("SELECT id FROM events WHERE v NOT IN (" + list + ")", in).stream()
        .map(r -> (Long) r.get(0)).toList();
    assertEquals(in.size() - 1 - n, ids.size());
    assertTrue(ids.stream().noneMatch(expected::contains));
  }

  @Test
  void inListOfStringsAndNullSemantics() {
    List<Object[]> in = List.of(new Object[] {1L, "a", 1, 1.0, TestTables.BASE}, new Object[] {2L, "b", 2, 1.0,
        TestTables.BASE}, new Object[] {3L, null, null, 1.0, TestTables.BASE});
    StringBuilder many = new StringBuilder("'a'");
    for (int i = 0; i < 30; i++) {
      many.append(", 'x").append(i).append('\'');
    }
    assertEquals(List.of(List.of(1L, true), List.of(2L, false), Arrays.asList(3L, null)),
        run("SELECT id, k IN (" + many + ") FROM events", in));
    // a NULL in the list: not found is NULL, found is TRUE
    assertEquals(List.of(List.of(1L, true), Arrays.asList(2L, null), Arrays.asList(3L, null)),
        run("SELECT id, v IN (1, 5, 6, 7, NULL) FROM events", in));
  }

  @Test
  void inListBesideOtherConditions() {
    List<Object[]> in = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      in.add(new Object[] {(long) i, i, (double) i});
    }
    String sql = "SELECT id FROM events WHERE v IN (" + multiplesOfThree(30) + ") OR v > 95 OR id = 1";
    assertTrue(compile(sql).explain().contains("IN("), compile(sql).explain());
    List<Long> ids = run(sql, rows(in.toArray(Object[][]::new))).stream().map(r -> (Long) r.get(0)).toList();
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      if ((i % 3 == 0 && i < 90) || i > 95 || i == 1) {
        expected.add(i);
      }
    }
    assertEquals(expected, ids);
  }

  @Test
  void aThousandTermFlatExpressionIsPlannedAndRun() {
    String sql = "SELECT " + "v + ".repeat(999) + "v AS total FROM events";
    assertEquals(List.of(List.of(3000L)), run(sql, rows(new Object[] {1L, 3, 1.0})));
  }

  @Test
  void aThousandLevelNestedExpressionIsPlannedAndRun() {
    String sql = "SELECT " + "(".repeat(1000) + "v" + " + 1)".repeat(1000) + " AS total FROM events";
    assertEquals(List.of(List.of(1003L)), run(sql, rows(new Object[] {1L, 3, 1.0})));
  }

  @Test
  void aThousandColumnsAreSplitIntoSeveralGeneratedMethods() {
    StringBuilder select = new StringBuilder("SELECT id");
    for (int i = 0; i < 1000; i++) {
      select.append(", v * ").append(i).append(" + id AS c").append(i);
    }
    List<List<Object>> out = run(select + " FROM events WHERE v > 2", rows(new Object[] {1L, 2, 1.0},
        new Object[] {10L, 3, 1.0}));
    assertEquals(1, out.size());
    assertEquals(1001, out.get(0).size());
    for (int i = 0; i < 1000; i++) {
      assertEquals(3L * i + 10, out.get(0).get(i + 1));
    }
  }
}
