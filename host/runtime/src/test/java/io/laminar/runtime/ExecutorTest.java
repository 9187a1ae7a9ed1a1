package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laminar.api.LookupSource;
import io.laminar.plan.CompiledPipeline;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExecutorTest {
  private static final long B = TestTables.BASE - TestTables.BASE % 1000;
  private final SqlCompiler compiler = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofMillis(500)),
      CatalogTable.lookup("users", TestTables.USERS, List.of("uk"))));
  private RootAllocator allocator;

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private static Object[] row(long id, String k, int v, long ts) {
    return new Object[] {id, k, v, 1.0, ts};
  }

  private CompiledPipeline compile(String sql) {
    return compiler.compile("p", sql).pipeline();
  }

  private void feed(PipelineExecutor e, Object[]... rows) {
    try (VectorSchemaRoot b = TestTables.batch(TestTables.EVENTS, List.of(rows), allocator)) {
      e.onBatch("events", b);
    }
  }

  @Test
  void windowIsEmittedWhenWatermarkPassesItsEnd() {
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end"), allocator, Map.of(),
        b -> StreamRunner.collect(b, out))) {
      feed(e, row(1, "a", 1, B + 100), row(2, "a", 1, B + 900));
      feed(e, row(3, "a", 1, B + 1400));
      assertEquals(List.of(), out, "watermark 900 < window end 1000");
      feed(e, row(4, "a", 1, B + 1500));
      assertEquals(List.of(List.of(B, 2L)), out);
      assertEquals(B + 1000, e.metrics().watermark());
    }
  }

  @Test
  void lateRowsAreReportedOncePerBatchWithTheirSourceAndHowFarTheWatermarkHadPassedTheirWindow() {
    List<String> reports = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end"), allocator, Map.of(),
        b -> { })) {
      e.onLateRows((source, rows, max, total) -> reports.add(source + ":" + rows + ":" + max + ":" + total));
      feed(e, row(1, "a", 1, B + 100), row(2, "a", 1, B + 2600));
      assertEquals(List.of(), reports, "nothing late yet");
      // watermark 2100: the row at 200 (window end 1000) is 1100 ms late, the one at 1999 (end 2000) 100 ms
      feed(e, row(3, "a", 1, B + 200), row(4, "a", 1, B + 1999), row(5, "a", 1, B + 2050));
      assertEquals(List.of("events:2:1100:1200"), reports);
      feed(e, row(6, "a", 1, B + 3000));
      assertEquals(1, reports.size(), "a batch without late rows is not reported");
      assertEquals(Map.of("events", new ExecutorMetrics.LateRows(2, 1100)), e.metrics().lateRowsBySource());
    }
  }

  @Test
  void lateRowsOfEmittedWindowsAreCountedAndDropped() {
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end"), allocator, Map.of(),
        b -> StreamRunner.collect(b, out))) {
      feed(e, row(1, "a", 1, B + 100), row(2, "a", 1, B + 2600));
      // watermark is now 2100: windows ending at 1000 and 2000 are emitted, so 200 and 1999 are late
      feed(e, row(3, "a", 1, B + 200), row(4, "a", 1, B + 1999), row(5, "a", 1, B + 2050));
      e.onEndOfInput("events");
      assertEquals(2, e.metrics().lateRowsDropped());
      assertEquals(OracleTest.sorted(List.of(List.of(B, 1L), List.of(B + 2000, 2L))),
          OracleTest.sorted(out));
    }
  }

  @Test
  void endOfInputFlushesOpenWindows() {
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT window_start, SUM(v) FROM TABLE(TUMBLE(TABLE events, "
        + "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end"), allocator, Map.of(),
        b -> StreamRunner.collect(b, out))) {
      feed(e, row(1, "a", 5, B), row(2, "a", 7, B + 10));
      assertEquals(List.of(), out);
      e.onEndOfInput("events");
      assertEquals(1, out.size());
      assertEquals(12L, out.get(0).get(1));
      assertEquals(true, e.isFinished());
    }
  }

  @Test
  void severalPipelinesReadTheSameSourceBatches() {
    List<List<Object>> big = new ArrayList<>();
    List<List<Object>> small = new ArrayList<>();
    try (PipelineExecutor a = new PipelineExecutor(compile("SELECT id FROM events WHERE v > 5"), allocator, Map.of(),
        b -> StreamRunner.collect(b, big));
        PipelineExecutor c = new PipelineExecutor(compile("SELECT id FROM events WHERE v <= 5"), allocator, Map.of(),
            b -> StreamRunner.collect(b, small))) {
      try (VectorSchemaRoot b = TestTables.batch(TestTables.EVENTS,
          List.of(row(1, "a", 1, B), row(2, "b", 9, B), row(3, "c", 6, B)), allocator)) {
        a.onBatch("events", b);
        c.onBatch("events", b);
      }
      assertEquals(List.of(List.of(2L), List.of(3L)), big);
      assertEquals(List.of(List.of(1L)), small);
      assertEquals(3, a.metrics().rowsIn());
      assertEquals(2, a.metrics().rowsOut());
    }
  }

  @Test
  void lookupJoinAsksOncePerBatchForDistinctUncachedKeys() {
    InMemoryLookup users = new InMemoryLookup(TestTables.USERS, TestTables.users(), allocator);
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(compile("SELECT e.id, u.name FROM events e LEFT JOIN users "
        + "FOR SYSTEM_TIME AS OF e.ts AS u ON e.k = u.uk"), allocator, Map.<String, LookupSource>of("users", users),
        b -> StreamRunner.collect(b, out))) {
      feed(e, row(1, "a", 1, B), row(2, "a", 1, B), row(3, "e", 1, B), row(4, "b", 1, B));
      assertEquals(1, users.calls);
      assertEquals(3, users.keysAsked, "a, e, b once each");
      feed(e, row(5, "a", 1, B), row(6, "e", 1, B));
      assertEquals(1, users.calls, "hits and cached misses need no call");
      assertEquals(List.of(List.of(1L, "Ann"), List.of(2L, "Ann"), Arrays.asList(3L, null), List.of(4L, "Bob"),
          List.of(5L, "Ann"), Arrays.asList(6L, null)), out);
      assertEquals(2, e.metrics().lookupCacheHits());
    }
  }

  @Test
  void lookupCacheExpiresEntriesAfterTtlAndEvictsBeyondMaxSize() {
    long[] now = {0};
    LookupCache cache = new LookupCache(new LookupCache.Config(2, Duration.ofSeconds(10), () -> now[0]));
    cache.put(List.of("a"), new Object[] {"a"});
    cache.put(List.of("b"), null);
    cache.get(List.of("a"));
    cache.put(List.of("c"), new Object[] {"c"});
    assertEquals(null, cache.get(List.of("b")), "least recently used evicted");
    now[0] = Duration.ofSeconds(10).toNanos();
    assertEquals(null, cache.get(List.of("a")), "expired");
  }

  private static final class Arrays {
    static List<Object> asList(Object... values) {
      return java.util.Arrays.asList(values);
    }
  }
}
