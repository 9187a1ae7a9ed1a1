package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watermarks per split through the real engine (a source with splits a and b, as a Kafka topic with
 * two partitions): a backlog read split by split makes no row late, and with {@code idle_timeout} a
 * quiet split stops holding the windows and holds them again when it produces.
 */
class SplitWatermarkEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  private final AtomicLong clock = new AtomicLong(1_767_225_600_000L);
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("test", "test", List.of(new SplitFeedSourceFactory()), List.of(),
          List.of(new CollectingSinkFactory())))).registry();

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.clear();
    SplitFeedSourceFactory.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Engine start(String watermark) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, """
        [server]
        workers = 1

        [checkpoint]
        path = "%s"

        [[source]]
        name = "topic"
        connector = "split_feed"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        %s

        [[pipeline]]
        name = "p"
        sql = "SELECT TUMBLE_END(ts, INTERVAL '1' SECOND) AS w, COUNT(*) AS n FROM topic GROUP BY TUMBLE(ts, INTERVAL '1' SECOND)"

        [[sink]]
        name = "out"
        pipeline = "p"
        connector = "collect"
        """.formatted(dir.resolve("cp"), watermark));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    b.processingClock(clock::get);
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    return engine;
  }

  private static List<String> out() {
    return List.copyOf(CollectingSinkFactory.ROWS.getOrDefault("out", List.of()));
  }

  @Test
  void aBacklogReadSplitBySplitDropsNoRowAsLate() throws Exception {
    Engine engine = start("max_out_of_orderness = \"500ms\"");
    try {
      SplitFeedSourceFactory.feed("topic", "a", T0 + 100, T0 + 1_100, T0 + 2_100, T0 + 3_100, T0 + 4_100);
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 5, "split a's backlog is in");
      SplitFeedSourceFactory.feed("topic", "b", T0 + 150, T0 + 1_150, T0 + 2_150);
      SplitFeedSourceFactory.feed("topic", "b", T0 + 3_150, T0 + 4_150, T0 + 5_000);
      CheckpointRecoveryTest.await(() -> out().size() == 3, "the windows up to min(a, b) - 500 ms fired");
      assertEquals(0, engine.pipelines().get(0).lateRowsDropped(), "a per-source watermark would drop b's rows");
      assertEquals(List.of("2026-01-01T00:00:01,2", "2026-01-01T00:00:02,2", "2026-01-01T00:00:03,2"), out());
    } finally {
      Engine.Outcome o = engine.shutdown(Duration.ofSeconds(30));
      assertEquals(Engine.State.STOPPED, o.state(), o.failure());
    }
  }

  @Test
  void aQuietSplitStopsHoldingTheWindowsAfterItsIdleTimeoutAndHoldsThemAgainWhenItProduces() throws Exception {
    Engine engine = start("idle_timeout = \"5s\"");
    try {
      SplitFeedSourceFactory.feed("topic", "a", T0 + 100, T0 + 1_100, T0 + 2_100);
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 3, "split a's rows are in");
      clock.addAndGet(4_999);
      SplitFeedSourceFactory.feed("topic", "a", T0 + 2_200);
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 4, "more rows are in");
      assertEquals(List.of(), out(), "the quiet split holds every window before its idle timeout");

      clock.addAndGet(1);
      CheckpointRecoveryTest.await(() -> out().size() == 2, "the windows before split a's watermark fired");
      assertEquals(List.of("2026-01-01T00:00:01,1", "2026-01-01T00:00:02,1"), out());

      // b produces again, at 2_500: it holds the watermark again, so a alone fires nothing more
      SplitFeedSourceFactory.feed("topic", "b", T0 + 2_500);
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 5, "split b's row is in");
      SplitFeedSourceFactory.feed("topic", "a", T0 + 5_000);
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 6, "both rows are in");
      SplitFeedSourceFactory.feed("topic", "b", T0 + 3_200);
      CheckpointRecoveryTest.await(() -> out().size() == 3, "split b's watermark passed 3 s");
      assertEquals("2026-01-01T00:00:03,3", out().get(2), "2_100, 2_200 and b's 2_500: none late");
      assertEquals(0, engine.pipelines().get(0).lateRowsDropped());
    } finally {
      Engine.Outcome o = engine.shutdown(Duration.ofSeconds(30));
      assertEquals(Engine.State.STOPPED, o.state(), o.failure());
    }
  }

  @Test
  void aSplitDiscoveredWhileRunningIsReadAndHoldsTheWatermarkFromTheStart() throws Exception {
    Engine engine = start("");
    try {
      SplitFeedSourceFactory.feed("topic", "a", T0 + 100, T0 + 1_100);
      SplitFeedSourceFactory.feed("topic", "b", T0 + 150, T0 + 1_150);
      CheckpointRecoveryTest.await(() -> out().size() == 1, "the first window fired");
      assertEquals(1, SplitFeedSourceFactory.LISTINGS.get(), "the splits were listed once at the start");

      SplitFeedSourceFactory.LISTED.add("c"); // a new partition
      clock.addAndGet(SplitFeedSourceFactory.DISCOVERY.toMillis());
      CheckpointRecoveryTest.await(() -> SplitFeedSourceFactory.LISTINGS.get() == 2, "the splits were listed again");
      SplitFeedSourceFactory.feed("topic", "a", T0 + 5_000);
      SplitFeedSourceFactory.feed("topic", "b", T0 + 5_000);
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 6, "a's and b's rows are in");
      assertEquals(1, out().size(), "the new split holds the watermark before its first row");
      SplitFeedSourceFactory.feed("topic", "c", T0 + 1_500, T0 + 2_600);
      CheckpointRecoveryTest.await(() -> out().size() == 2, "the new split's rows moved the watermark");
      assertEquals("2026-01-01T00:00:02,3", out().get(1), "1_100, 1_150 and c's 1_500: not late");
      assertEquals(0, engine.pipelines().get(0).lateRowsDropped());
    } finally {
      Engine.Outcome o = engine.shutdown(Duration.ofSeconds(30));
      assertEquals(Engine.State.STOPPED, o.state(), o.failure());
    }
  }
}
