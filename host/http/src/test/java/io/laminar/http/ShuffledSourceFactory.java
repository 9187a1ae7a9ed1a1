package io.laminar.http;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.time.Duration;
import java.time.Instant;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A test source of one TIMESTAMP column {@code ts} that emits event times out of order, then idles
 * (it never ends, so the engine keeps running): batch 1 = 00:00:00.100 and 00:00:05, batch 2 =
 * 00:00:00.200, 00:00:01.500 and 00:00:05.100. With no allowed out-of-orderness, the rows at 0.2 s
 * and 1.5 s of batch 2 are late for 1-second windows, by 4 s and 3 s.
 */
final class ShuffledSourceFactory implements SourceFactory {
  static final String TYPE = "shuffled";
  private static final long BASE = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final long[][] BATCHES = {{BASE + 100, BASE + 5000}, {BASE + 200, BASE + 1500, BASE + 5100}};

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder(TYPE, ConnectorKind.SOURCE).description("out-of-order event times").build();
  }

  @Override
  public Source create(ConnectorContext context) {
    return new Source() {
      private int next;

      @Override
      public void open(byte[] restoredOffsets) {
      }

      @Override
      public Batch poll(int maxRows, Duration timeout) {
        if (next == BATCHES.length) {
          try {
            Thread.sleep(Math.min(timeout.toMillis(), 50)); // idle like a quiet topic
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        }
        long[] times = BATCHES[next++];
        VectorSchemaRoot root = VectorSchemaRoot.create(context.schema(), context.allocator());
        TimeStampMilliVector ts = (TimeStampMilliVector) root.getVector(0);
        ts.allocateNew(times.length);
        for (int i = 0; i < times.length; i++) {
          ts.set(i, times[i]);
        }
        root.setRowCount(times.length);
        return Batch.of(root);
      }

      @Override
      public byte[] snapshotOffsets() {
        return new byte[] {(byte) next};
      }

      @Override
      public void close() {
      }
    };
  }
}
