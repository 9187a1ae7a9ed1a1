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
 */
final class SplitFeedSourceFactory implements SourceFactory {
  /** The splits the source lists (a test may add one: it is discovered within {@link #DISCOVERY}). */
  static final List<String> LISTED = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** How often the host lists the splits again (processing time, the test's clock). */
  static final Duration DISCOVERY = Duration.ofSeconds(10);
  /** How often {@code splits()} was called. */
  static final java.util.concurrent.atomic.AtomicInteger LISTINGS = new java.util.concurrent.atomic.AtomicInteger();
  private static final Map<String, BlockingQueue<long[]>> FEEDS = new ConcurrentHashMap<>();

  static void clear() {
    FEEDS.clear();
    LISTED.clear();
    LISTED.addAll(List.of("a", "b"));
    LISTINGS.set(0);
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
      public SplitReader createReader(Map<String, byte[]> splits) {
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
