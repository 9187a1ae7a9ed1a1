package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.SqlType;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Event time on a TIMESTAMP(6) (epoch microseconds) and on a TIMESTAMP WITH LOCAL TIME ZONE column:
 * watermarks, TUMBLE/HOP/SESSION bounds of the time column's type, late rows and their lateness in
 * milliseconds, a sub-millisecond max_out_of_orderness, and a restart from a snapshot.
 *
 * <p>The oracle for microseconds is Calcite over the same numbers read as milliseconds, with every
 * interval a thousand times longer: windows, aggregates and bounds are invariant under that change
 * of scale, and Calcite's executor keeps timestamps in milliseconds only.
 */
class EventTimePrecisionTest {
  /** (id, k, v, d, ts TIMESTAMP(6)): {@link TestTables#EVENTS} with a microsecond time. */
  private static final Schema MICROS = new Schema(List.of(TestTables.field("id", SqlType.BIGINT),
      TestTables.field("k", SqlType.VARCHAR), TestTables.field("v", SqlType.INT),
      TestTables.field("d", SqlType.DOUBLE), TestTables.field("ts", SqlType.TIMESTAMP_MICROS)));
  /** The same with ts TIMESTAMP_LTZ (milliseconds). */
  private static final Schema LTZ = new Schema(List.of(TestTables.field("id", SqlType.BIGINT),
      TestTables.field("k", SqlType.VARCHAR), TestTables.field("v", SqlType.INT),
      TestTables.field("d", SqlType.DOUBLE), TestTables.field("ts", SqlType.TIMESTAMP_LTZ)));
  /** 3000 rows ~50 ms apart, displaced by up to 1.5 s, with a random microsecond part. */
  private static final List<Object[]> EVENTS = micros(TestTables.events(42, 3000, 50, 1500), 5);
  private static final ArrowType MICRO = new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);

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

  /** The rows with each time in microseconds: ms × 1000 plus a seeded random 0..999 µs. */
  private static List<Object[]> micros(List<Object[]> rows, long seed) {
    Random r = new Random(seed);
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : rows) {
      Object[] copy = row.clone();
      copy[4] = (Long) row[4] * 1000 + r.nextInt(1000);
      out.add(copy);
    }
    return out;
  }

  private static CompiledPipeline compile(Schema schema, Duration delay, String sql) {
    SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("events", schema, "ts", delay)));
    CompileResult r = compiler.compile("p", sql);
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    return r.pipeline();
  }

  /**
   * Runs the rows through in batches of 128; snapshots and restores into a fresh executor after
   * {@code restartAt} batches (-1: never).
   */
  private List<List<Object>> run(CompiledPipeline p, Schema schema, List<Object[]> rows, int restartAt,
      ExecutorMetrics[] metrics) throws Exception {
    List<List<Object>> out = new ArrayList<>();
    PipelineExecutor e = new PipelineExecutor(p, allocator, Map.of(), b -> StreamRunner.collect(b, out));
    try {
      int batch = 0;
      for (int from = 0; from < rows.size(); from += 128, batch++) {
        if (batch == restartAt) {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          try (DataOutputStream data = new DataOutputStream(bytes)) {
            e.snapshot(data);
          }
          long late = e.metrics().lateRowsDropped();
          e.close();
          e = new PipelineExecutor(p, allocator, Map.of(), b -> StreamRunner.collect(b, out));
          e.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
          e.metrics().addLateRows(late, 0, 0);
        }
        try (VectorSchemaRoot root = TestTables.batch(schema, rows.subList(from, Math.min(from + 128, rows.size())),
            allocator)) {
          e.onBatch("events", root);
        }
      }
      e.onEndOfInput("events");
      if (metrics != null) {
        metrics[0] = e.metrics();
      }
    } finally {
      e.close();
    }
    return out;
  }

  static Stream<Arguments> windows() {
    return Stream.of(
        Arguments.of("SELECT window_start, window_end, k, COUNT(*), SUM(v), MIN(ts), MAX(ts), AVG(d) FROM TABLE(TUMBLE("
            + "TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k",
            "SELECT window_start, window_end, k, COUNT(*), SUM(v), MIN(ts), MAX(ts), AVG(d) FROM TABLE(TUMBLE("
            + "TABLE events, DESCRIPTOR(ts), INTERVAL '1000' SECOND(4))) GROUP BY window_start, window_end, k"),
        Arguments.of("SELECT window_start, window_end, k, COUNT(*), SUM(v) FROM TABLE(HOP(TABLE events, "
            + "DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end, k",
            "SELECT window_start, window_end, k, COUNT(*), SUM(v) FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), "
            + "INTERVAL '500' SECOND(4), INTERVAL '2000' SECOND(4))) GROUP BY window_start, window_end, k"),
        Arguments.of("SELECT window_start, k, MAX(v) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '0.25' "
            + "SECOND)) GROUP BY window_start, window_end, k",
            "SELECT window_start, k, MAX(v) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '250' "
            + "SECOND(4))) GROUP BY window_start, window_end, k"),
        // the group-window form: Calcite's executor runs only the table function, at the same scale
        Arguments.of("SELECT TUMBLE_START(ts, INTERVAL '2' SECOND), TUMBLE_END(ts, INTERVAL '2' SECOND), k, COUNT(*) "
            + "FROM events GROUP BY TUMBLE(ts, INTERVAL '2' SECOND), k",
            "SELECT window_start, window_end, k, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
            + "INTERVAL '2000' SECOND(4))) GROUP BY window_start, window_end, k"));
  }

  @ParameterizedTest
  @MethodSource("windows")
  void microsecondWindowsEqualCalciteAtAThousandfoldScale(String sql, String oracle) throws Exception {
    CompiledPipeline p = compile(MICROS, Duration.ofSeconds(2), sql);
    // the bounds keep the time column's type: TIMESTAMP(6)
    assertEquals(MICRO, p.outputSchema().getFields().get(0).getType(), p.explain());
    ExecutorMetrics[] metrics = new ExecutorMetrics[1];
    List<List<Object>> actual = run(p, MICROS, EVENTS, 11, metrics);
    List<List<Object>> expected = CalciteOracle.query(Map.of("events",
        new CalciteOracle.RowsTable(TestTables.EVENTS, EVENTS, 4)), oracle);
    assertTrue(expected.size() > 100, "oracle rows: " + expected.size());
    assertEquals(OracleTest.sorted(expected), OracleTest.sorted(actual));
    assertEquals(0, metrics[0].lateRowsDropped());
  }

  /**
   * Rows later than a 1.5005 s delay: the watermark is the largest time so far minus the delay in
   * microseconds, rounded down to the millisecond; a row is late when its window's end is not above
   * it, and its lateness is reported in milliseconds.
   */
  @Test
  void lateMicrosecondRowsAreCountedInMillisecondsAndExcluded() throws Exception {
    List<Object[]> events = micros(TestTables.events(42, 3000, 50, 4000), 9);
    Duration delay = Duration.ofMillis(1500).plusNanos(500_000);
    long size = 1_000_000;
    List<Object[]> onTime = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    long maxTime = Long.MIN_VALUE;
    long late = 0;
    long maxLateness = 0;
    for (int from = 0; from < events.size(); from += 128) {
      for (Object[] e : events.subList(from, Math.min(from + 128, events.size()))) {
        long ts = (Long) e[4];
        long end = ts - Math.floorMod(ts, size) + size;
        if (watermark != Long.MIN_VALUE && end <= watermark * 1000) {
          late++;
          maxLateness = Math.max(maxLateness, (watermark * 1000 - end) / 1000);
        } else {
          onTime.add(e);
        }
        maxTime = Math.max(maxTime, ts);
      }
      watermark = Math.max(watermark, Math.floorDiv(maxTime - 1_500_500, 1000));
    }
    assertTrue(late > 10, "the data must have late rows; it has " + late);
    CompiledPipeline p = compile(MICROS, delay, "SELECT window_start, k, COUNT(*), SUM(v) FROM TABLE(TUMBLE(TABLE "
        + "events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k");
    ExecutorMetrics[] metrics = new ExecutorMetrics[1];
    List<List<Object>> actual = run(p, MICROS, events, -1, metrics);
    assertEquals(late, metrics[0].lateRowsDropped());
    assertEquals(maxLateness, metrics[0].lateRowsBySource().get("events").maxLatenessMillis());
    List<List<Object>> expected = CalciteOracle.query(Map.of("events",
        new CalciteOracle.RowsTable(TestTables.EVENTS, onTime, 4)), "SELECT window_start, k, COUNT(*), SUM(v) FROM "
        + "TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1000' SECOND(4))) GROUP BY window_start, window_end, "
        + "k");
    assertEquals(OracleTest.sorted(expected), OracleTest.sorted(actual));
  }

  /** The watermark of a microsecond source, before its end: exact to the millisecond below. */
  @Test
  void aMicrosecondWatermarkIsTheDelayedMaximumRoundedDownToTheMillisecond() {
    WatermarkTracker t = new WatermarkTracker(Duration.ofNanos(1_500_500_000L), 1000);
    assertEquals(WatermarkCoalescer.NONE, t.watermark());
    // 10.000999 s − 1.5005 s = 8.500499 s → 8500 ms
    assertEquals(8_500, t.observe(10_000_999));
    // 10.001000 s − 1.5005 s = 8.5005 s → 8500 ms; and never backwards
    assertEquals(8_500, t.observe(10_001_000));
    assertEquals(8_500, t.observe(3_000_000));
    // a sub-microsecond delay rounds the delay up, the watermark down: 10.5015 s − 1.5000001 s → 9001 ms
    WatermarkTracker fine = new WatermarkTracker(Duration.ofNanos(1_500_000_100L), 1000);
    assertEquals(9_001, fine.observe(10_501_500));
    assertEquals(Long.MAX_VALUE, WatermarkTracker.toUnits(Long.MAX_VALUE, 1000));
    assertEquals(WatermarkCoalescer.NONE, WatermarkTracker.toUnits(WatermarkCoalescer.NONE, 1000));
    assertEquals(8_500_000, WatermarkTracker.toUnits(8_500, 1000));
  }

  /** Sessions over microseconds against a plain sessionization (Calcite's SESSION is unreliable: SessionWindowTest). */
  @Test
  void microsecondSessionsKeepTheirMicrosecondBounds() throws Exception {
    CompiledPipeline p = compile(MICROS, Duration.ofSeconds(2), "SELECT window_start, window_end, k, COUNT(*), SUM(v), "
        + "MAX(d) FROM TABLE(SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.15' SECOND)) "
        + "GROUP BY window_start, window_end, k");
    assertEquals(MICRO, p.outputSchema().getFields().get(0).getType());
    assertEquals(MICRO, p.outputSchema().getFields().get(1).getType());
    ExecutorMetrics[] metrics = new ExecutorMetrics[1];
    List<List<Object>> actual = run(p, MICROS, EVENTS, 7, metrics);
    List<List<Object>> expected = SessionWindowTest.reference(EVENTS, 150_000);
    assertTrue(expected.size() > 100);
    assertEquals(OracleTest.sorted(expected), OracleTest.sorted(actual));
    // sub-millisecond bounds: the microseconds of the rows, not a millisecond grid
    assertTrue(actual.stream().anyMatch(row -> (Long) row.get(0) % 1000 != 0));
    assertEquals(0, metrics[0].lateRowsDropped());
  }

  @Test
  void localTimeZoneWindowsAreInstantsInMilliseconds() throws Exception {
    List<Object[]> events = TestTables.events(42, 3000, 50, 1500);
    CompiledPipeline p = compile(LTZ, Duration.ofSeconds(2), "SELECT window_start, window_end, k, COUNT(*), SUM(v) "
        + "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k");
    ExecutorMetrics[] metrics = new ExecutorMetrics[1];
    List<List<Object>> actual = run(p, LTZ, events, 5, metrics);
    List<List<Object>> expected = CalciteOracle.query(Map.of("events",
        new CalciteOracle.RowsTable(TestTables.EVENTS, events, 4)), "SELECT window_start, window_end, k, COUNT(*), "
        + "SUM(v) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, "
        + "window_end, k");
    assertTrue(expected.size() > 100);
    assertEquals(OracleTest.sorted(expected), OracleTest.sorted(actual));
    assertEquals(0, metrics[0].lateRowsDropped());
    // the bounds of an instant's windows are TIMESTAMP(3) wall-clock times in the session zone (UTC), as in Flink
    assertEquals(SqlType.TIMESTAMP.arrowType(), p.outputSchema().getFields().get(0).getType());
    assertEquals(SqlType.TIMESTAMP.arrowType(), p.outputSchema().getFields().get(1).getType());
  }

  /**
   * A UNION ALL of a microsecond and a millisecond source: both watermarks are milliseconds, so the
   * union's minimum compares like with like; the silent one, once idle, releases the windows.
   */
  @Test
  void aUnionOfMicrosecondAndMillisecondSourcesReleasesItsWindowsWhenOneIsIdle() {
    SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("us", MICROS, "ts", Duration.ZERO),
        CatalogTable.source("ms", TestTables.EVENTS, "ts", Duration.ZERO)));
    CompileResult r = compiler.compile("p", "SELECT TUMBLE_END(ts, INTERVAL '1' SECOND) AS w, COUNT(*) AS n FROM "
        + "(SELECT ts FROM us UNION ALL SELECT CAST(ts AS TIMESTAMP(6)) FROM ms) "
        + "GROUP BY TUMBLE(ts, INTERVAL '1' SECOND)");
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    long base = TestTables.BASE * 1000;
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(r.pipeline(), allocator, Map.of(),
        b -> StreamRunner.collect(b, out))) {
      feed(e, "us", MICROS, base + 100_123, base + 1_100_456, base + 2_000_001);
      assertEquals(List.of(), out, "the silent input holds every window");
      e.onIdle("ms");
      // the watermark is 2 s + 1 µs rounded down to 2 s: the first two windows end at or below it
      assertEquals(List.of(List.of(base + 1_000_000, 1L), List.of(base + 2_000_000, 1L)), out);
      // back: a millisecond row at 2.5 s holds the watermark again, then releases the third window
      feed(e, "ms", TestTables.EVENTS, TestTables.BASE + 2_500);
      feed(e, "us", MICROS, base + 5_000_000);
      assertEquals(2, out.size(), "the returned input holds the watermark at 2.5 s");
      feed(e, "ms", TestTables.EVENTS, TestTables.BASE + 3_200);
      assertEquals(List.of(base + 3_000_000, 2L), out.get(2));
      // a microsecond row behind the watermark (3.2 s) is late
      feed(e, "us", MICROS, base + 2_999_999);
      assertEquals(1, e.metrics().lateRowsDropped());
    }
  }

  private void feed(PipelineExecutor e, String source, Schema schema, long... times) {
    List<Object[]> rows = new ArrayList<>();
    for (long t : times) {
      rows.add(new Object[] {1L, "a", 1, 1.0, t});
    }
    try (VectorSchemaRoot batch = TestTables.batch(schema, rows, allocator)) {
      e.onBatch(source, batch);
    }
  }
}
