package io.laminar.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.Source;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** A plugin's split source reaches the host through {@link IsolatedSource} with its splits, loader and checks. */
class IsolatedSplitReaderTest {
  private static final Schema SCHEMA = new Schema(List.of(
      new Field("id", FieldType.nullable(new ArrowType.Int(64, true)), null)));
  private static final Schema WRONG = new Schema(List.of(
      new Field("other", FieldType.nullable(new ArrowType.Int(64, true)), null)));

  /** Two splits; each poll hands out one row of the next split, built with the schema it is given. */
  private static final class TwoSplitSource implements Source {
    final RootAllocator allocator;
    final List<ClassLoader> seen = new ArrayList<>();
    Schema batchSchema = SCHEMA;

    TwoSplitSource(RootAllocator allocator) {
      this.allocator = allocator;
    }

    @Override
    public void close() {
    }

    @Override
    public List<String> splits() {
      seen.add(Thread.currentThread().getContextClassLoader());
      return List.of("a", "b");
    }

    @Override
    public Duration splitDiscoveryInterval() {
      return Duration.ofSeconds(7);
    }

    @Override
    public SplitReader createReader(Map<String, byte[]> splits) {
      seen.add(Thread.currentThread().getContextClassLoader());
      Map<String, byte[]> assigned = new HashMap<>(splits);
      return new SplitReader() {
        int polls;

        @Override
        public SplitBatch poll(int maxRows, Duration timeout) {
          seen.add(Thread.currentThread().getContextClassLoader());
          if (polls >= 2) {
            return null;
          }
          VectorSchemaRoot root = VectorSchemaRoot.create(batchSchema, allocator);
          BigIntVector v = (BigIntVector) root.getVector(0);
          v.allocateNew(1);
          v.set(0, polls);
          root.setRowCount(1);
          return new SplitBatch(polls++ == 0 ? "a" : "b", Batch.of(root));
        }

        @Override
        public void addSplits(Map<String, byte[]> more) {
          assigned.putAll(more);
        }

        @Override
        public boolean isExhausted(String split) {
          seen.add(Thread.currentThread().getContextClassLoader());
          return polls >= 2;
        }

        @Override
        public Map<String, byte[]> snapshotOffsets() {
          seen.add(Thread.currentThread().getContextClassLoader());
          return Map.of("a", new byte[] {1}, "b", new byte[] {2});
        }

        @Override
        public void close() {
          seen.add(Thread.currentThread().getContextClassLoader());
        }
      };
    }
  }

  @Test
  void splitsReadersAndTheirCallsRunWithThePluginsLoader() throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        URLClassLoader pluginLoader = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
      TwoSplitSource plugin = new TwoSplitSource(allocator);
      Source host = new IsolatedSource(plugin, pluginLoader, "plugin 'p'", SCHEMA);

      assertEquals(List.of("a", "b"), host.splits());
      assertEquals(Duration.ofSeconds(7), host.splitDiscoveryInterval());
      SplitReader reader = host.createReader(Map.of("a", new byte[0], "b", new byte[0]));
      SplitBatch first = reader.poll(10, Duration.ZERO);
      assertEquals("a", first.split());
      first.batch().close();
      SplitBatch second = reader.poll(10, Duration.ZERO);
      assertEquals("b", second.split());
      second.batch().close();
      assertNull(reader.poll(10, Duration.ZERO));
      assertTrue(reader.isExhausted("a"));
      assertEquals(2, reader.snapshotOffsets().size());
      reader.close();

      assertEquals(8, plugin.seen.size());
      plugin.seen.forEach(loader -> assertSame(pluginLoader, loader));
      assertSame(getClass().getClassLoader(), Thread.currentThread().getContextClassLoader());
    }
  }

  @Test
  void aSplitBatchThatDisagreesWithTheSchemaIsRefusedNamingThePluginAndReleased() throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        URLClassLoader pluginLoader = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
      TwoSplitSource plugin = new TwoSplitSource(allocator);
      plugin.batchSchema = WRONG;
      SplitReader reader = new IsolatedSource(plugin, pluginLoader, "plugin 'p'", SCHEMA).createReader(Map.of());
      ConnectorException e = assertThrows(ConnectorException.class, () -> reader.poll(10, Duration.ZERO));
      assertTrue(e.getMessage().contains("plugin 'p'"), e.getMessage());
      reader.close();
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }
}
