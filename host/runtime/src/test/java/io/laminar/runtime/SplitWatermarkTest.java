package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.CompiledPipeline;
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
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A source's watermark is the minimum over its splits: a split read behind the others (a Kafka
 * backlog read partition by partition) makes none of its rows late; an idle split stops holding it;
 * an exhausted split no longer counts.
 */
class SplitWatermarkTest {
  private static final SqlCompiler COMPILER = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofMillis(500))));
  private static final String SQL = "SELECT TUMBLE_END(ts, INTERVAL '1' SECOND) AS w, COUNT(*) AS n FROM events "
      + "GROUP BY TUMBLE(ts, INTERVAL '1' SECOND)";
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

  private void feed(PipelineExecutor e, String split, long... offsets) {
    List<Object[]> rows = new ArrayList<>();
    for (long at : offsets) {
      rows.add(new Object[] {1L, "a", 1, 1.0, TestTables.BASE + at});
    }
    try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, rows, allocator)) {
      e.onBatch("events", split, batch, null);
    }
  }

  private static CompiledPipeline pipeline() {
    return ((CompileResult.Success) COMPILER.compile("p", SQL)).compiled();
  }

  @Test
  void aSplitReadBehindTheOthersMakesNoRowLate() {
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(pipeline(), allocator, Map.of(), b -> StreamRunner.collect(b, out))) {
      e.addSplits("events", List.of("p0", "p1"));
      // p0's backlog is read first, far ahead of p1
      feed(e, "p0", 100, 1_100, 2_100, 3_100, 4_100);
      assertEquals(List.of(), out, "p1 has not produced: it holds the watermark");
      feed(e, "p1", 150, 1_150);
      assertEquals(0, e.metrics().lateRowsDropped(), "a per-source watermark (3_600) would have made these late");
      assertEquals(List.of(), out, "min(3_600, 650) closes nothing");
      feed(e, "p1", 2_150, 3_150, 4_150, 5_000);
      assertEquals(0, e.metrics().lateRowsDropped());
      assertEquals(List.of(List.of(TestTables.BASE + 1_000, 2L), List.of(TestTables.BASE + 2_000, 2L),
          List.of(TestTables.BASE + 3_000, 2L)), out, "min(3_600, 4_500) closes the windows up to 3_000");
    }
  }

  @Test
  void anIdleSplitStopsHoldingTheWatermarkAndHoldsItAgainWhenItProduces() {
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(pipeline(), allocator, Map.of(), b -> StreamRunner.collect(b, out))) {
      e.addSplits("events", List.of("p0", "p1"));
      feed(e, "p0", 100, 1_100, 2_100);
      assertEquals(List.of(), out, "the quiet split holds every window");
      e.onIdle("events", "p1");
      assertTrue(!e.isIdle("events"), "one split still produces: the source is not idle");
      assertEquals(List.of(List.of(TestTables.BASE + 1_000, 1L)), out, "watermark 1_600 closes [0, 1000)");
      feed(e, "p1", 1_700); // back: behind p0, it holds the watermark again (at 1_200, never backwards)
      feed(e, "p0", 5_000);
      assertEquals(1, out.size(), "the returned split holds the watermark");
      assertEquals(0, e.metrics().lateRowsDropped());
      feed(e, "p1", 3_000);
      assertEquals(List.of(TestTables.BASE + 2_000, 2L), out.get(1));
    }
  }

  @Test
  void anExhaustedSplitNoLongerHoldsTheWatermark() {
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(pipeline(), allocator, Map.of(), b -> StreamRunner.collect(b, out))) {
      e.addSplits("events", List.of("p0", "p1"));
      feed(e, "p1", 200);
      feed(e, "p0", 100, 1_100, 2_100);
      assertEquals(List.of(), out);
      e.onSplitEnd("events", "p1");
      assertEquals(List.of(List.of(TestTables.BASE + 1_000, 2L)), out);
      e.onSplitEnd("events", "p0");
      e.onEndOfInput("events");
      assertEquals(3, out.size(), "the end of the source flushes the rest");
    }
  }

  @Test
  void aRestoredSourceKeepsItsWatermarkUntilEverySplitProducedAgain() throws Exception {
    CompiledPipeline p = pipeline();
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(p, allocator, Map.of(), b -> StreamRunner.collect(b, out))) {
      e.addSplits("events", List.of("p0", "p1"));
      feed(e, "p0", 100, 2_100);
      feed(e, "p1", 1_700);
      assertEquals(List.of(List.of(TestTables.BASE + 1_000, 1L)), out);
      try (DataOutputStream d = new DataOutputStream(saved)) {
        e.snapshot(d);
      }
    }
    out.clear();
    try (PipelineExecutor e = new PipelineExecutor(p, allocator, Map.of(), b -> StreamRunner.collect(b, out))) {
      e.restore(new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
      e.addSplits("events", List.of("p0", "p1"));
      feed(e, "p0", 6_000);
      assertEquals(List.of(), out, "p1 (behind at 1_700) has not produced since the restore: it holds");
      feed(e, "p1", 1_900); // not late: the watermark is still 1_200
      assertEquals(0, e.metrics().lateRowsDropped());
      assertEquals(List.of(), out);
      feed(e, "p1", 3_600);
      assertEquals(List.of(List.of(TestTables.BASE + 2_000, 2L), List.of(TestTables.BASE + 3_000, 1L)), out);
    }
  }
}
