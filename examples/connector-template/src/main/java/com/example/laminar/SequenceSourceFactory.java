package com.example.laminar;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.pf4j.Extension;

/**
 * Source {@code sequence}: the numbers {@code start}, {@code start + 1}, … ({@code count} of them,
 * then exhausted; {@code count = 0} never ends) in a single BIGINT column. Its offset is the next
 * number, so a restart continues exactly after the last checkpoint.
 */
@Extension
public final class SequenceSourceFactory implements SourceFactory {
  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("sequence", ConnectorKind.SOURCE)
        .description("Consecutive BIGINT numbers (a template source)")
        .property(PropertySpec.builder("start", PropertyType.LONG).defaultValue("0")
            .doc("The first number").build())
        .property(PropertySpec.builder("count", PropertyType.LONG).defaultValue("0")
            .doc("How many numbers to emit before the source is exhausted; 0 = unbounded").build())
        .property(PropertySpec.builder("batch_size", PropertyType.INT).defaultValue("1000").tuning()
            .doc("At most this many numbers per batch").build())
        .build();
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    Schema schema = context.schema();
    if (schema.getFields().size() != 1 || !(schema.getFields().get(0).getType() instanceof ArrowType.Int i)
        || i.getBitWidth() != 64 || !i.getIsSigned()) {
      throw ConnectorException.runtime("source '" + context.name() + "' (sequence) needs exactly one BIGINT column, "
          + "got " + schema, null);
    }
    long start = context.properties().longValue("start").orElse(0L);
    long count = context.properties().longValue("count").orElse(0L);
    int batchSize = context.properties().integer("batch_size").orElse(1000);
    if (count < 0) {
      throw ConnectorException.invalidProperty("count", Long.toString(count), "must be 0 (unbounded) or more");
    }
    if (batchSize < 1) {
      throw ConnectorException.invalidProperty("batch_size", Integer.toString(batchSize), "must be at least 1");
    }
    return new SequenceSource(context, schema.getFields().get(0), start, count, batchSize);
  }

  /** One instance: polled from one thread; snapshotOffsets is called between two polls. */
  static final class SequenceSource implements Source {
    private final ConnectorContext context;
    private final Field field;
    private final long start;
    private final long end;
    private final int batchSize;
    private long next;

    SequenceSource(ConnectorContext context, Field field, long start, long count, int batchSize) {
      this.context = context;
      this.field = field;
      this.start = start;
      this.end = count == 0 ? Long.MAX_VALUE : start + count;
      this.batchSize = batchSize;
    }

    @Override
    public void open(byte[] restoredOffsets) throws ConnectorException {
      next = start;
      if (restoredOffsets != null) {
        if (restoredOffsets.length != Long.BYTES) {
          throw ConnectorException.runtime("sequence offsets must be 8 bytes, got " + restoredOffsets.length, null);
        }
        next = ByteBuffer.wrap(restoredOffsets).getLong();
      }
    }

    @Override
    public Batch poll(int maxRows, Duration timeout) {
      int rows = (int) Math.min(Math.min(maxRows, batchSize), end - next);
      if (rows <= 0) {
        return null;
      }
      VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(java.util.List.of(field)), context.allocator());
      BigIntVector numbers = (BigIntVector) root.getVector(0);
      numbers.allocateNew(rows);
      for (int r = 0; r < rows; r++) {
        numbers.set(r, next + r);
      }
      root.setRowCount(rows);
      next += rows;
      return Batch.of(root);
    }

    @Override
    public boolean isExhausted() {
      return next >= end;
    }

    @Override
    public byte[] snapshotOffsets() {
      return ByteBuffer.allocate(Long.BYTES).putLong(next).array();
    }

    @Override
    public void close() {
      // nothing held between polls: every batch belongs to the caller
    }
  }
}
