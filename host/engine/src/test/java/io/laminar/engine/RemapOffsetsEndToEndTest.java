package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Source;
import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.state.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Source#remapOffsets} through the real engine: a checkpoint written while the source had
 * only its default split (the single-reader offsets file) restores into the splits the source
 * lists now, as the source maps them; every start asks, a fresh one with nothing saved.
 */
class RemapOffsetsEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
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

  private Engine start() throws Exception {
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

        [[pipeline]]
        name = "p"
        sql = "SELECT ts FROM topic"

        [[sink]]
        name = "out"
        pipeline = "p"
        connector = "collect"
        """.formatted(dir.resolve("cp")));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    return engine;
  }

  private static void stop(Engine engine) {
    Engine.Outcome o = engine.shutdown(Duration.ofSeconds(30));
    assertEquals(Engine.State.STOPPED, o.state(), o.failure());
  }

  /** The offsets file of source {@code topic} in the latest checkpoint. */
  private byte[] latestOffsetsFile() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir.resolve("cp"), 3, "reading")) {
      return store.latestValid().orElseThrow().read(CheckpointCoordinator.offsetsFile("topic"));
    }
  }

  @Test
  void offsetsSavedUnderTheDefaultSplitReachTheSplitsTheSourceMapsThemTo() throws Exception {
    // first the source is a single reader: its one split is the default split
    SplitFeedSourceFactory.LISTED.clear();
    SplitFeedSourceFactory.LISTED.add(Source.DEFAULT_SPLIT);
    Engine first = start();
    try {
      for (int i = 0; i < 3; i++) {
        SplitFeedSourceFactory.feed("topic", Source.DEFAULT_SPLIT, T0 + i);
      }
      CheckpointRecoveryTest.await(() -> first.pipelines().get(0).rowsIn() == 3, "three batches are in");
    } finally {
      stop(first); // the final checkpoint
    }
    // written as before splits: the default split's own bytes, nothing around them
    assertArrayEquals(SplitFeedSourceFactory.offsets(3), latestOffsetsFile());
    assertEquals(List.of("{} [default]"), SplitFeedSourceFactory.REMAP_CALLS, "a fresh start saved nothing");

    // now it lists splits a and b, and moves the default split's offsets to a
    SplitFeedSourceFactory.LISTED.clear();
    SplitFeedSourceFactory.LISTED.addAll(List.of("a", "b"));
    SplitFeedSourceFactory.remap = saved -> {
      Map<String, byte[]> out = new LinkedHashMap<>(saved);
      out.put("a", out.remove(Source.DEFAULT_SPLIT));
      return out;
    };
    SplitFeedSourceFactory.REMAP_CALLS.clear();
    SplitFeedSourceFactory.READERS.clear();
    Engine second = start();
    try {
      assertEquals(List.of("{default=3} [a, b]"), SplitFeedSourceFactory.REMAP_CALLS);
      assertEquals(List.of("{a=3, b=-1}"), SplitFeedSourceFactory.READERS, "a resumes after its 3 batches");
      SplitFeedSourceFactory.feed("topic", "a", T0 + 10);
      CheckpointRecoveryTest.await(() -> second.pipelines().get(0).rowsIn() == 1, "a's batch is in");
    } finally {
      stop(second);
    }
    Map<String, byte[]> saved = SplitOffsets.decode(latestOffsetsFile());
    assertEquals("{a=4, b=0}", SplitFeedSourceFactory.show(saved));
  }

  @Test
  void withoutAMappingOffsetsOfASplitNoLongerListedAreDropped() throws Exception {
    SplitFeedSourceFactory.LISTED.clear();
    SplitFeedSourceFactory.LISTED.add(Source.DEFAULT_SPLIT);
    Engine first = start();
    try {
      SplitFeedSourceFactory.feed("topic", Source.DEFAULT_SPLIT, T0);
      CheckpointRecoveryTest.await(() -> first.pipelines().get(0).rowsIn() == 1, "a batch is in");
    } finally {
      stop(first);
    }
    SplitFeedSourceFactory.LISTED.clear();
    SplitFeedSourceFactory.LISTED.addAll(List.of("a", "b"));
    SplitFeedSourceFactory.READERS.clear();
    stop(start());
    assertEquals(List.of("{a=-1, b=-1}"), SplitFeedSourceFactory.READERS, "the SPI's default keeps the saved ids");
  }
}
