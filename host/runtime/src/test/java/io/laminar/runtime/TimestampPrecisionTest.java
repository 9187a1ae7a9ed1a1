package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.SqlType;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TIMESTAMP(6) (epoch microseconds) and TIMESTAMP WITH LOCAL TIME ZONE (an instant in milliseconds;
 * the session time zone is UTC) through the compiler and runtime: precision kept, CASTs between the
 * units and to text, comparison across units, interval arithmetic.
 */
class TimestampPrecisionTest {
  /** (ts TIMESTAMP(3) with the watermark, us TIMESTAMP(6), z TIMESTAMP_LTZ). */
  static final Schema T = new Schema(List.of(TestTables.field("ts", SqlType.TIMESTAMP),
      TestTables.field("us", SqlType.TIMESTAMP_MICROS), TestTables.field("z", SqlType.TIMESTAMP_LTZ)));
  /** 2026-01-01 00:00:00.123456 in microseconds. */
  static final long US = 1_767_225_600_123_456L;

  private final SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("t", T, "ts", Duration.ZERO)));
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

  private CompiledPipeline compile(String sql) {
    CompileResult r = compiler.compile("p", sql);
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    return r.pipeline();
  }

  private List<List<Object>> run(CompiledPipeline p, Object[]... rows) {
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(p, allocator, Map.of(), b -> DecimalOracleTest.collect(b, out));
        VectorSchemaRoot batch = TestTables.batch(T, List.of(rows), allocator)) {
      e.onBatch("t", batch);
      e.onEndOfInput("t");
    }
    return out;
  }

  @Test
  void microsecondsAreKeptThroughProjectionsAndCasts() {
    CompiledPipeline p = compile("SELECT us, CAST(us AS VARCHAR) AS txt, CAST(us AS TIMESTAMP(3)) AS ms, "
        + "CAST(ts AS TIMESTAMP(6)) AS widened, us + INTERVAL '1' SECOND AS later, CAST(us AS DATE) AS d, "
        + "TIMESTAMP '2026-01-01 00:00:00.654321' AS parsed FROM t");
    assertEquals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), p.outputSchema().getFields().get(0).getType());
    assertEquals(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null), p.outputSchema().getFields().get(2).getType());
    List<Object> row = run(p, new Object[] {1_767_225_600_123L, US, 1_767_225_600_123L}).get(0);
    // a TIMESTAMP '…' literal keeps its microseconds (a constant CAST of a string is folded by Calcite in ms)
    assertEquals(List.of(US, "2026-01-01 00:00:00.123456", 1_767_225_600_123L, 1_767_225_600_123_000L,
        US + 1_000_000L, 20454, 1_767_225_600_654_321L), row);
  }

  @Test
  void comparisonsAcrossUnitsUseTheFinerOne() {
    CompiledPipeline p = compile("SELECT us > ts AS after, us = CAST(ts AS TIMESTAMP(6)) AS same, z = ts AS instant "
        + "FROM t");
    List<List<Object>> out = run(p, new Object[] {1_767_225_600_123L, US, 1_767_225_600_123L},
        new Object[] {1_767_225_600_123L, 1_767_225_600_123_000L, 1L});
    assertEquals(List.of(List.of(true, false, true), List.of(false, true, false)), out);
  }

  @Test
  void localTimeZoneTimestampsAreInstantsShownInUtc() {
    CompiledPipeline p = compile("SELECT z, CAST(z AS VARCHAR) AS txt, CAST(z AS TIMESTAMP) AS wall FROM t");
    assertEquals(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"), p.outputSchema().getFields().get(0).getType());
    List<Object> row = run(p, new Object[] {0L, 0L, 1_767_225_600_123L}).get(0);
    assertEquals(1_767_225_600_123L, row.get(0));
    assertEquals("2026-01-01 00:00:00", row.get(1));
    assertEquals(1_767_225_600_123L, row.get(2));
  }
}
