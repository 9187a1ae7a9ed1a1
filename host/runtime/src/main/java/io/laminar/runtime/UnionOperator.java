package io.laminar.runtime;

import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/** UNION ALL: forwards every input's rows under the union's schema; the watermark is the inputs' minimum. */
final class UnionOperator extends Operator {
  private final WatermarkCoalescer coalescer;
  private final Schema schema;
  private final BufferAllocator allocator;

  UnionOperator(int inputs, Schema schema, BufferAllocator allocator) {
    this.coalescer = new WatermarkCoalescer(inputs);
    this.schema = schema;
    this.allocator = allocator;
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    VectorSchemaRoot out = VectorSchemaRoot.create(schema, allocator);
    TinyIntVector kinds = null;
    try {
      int rows = batch.getRowCount();
      for (int c = 0; c < schema.getFields().size(); c++) {
        // a slice shares the caller's buffers (reference counted) under the union's column name
        FieldVector target = out.getVector(c);
        TransferPair pair = batch.getVector(c).makeTransferPair(target);
        pair.splitAndTransfer(0, rows);
      }
      out.setRowCount(rows);
      kinds = rowKinds == null ? null : RowKinds.share(rowKinds, rows, allocator);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out, kinds);
  }

  @Override
  void onWatermark(int input, long watermark) {
    long advanced = coalescer.update(input, watermark);
    if (advanced != WatermarkCoalescer.NONE) {
      emitWatermark(advanced);
    }
  }

  /** An idle input stops holding the watermark back; the union is idle once all its inputs are. */
  @Override
  void onIdle(int input, boolean idle) {
    boolean wasIdle = coalescer.allIdle();
    long advanced = coalescer.idle(input, idle);
    if (wasIdle != coalescer.allIdle()) {
      super.onIdle(0, coalescer.allIdle());
    }
    if (advanced != WatermarkCoalescer.NONE) {
      emitWatermark(advanced);
    }
  }

  @Override
  void snapshot(StateWriter out) throws IOException {
    coalescer.writeState(out);
  }

  @Override
  void restore(StateReader in) throws IOException {
    coalescer.readState(in);
  }

  @Override
  void absorb(Operator other, KeyGroups.Range owned, boolean first) {
    coalescer.absorb(((UnionOperator) other).coalescer, first);
  }
}
