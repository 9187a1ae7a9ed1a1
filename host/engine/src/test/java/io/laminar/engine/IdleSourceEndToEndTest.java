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
 * {@code [source.watermark] idle_timeout} through the real engine: a UNION ALL of two sources, one
 * silent. Its windows wait until the silent one has been idle for its timeout (processing time from
 * a test clock), then fire; when it produces again it holds the watermark again, and its rows behind
 * the released watermark are late.
 */
class IdleSourceEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  private final AtomicLong clock = new AtomicLong(1_767_225_600_000L);

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("test", "test", List.of(new FeedSourceFactory()), List.of(),
          List.of(new CollectingSinkFactory())))).registry();

  private static String source(String name, String idle) {
    return """

        [[source]]
        name = "%s"
        connector = "feed"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        %s
        """.formatted(name, idle);
  }

  private static final String CONFIG = """
      [server]
      workers = 1

      [state]
      path = "%1$s/state"

      [checkpoint]
      path = "%1$s/checkpoints"
      """ + source("busy", "") + source("quiet", "idle_timeout = \"5s\"") + """

      [[pipeline]]
      name = "p"
      sql = "SELECT TUMBLE_END(ts, INTERVAL '1' SECOND) AS w, COUNT(*) AS n FROM (SELECT ts FROM busy UNION ALL SELECT ts FROM quiet) GROUP BY TUMBLE(ts, INTERVAL '1' SECOND)"

      [[sink]]
      name = "out"
      pipeline = "p"
      connector = "collect"
      """;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.clear();
    FeedSourceFactory.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private static List<String> out() {
    return List.copyOf(CollectingSinkFactory.ROWS.getOrDefault("out", List.of()));
  }

  @Test
  void aSilentInputReleasesTheWindowsAfterItsIdleTimeoutAndHoldsThemAgainWhenItReturns() throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, CONFIG.replace("%1$s", dir.toString()));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    b.processingClock(clock::get);
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    try {
      long t0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
      FeedSourceFactory.feed("busy", "" + (t0 + 100), "" + (t0 + 1_100), "" + (t0 + 2_100));
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 3, "the busy source's rows are in");
      clock.addAndGet(4_999);
      FeedSourceFactory.feed("busy", "" + (t0 + 2_200));
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).rowsIn() == 4, "more rows are in");
      assertEquals(List.of(), out(), "the silent input holds every window before its idle timeout");

      clock.addAndGet(1);
      CheckpointRecoveryTest.await(() -> out().size() == 2, "the windows before the busy source's watermark fired");
      assertEquals(List.of("2026-01-01T00:00:01,1", "2026-01-01T00:00:02,1"), out());

      // back, behind the released watermark (2_200): its late row is dropped and counted as ever
      FeedSourceFactory.feed("quiet", "" + (t0 + 1_500));
      CheckpointRecoveryTest.await(() -> engine.pipelines().get(0).lateRowsDropped() == 1, "the late row was dropped");
      // ... and it holds the watermark again: the busy source alone no longer fires windows
      FeedSourceFactory.feed("quiet", "" + (t0 + 2_500));
      FeedSourceFactory.feed("busy", "" + (t0 + 5_000));
      FeedSourceFactory.feed("quiet", "" + (t0 + 3_200));
      CheckpointRecoveryTest.await(() -> out().size() == 3, "the quiet source's watermark passed 3 s");
      FeedSourceFactory.feed("quiet", "" + (t0 + 6_000));
      CheckpointRecoveryTest.await(() -> out().size() == 4, "the watermark passed 4 s");
      // 3_200 was not late: the returned input had held the watermark at 2_500 while busy was at 5_000
      assertEquals(List.of("2026-01-01T00:00:01,1", "2026-01-01T00:00:02,1", "2026-01-01T00:00:03,3",
          "2026-01-01T00:00:04,1"), out());
      assertEquals(1, engine.pipelines().get(0).lateRowsDropped());
    } finally {
      Engine.Outcome o = engine.shutdown(Duration.ofSeconds(30));
      assertEquals(Engine.State.STOPPED, o.state(), o.failure());
    }
  }
}
