package io.laminar.runtime;

import io.laminar.plan.PlanNode;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

/**
 * TUMBLE and HOP: copies each row once per window containing its time and appends window_start and
 * window_end. Rows with a NULL time belong to no window and are dropped.
 */
final class WindowAssignOperator extends Operator {
  private final PlanNode.WindowAssign plan;
  private final BufferAllocator allocator;

  WindowAssignOperator(PlanNode.WindowAssign plan, BufferAllocator allocator) {
    this.plan = plan;
    this.allocator = allocator;
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch) {
    int width = batch.getFieldVectors().size();
    VectorSchemaRoot out = VectorSchemaRoot.create(plan.schema(), allocator);
    try {
      out.allocateNew();
      List<FieldVector> in = batch.getFieldVectors();
      TransferPair[] copy = new TransferPair[width];
      for (int c = 0; c < width; c++) {
        copy[c] = in.get(c).makeTransferPair(out.getVector(c));
      }
      TimeStampVector time = (TimeStampVector) batch.getVector(plan.timeColumn());
      TimeStampVector start = (TimeStampVector) out.getVector(width);
      TimeStampVector end = (TimeStampVector) out.getVector(width + 1);
      long size = plan.sizeMillis();
      long slide = plan.slideMillis();
      int j = 0;
      for (int r = 0; r < batch.getRowCount(); r++) {
        if (time.isNull(r)) {
          continue;
        }
        long t = time.get(r);
        // the last window start at or before t, then every earlier start whose window still holds t
        long last = t - Math.floorMod(t, slide);
        for (long s = last; s > t - size; s -= slide) {
          for (int c = 0; c < width; c++) {
            copy[c].copyValueSafe(r, j);
          }
          start.setSafe(j, s);
          end.setSafe(j, s + size);
          j++;
        }
      }
      out.setRowCount(j);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out);
  }
}
