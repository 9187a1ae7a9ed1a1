package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Source#checkpointCompleted}: called with the offsets of each checkpoint, and only once that
 * checkpoint is on disk (a source acknowledging its upstream there never acknowledges too early).
 */
class SourceAcknowledgementTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  /** Offsets acknowledged, and whether a completed checkpoint held exactly those bytes at that moment. */
  static final List<String> ACKS = Collections.synchronizedList(new ArrayList<>());

  /** A bounded source of 0..999 in batches of 10; its offset is the count of rows handed out. */
  static final class ProbeFactory implements SourceFactory {
    private final Path checkpoints;

    ProbeFactory(Path checkpoints) {
      this.checkpoints = checkpoints;
    }

    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder("ack_probe", ConnectorKind.SOURCE).description("records acknowledgements").build();
    }

    @Override
    public Source create(ConnectorContext context) {
      return new Source() {
        long next;

        @Override
        public void open(byte[] restoredOffsets) {
          next = restoredOffsets == null ? 0 : ByteBuffer.wrap(restoredOffsets).getLong();
        }

        @Override
        public Batch poll(int maxRows, Duration timeout) {
          if (next >= 1000) {
            return null;
          }
          VectorSchemaRoot root = VectorSchemaRoot.create(context.schema(), context.allocator());
          BigIntVector v = (BigIntVector) root.getVector(0);
          v.allocateNew(10);
          for (int i = 0; i < 10; i++) {
            v.set(i, next++);
          }
          root.setRowCount(10);
          return Batch.of(root);
        }

        @Override
        public boolean isExhausted() {
          return next >= 1000;
        }

        @Override
        public byte[] snapshotOffsets() {
          return ByteBuffer.allocate(8).putLong(next).array();
        }

        @Override
        public void checkpointCompleted(byte[] offsets) {
          ACKS.add(ByteBuffer.wrap(offsets).getLong() + (durable(offsets) ? " durable" : " before it was durable"));
        }

        private boolean durable(byte[] offsets) {
          try (Stream<Path> files = Files.walk(checkpoints)) {
            return files.filter(f -> f.getFileName().toString().equals(CheckpointCoordinator.offsetsFile("numbers")))
                .filter(f -> !f.getParent().getFileName().toString().startsWith(".tmp")) // not yet renamed into place
                .anyMatch(f -> {
                  try {
                    return Arrays.equals(Files.readAllBytes(f), offsets);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public void close() {
        }
      };
    }
  }

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    ACKS.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  @Test
  void everyCheckpointIsAcknowledgedWithItsOffsetsOnlyOnceDurable() throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    ConnectorRegistry registry = ConnectorRegistry.build(List.of(
        new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
            BuiltinConnectors.sinks()),
        new ConnectorProvider("test", "test", List.of(new ProbeFactory(checkpoints)), List.of(), List.of()))).registry();
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, """
        [state]
        path = "%1$s/state"

        [checkpoint]
        path = "%1$s/checkpoints"

        [[source]]
        name = "numbers"
        connector = "ack_probe"
        [[source.schema]]
        name = "n"
        type = "BIGINT"

        [[pipeline]]
        name = "copy"
        sql = "SELECT n FROM numbers"

        [[sink]]
        name = "out"
        pipeline = "copy"
        connector = "blackhole"
        """.formatted(dir));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), registry, allocator, new EngineMetrics());
    assertTrue(b.construct().ok());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, outcome.state(), outcome.failure());
    List<String> acks = new ArrayList<>(ACKS);
    assertFalse(acks.isEmpty(), "the final checkpoint is acknowledged");
    assertEquals("1000 durable", acks.get(acks.size() - 1));
    assertTrue(acks.stream().allMatch(a -> a.endsWith(" durable")), acks.toString());
  }
}
