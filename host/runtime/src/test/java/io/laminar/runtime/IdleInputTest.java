package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.CompiledPipeline;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A UNION ALL with one silent input: marked idle, it stops holding back the windows; back, it holds them again. */
class IdleInputTest {
  private static final SqlCompiler COMPILER = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ZERO),
      CatalogTable.source("events2", TestTables.EVENTS, "ts", Duration.ZERO)));
  private static final String SQL = "SELECT TUMBLE_END(ts, INTERVAL '1' SECOND) AS w, COUNT(*) AS n FROM "
      + "(SELECT ts FROM events UNION ALL SELECT ts FROM events2) GROUP BY TUMBLE(ts, INTERVAL '1' SECOND)";
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

  private void feed(PipelineExecutor e, String source, long... offsets) {
    List<Object[]> rows = new ArrayList<>();
    for (long at : offsets) {
      rows.add(new Object[] {1L, "a", 1, 1.0, TestTables.BASE + at});
    }
    try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, rows, allocator)) {
      e.onBatch(source, batch);
    }
  }

  @Test
  void anIdleInputReleasesTheWindowsAndHoldsThemAgainWhenItReturns() {
    CompileResult r = COMPILER.compile("p", SQL);
    CompiledPipeline p = ((CompileResult.Success) r).compiled();
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(p, allocator, Map.of(), b -> StreamRunner.collect(b, out))) {
      feed(e, "events", 100, 1_100, 2_100);
      assertEquals(List.of(), out, "the silent input holds every window");
      e.onIdle("events2");
      assertTrue(e.isIdle("events2"));
      assertEquals(List.of(List.of(TestTables.BASE + 1_000, 1L), List.of(TestTables.BASE + 2_000, 1L)), out);

      // back: at 2_500 it is behind the released watermark (2_100); it holds the watermark again
      feed(e, "events2", 2_500);
      assertTrue(!e.isIdle("events2"));
      feed(e, "events", 5_000);
      assertEquals(2, out.size(), "the returned input holds the watermark at 2_500");
      feed(e, "events2", 3_200);
      assertEquals(List.of(TestTables.BASE + 3_000, 2L), out.get(2));
      // a row behind the watermark after the release is late, counted as ever
      feed(e, "events2", 1_500);
      assertEquals(1, e.metrics().lateRowsDropped());
    }
  }
}
