package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.laminar.plan.CompiledPipeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A row whose expression fails, with a {@link RowErrorHandler}: the bad rows go to the handler with
 * their values and the error, every other row of the batch goes on, in order.
 */
class RowErrorPolicyTest {
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

  /** Rows (id, v) with v = 10 except where id is in {@code zeros} (v = 0). */
  private static List<Object[]> rows(int n, int... zeros) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int v = 10;
      for (int z : zeros) {
        if (z == i) {
          v = 0;
        }
      }
      rows.add(new Object[] {(long) i, "k" + i, v, 1.5, TestTables.BASE + i});
    }
    return rows;
  }

  private record Run(List<List<Object>> out, List<RowError> errors, long counted) {
  }

  private Run run(String sql, List<Object[]> rows, int batchSize) {
    CompiledPipeline p = SqlCorrectnessTest.compile(sql);
    List<List<Object>> out = new ArrayList<>();
    List<RowError> errors = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(p, allocator, Map.of(), b -> StreamRunner.collect(b, out))) {
      e.onRowErrors(errors::add);
      for (int from = 0; from < rows.size(); from += batchSize) {
        try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS,
            rows.subList(from, Math.min(rows.size(), from + batchSize)), allocator)) {
          e.onBatch("events", batch);
        }
      }
      e.onEndOfInput("events");
      return new Run(out, errors, e.metrics().rowErrors());
    }
  }

  @Test
  void badRowsAreHandedOverAndTheRestOfTheBatchGoesOn() {
    Run r = run("SELECT id, 100 / v AS q FROM events", rows(1000, 0, 417, 999), 1000);
    List<List<Object>> expected = new ArrayList<>();
    for (long i = 0; i < 1000; i++) {
      if (i != 0 && i != 417 && i != 999) {
        expected.add(List.of(i, 10L));
      }
    }
    assertEquals(expected, r.out());
    assertEquals(3, r.counted());
    assertEquals(List.of(0L, 417L, 999L), r.errors().stream().map(e -> e.row().get("id")).toList());
    RowError first = r.errors().get(0);
    assertEquals("Project", first.step());
    assertEquals("division by zero: 100 / 0", first.error().problem());
    assertEquals("100 / v", first.error().origin().text());
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", 0L);
    row.put("k", "k0");
    row.put("v", 0);
    row.put("d", 1.5);
    row.put("ts", "2023-11-14T22:13:20Z");
    assertEquals(row, first.row());
  }

  @Test
  void aFilterThatFailsOnARowDropsOnlyThatRow() {
    Run r = run("SELECT id FROM events WHERE 100 / v > 5", rows(8, 3), 8);
    assertEquals(List.of(List.of(0L), List.of(1L), List.of(2L), List.of(4L), List.of(5L), List.of(6L),
        List.of(7L)), r.out());
    assertEquals("Filter+Project", r.errors().get(0).step());
    assertEquals(1, r.counted());
  }

  @Test
  void aBatchOfOnlyBadRowsEmitsNothing() {
    Run r = run("SELECT id, 100 / v AS q FROM events", rows(4, 0, 1, 2, 3), 4);
    assertEquals(List.of(), r.out());
    assertEquals(4, r.errors().size());
  }

  @Test
  void withoutAHandlerTheFirstBadRowFailsThePipeline() {
    CompiledPipeline p = SqlCorrectnessTest.compile("SELECT id, 100 / v AS q FROM events");
    try (PipelineExecutor e = new PipelineExecutor(p, allocator, Map.of(), b -> { });
        VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, rows(10, 5), allocator)) {
      ExpressionError error = assertThrows(ExpressionError.class, () -> e.onBatch("events", batch));
      assertEquals("division by zero: 100 / 0", error.problem());
      assertEquals(0, e.metrics().rowErrors());
    }
  }

  @Test
  void aHandlerThatThrowsFailsThePipeline() {
    CompiledPipeline p = SqlCorrectnessTest.compile("SELECT id, 100 / v AS q FROM events");
    try (PipelineExecutor e = new PipelineExecutor(p, allocator, Map.of(), b -> { });
        VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, rows(10, 5), allocator)) {
      e.onRowErrors(err -> {
        throw new IllegalStateException("dead letter file not writable");
      });
      assertThrows(IllegalStateException.class, () -> e.onBatch("events", batch));
    }
  }
}
