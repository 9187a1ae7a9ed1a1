package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A test source with splits {@code a} and {@code b} (and any a test adds to {@link #LISTED}), type
 * {@code split_feed}, that a test feeds per
 * split while the engine runs (rows are event times in epoch ms, the schema one TIMESTAMP column);
 * a split is silent until fed. Never exhausted. A split's offset is the number of its batches read.
 * A test may set its {@code remapOffsets} ({@link #remap}); calls and readers are recorded.
 */
final class SplitFeedSourceFactory implements SourceFactory {
  /** The splits the source lists (a test may add one: it is discovered within {@link #DISCOVERY}). */
  static final List<String> LISTED = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** How often the host lists the splits again (processing time, the test's clock). */
  static final Duration DISCOVERY = Duration.ofSeconds(10);
  /** How often {@code splits()} was called. */
  static final java.util.concurrent.atomic.AtomicInteger LISTINGS = new java.util.concurrent.atomic.AtomicInteger();
  private static final Map<String, BlockingQueue<long[]>> FEEDS = new ConcurrentHashMap<>();
  /** The source's {@code remapOffsets} (null: the SPI's default, offsets unchanged). */
  static volatile java.util.function.UnaryOperator<Map<String, byte[]>> remap;
  /** Every {@code remapOffsets} call: the saved offsets (as batch counts) and the splits listed, as text. */
  static final List<String> REMAP_CALLS = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Every reader made: its splits with the batch count each was given (-1: no offsets), as text. */
  static final List<String> READERS = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A split's offsets: the number of its batches read. */
  static byte[] offsets(int batches) {
    return ByteBuffer.allocate(4).putInt(batches).array();
  }

  /** Offsets by split as text, {@code {a=3, b=-1}} (-1: null). */
  static String show(Map<String, byte[]> offsets) {
    Map<String, Integer> out = new LinkedHashMap<>();
    offsets.forEach((id, o) -> out.put(id, o == null ? -1 : ByteBuffer.wrap(o).getInt()));
    return out.toString();
  }

  static void clear() {
    FEEDS.clear();
    LISTED.clear();
    LISTED.addAll(List.of("a", "b"));
    LISTINGS.set(0);
    remap = null;
    REMAP_CALLS.clear();
    READERS.clear();
  }

  private static BlockingQueue<long[]> queue(String source, String split) {
    return FEEDS.computeIfAbsent(source + "/" + split, k -> new LinkedBlockingQueue<>());
  }

  /** Queues one batch of event times for {@code split} of {@code source}. */
  static void feed(String source, String split, long... eventTimes) {
    queue(source, split).add(eventTimes);
  }

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("split_feed", ConnectorKind.SOURCE).description("split rows fed by the test").build();
  }

  @Override
  public Source create(ConnectorContext context) {
    return new Source() {
      @Override
      public List<String> splits() {
        LISTINGS.incrementAndGet();
        return List.copyOf(LISTED);
      }

      @Override
      public Duration splitDiscoveryInterval() {
        return DISCOVERY;
      }

      @Override
      public Map<String, byte[]> remapOffsets(Map<String, byte[]> saved, List<String> splits) {
        REMAP_CALLS.add(show(saved) + " " + splits);
        java.util.function.UnaryOperator<Map<String, byte[]>> f = remap;
        return f == null ? saved : f.apply(saved);
      }

      @Override
      public SplitReader createReader(Map<String, byte[]> splits) {
        READERS.add(show(splits));
        Map<String, int[]> read = new LinkedHashMap<>();
        splits.forEach((id, offsets) -> read.put(id, new int[] {offsets == null ? 0 : ByteBuffer.wrap(offsets).getInt()}));
        return new SplitReader() {
          @Override
          public SplitBatch poll(int maxRows, Duration timeout) {
            List<String> ids = new ArrayList<>(read.keySet());
            long slice = Math.max(1, timeout.toMillis() / Math.max(1, ids.size()));
            for (String id : ids) {
              long[] times;
              try {
                times = queue(context.name(), id).poll(slice, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
              }
              if (times != null) {
                read.get(id)[0]++;
                VectorSchemaRoot root = VectorSchemaRoot.create(context.schema(), context.allocator());
                TimeStampVector v = (TimeStampVector) root.getVector(0);
                v.allocateNew(times.length);
                for (int i = 0; i < times.length; i++) {
                  v.set(i, times[i]);
                }
                v.setValueCount(times.length);
                root.setRowCount(times.length);
                return new SplitBatch(id, Batch.of(root));
              }
            }
            return null;
          }

          @Override
          public void addSplits(Map<String, byte[]> added) {
            added.keySet().forEach(id -> read.put(id, new int[1]));
          }

          @Override
          public Map<String, byte[]> snapshotOffsets() {
            Map<String, byte[]> out = new LinkedHashMap<>();
            read.forEach((id, n) -> out.put(id, ByteBuffer.allocate(4).putInt(n[0]).array()));
            return out;
          }

          @Override
          public void close() {
          }
        };
      }

      @Override
      public void close() {
      }
    };
  }
}
