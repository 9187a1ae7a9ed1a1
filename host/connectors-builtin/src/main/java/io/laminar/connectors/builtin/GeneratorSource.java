package io.laminar.connectors.builtin;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.Source;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A running generator. Its offset is the number of rows handed out plus the event-time origin, so a
 * restore continues with exactly the rows an uninterrupted run would have produced.
 */
final class GeneratorSource implements Source {
  private final BufferAllocator allocator;
  private final Schema schema;
  private final GeneratorSettings settings;
  private final List<ColumnGenerator> columns;

  private long emitted;
  private ColumnGenerator.EventClock clock;
  private long throttleOriginNanos;
  private long throttleOriginRows;

  GeneratorSource(ConnectorContext ctx, GeneratorSettings settings) {
    this.allocator = ctx.allocator();
    this.schema = ctx.schema();
    this.settings = settings;
    this.columns = settings.columns();
  }

  @Override
  public void open(byte[] restoredOffsets) {
    long start;
    if (restoredOffsets != null && restoredOffsets.length == 16) {
      ByteBuffer b = ByteBuffer.wrap(restoredOffsets);
      emitted = b.getLong();
      start = b.getLong();
    } else {
      emitted = 0;
      start = settings.startTimeMillis() != null ? settings.startTimeMillis()
          : System.currentTimeMillis() / 1000 * 1000;
    }
    clock = new ColumnGenerator.EventClock(start, settings.eventsPerSecond());
    throttleOriginNanos = System.nanoTime();
    throttleOriginRows = emitted;
  }

  @Override
  public Batch poll(int maxRows, Duration timeout) throws ConnectorException {
    if (clock == null) {
      throw ConnectorException.runtime("generator polled before open()", null);
    }
    long remaining = settings.maxRows().isPresent() ? settings.maxRows().getAsLong() - emitted : Long.MAX_VALUE;
    int n = (int) Math.min(maxRows, remaining);
    if (n <= 0) {
      return null;
    }
    if (settings.rowsPerSecond().isPresent()) {
      n = (int) Math.min(n, allowedByThrottle(settings.rowsPerSecond().getAsLong(), timeout));
      if (n <= 0) {
        return null;
      }
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    try {
      List<FieldVector> vectors = root.getFieldVectors();
      for (FieldVector v : vectors) {
        v.setInitialCapacity(n); // one allocation of the right size instead of doubling
      }
      root.allocateNew();
      for (int c = 0; c < columns.size(); c++) {
        FieldVector v = vectors.get(c);
        ensureCapacity(v, n);
        columns.get(c).fill(v, settings.seed(), emitted, n, clock);
        v.setValueCount(n);
      }
      root.setRowCount(n);
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
    emitted += n;
    return Batch.of(root);
  }

  private static void ensureCapacity(FieldVector v, int n) {
    while (v.getValueCapacity() < n) {
      v.reAlloc();
    }
  }

  /** Rows the throttle allows now, waiting up to {@code timeout} for at least one. */
  private long allowedByThrottle(long rowsPerSecond, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long now = System.nanoTime();
      long due = (long) ((now - throttleOriginNanos) / 1e9 * rowsPerSecond) - (emitted - throttleOriginRows);
      if (due > 0) {
        return due;
      }
      long nextRowAt = throttleOriginNanos
          + (long) ((emitted - throttleOriginRows + 1) * 1e9 / rowsPerSecond);
      long wait = Math.min(nextRowAt, deadline) - now;
      if (wait <= 0) {
        return 0;
      }
      LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
      if (Thread.currentThread().isInterrupted()) {
        return 0;
      }
    }
  }

  @Override
  public boolean isExhausted() {
    return settings.maxRows().isPresent() && emitted >= settings.maxRows().getAsLong();
  }

  @Override
  public byte[] snapshotOffsets() {
    return ByteBuffer.allocate(16).putLong(emitted).putLong(clock == null ? 0 : clock.startMillis()).array();
  }

  @Override
  public void close() {
    // nothing held between polls: batches belong to the caller
  }
}
