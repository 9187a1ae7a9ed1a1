package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A test source, type {@code feed}, that a test feeds while the engine runs: {@link #feed} queues a
 * batch of rows (comma-separated values in schema order; TIMESTAMP as epoch ms) for the source of
 * that name; until then it is silent. Never exhausted. Its offset is the number of batches read.
 */
final class FeedSourceFactory implements SourceFactory {
  private static final Map<String, BlockingQueue<List<String>>> FEEDS = new ConcurrentHashMap<>();

  static void clear() {
    FEEDS.clear();
  }

  /** Queues one batch for source {@code source}. */
  static void feed(String source, String... rows) {
    FEEDS.computeIfAbsent(source, k -> new LinkedBlockingQueue<>()).add(List.of(rows));
  }

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("feed", ConnectorKind.SOURCE).description("rows fed by the test").build();
  }

  @Override
  public Source create(ConnectorContext context) {
    BlockingQueue<List<String>> queue = FEEDS.computeIfAbsent(context.name(), k -> new LinkedBlockingQueue<>());
    return new Source() {
      private int batches;

      @Override
      public void open(byte[] restoredOffsets) {
        batches = restoredOffsets == null ? 0 : ByteBuffer.wrap(restoredOffsets).getInt();
      }

      @Override
      public Batch poll(int maxRows, Duration timeout) {
        List<String> rows;
        try {
          rows = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
        if (rows == null) {
          return null;
        }
        batches++;
        VectorSchemaRoot root = VectorSchemaRoot.create(context.schema(), context.allocator());
        root.allocateNew();
        List<FieldVector> vectors = new ArrayList<>(root.getFieldVectors());
        for (int r = 0; r < rows.size(); r++) {
          String[] cells = rows.get(r).split(",", -1);
          for (int c = 0; c < vectors.size(); c++) {
            FieldVector v = vectors.get(c);
            String text = cells[c];
            if (v instanceof TimeStampVector t) {
              t.setSafe(r, Long.parseLong(text));
            } else if (v instanceof BigIntVector b) {
              b.setSafe(r, Long.parseLong(text));
            } else if (v instanceof IntVector i) {
              i.setSafe(r, Integer.parseInt(text));
            } else {
              ((VarCharVector) v).setSafe(r, text.getBytes(StandardCharsets.UTF_8));
            }
          }
        }
        root.setRowCount(rows.size());
        return Batch.of(root);
      }

      @Override
      public byte[] snapshotOffsets() {
        return ByteBuffer.allocate(4).putInt(batches).array();
      }

      @Override
      public void close() {
      }
    };
  }
}
