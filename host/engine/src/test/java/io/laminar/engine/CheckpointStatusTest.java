package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Engine#checkpointStatus()} and its gauges: the last periodic checkpoint (id, duration,
 * size, when), when the next is due, a requested one after it, and the final one at the stop; the
 * sinks' prepare and commit durations.
 */
class CheckpointStatusTest {
  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(new ConnectorProvider("builtin",
      "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(), BuiltinConnectors.sinks()))).registry();

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private static <T> T await(String what, Supplier<T> value) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    T v;
    while ((v = value.get()) == null) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(10);
    }
    return v;
  }

  private static double gauge(EngineMetrics metrics, String name, Map<String, String> tags) {
    Double v = metrics.gaugeValues().get(new EngineMetrics.Key(name, tags));
    assertNotNull(v, name + tags + " is not registered: " + metrics.gaugeValues().keySet());
    return v;
  }

  @Test
  void theLastPeriodicCheckpointTheNextDueAndARequestedOneAreReported() throws Exception {
    Path file = Files.writeString(dir.resolve("laminar.toml"), """
        [state]
        path = "%1$s/state"
        [checkpoint]
        path = "%1$s/checkpoints"
        interval = "300ms"

        [[source]]
        name = "ticks"
        connector = "generator"
        [source.properties]
        rows_per_second = 2000
        [[source.schema]]
        name = "n"
        type = "BIGINT"

        [[pipeline]]
        name = "copy"
        sql = "SELECT n FROM ticks"

        [[sink]]
        name = "out"
        pipeline = "copy"
        connector = "blackhole"
        """.formatted(dir));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineMetrics metrics = new EngineMetrics();
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, metrics);
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    Engine engine = new Engine(b, allocator, metrics);

    CheckpointStatus before = engine.checkpointStatus();
    assertNull(before.last());
    assertNull(before.nextDueAtMillis(), "nothing is scheduled before the start");
    assertEquals(300L, before.intervalMs());

    long started = System.currentTimeMillis();
    engine.start();
    try {
      CheckpointStatus.Completed periodic = await("a periodic checkpoint", () -> engine.checkpointStatus().last());
      assertEquals(CheckpointStatus.Trigger.PERIODIC, periodic.trigger());
      assertTrue(periodic.id() >= 1, periodic.toString());
      assertTrue(periodic.sizeBytes() > 0, periodic.toString());
      assertTrue(periodic.durationMs() >= 0, periodic.toString());
      assertTrue(periodic.completedAtMillis() >= started && periodic.completedAtMillis() <= System.currentTimeMillis(),
          periodic.toString());

      CheckpointStatus now = engine.checkpointStatus();
      assertNotNull(now.nextDueAtMillis(), now.toString());
      assertTrue(now.nextDueAtMillis() >= periodic.completedAtMillis(), now.toString());
      assertTrue(now.nextDueAtMillis() <= System.currentTimeMillis() + 300, "at most one interval ahead: " + now);
      assertTrue(now.completed() >= 1 && now.failed() == 0, now.toString());
      assertTrue(gauge(metrics, "laminar_checkpoint_last_id", Map.of()) >= periodic.id());
      assertTrue(gauge(metrics, "laminar_checkpoint_next_due_timestamp_seconds", Map.of()) * 1000
          >= periodic.completedAtMillis() - 1);

      CheckpointResult requested = engine.checkpointNow();
      CheckpointStatus.Completed last = engine.checkpointStatus().last();
      assertEquals(requested.checkpointId(), last.id());
      assertEquals(CheckpointStatus.Trigger.REQUESTED, last.trigger());
      assertTrue(last.id() > periodic.id());
      assertEquals(requested.checkpointId(), (long) gauge(metrics, "laminar_checkpoint_last_id", Map.of()));
      assertTrue(gauge(metrics, "laminar_sink_last_prepare_commit_duration_seconds", Map.of("sink", "out")) >= 0);
      assertTrue(gauge(metrics, "laminar_sink_last_commit_duration_seconds", Map.of("sink", "out")) >= 0);
    } finally {
      engine.shutdown(Duration.ofSeconds(20));
    }
    CheckpointStatus after = engine.checkpointStatus();
    assertEquals(CheckpointStatus.Trigger.FINAL, after.last().trigger(), after.toString());
    assertNull(after.nextDueAtMillis(), "nothing is due once stopped: " + after);
    assertEquals(0, after.inProgress());
    assertTrue(Double.isNaN(gauge(metrics, "laminar_checkpoint_next_due_timestamp_seconds", Map.of())));
  }
}
