package io.laminar.runtime;

import io.laminar.plan.PlanNode;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * TUMBLE and HOP: copies each row once per window containing its time and appends window_start and
 * window_end, of the time column's type (a TIMESTAMP(6) time gives microsecond bounds). Rows with a
 * NULL time belong to no window and are dropped. Columns are copied in bulk ({@link Gather}), not
 * value by value.
 */
final class WindowAssignOperator extends Operator {
  private final PlanNode.WindowAssign plan;
  private final BufferAllocator allocator;
  /** Size and slide in the time column's units (microseconds for a TIMESTAMP(6)). */
  private final long size;
  private final long slide;
  /** Per output row: its input row and window start; reused across batches. */
  private int[] sel = new int[0];
  private long[] starts = new long[0];

  WindowAssignOperator(PlanNode.WindowAssign plan, BufferAllocator allocator) {
    this.plan = plan;
    this.allocator = allocator;
    long units = Plans.types(plan.input().schema())[plan.timeColumn()].unitsPerMilli();
    this.size = plan.sizeMillis() * units;
    this.slide = plan.slideMillis() * units;
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    int rows = batch.getRowCount();
    TimeStampVector time = (TimeStampVector) batch.getVector(plan.timeColumn());
    // first the output rows as (input row, window start) pairs, then each column copied in bulk
    int perRow = (int) Math.max(1, (size + slide - 1) / slide);
    if (sel.length < rows * perRow) {
      sel = new int[rows * perRow];
      starts = new long[rows * perRow];
    }
    int j = 0;
    boolean nulls = !Gather.noNulls(time.getValidityBuffer(), rows);
    ArrowBuf times = time.getDataBuffer();
    // the last window start at or before t, kept from the previous row: times mostly ascend within
    // a slide, so the division is rarely needed
    long last = 0;
    long lastEnd = 0;
    for (int r = 0; r < rows; r++) {
      if (nulls && time.isNull(r)) {
        continue;
      }
      long t = times.getLong((long) r << 3);
      if (t < last || t >= lastEnd) {
        last = t - Math.floorMod(t, slide);
        lastEnd = last + slide;
      }
      // then every earlier start whose window still holds t
      for (long s = last; s > t - size; s -= slide) {
        sel[j] = r;
        starts[j] = s;
        j++;
      }
    }
    VectorSchemaRoot out = VectorSchemaRoot.create(plan.schema(), allocator);
    TinyIntVector kinds = null;
    try {
      List<FieldVector> in = batch.getFieldVectors();
      int width = in.size();
      // rows pass one to one (TUMBLE without NULL times): plain copies instead of gathers
      int[] rowsOut = perRow == 1 && j == rows ? null : sel;
      for (int c = 0; c < width; c++) {
        Gather.rows(in.get(c), out.getVector(c), rowsOut, j);
      }
      TimeStampVector start = (TimeStampVector) out.getVector(width);
      TimeStampVector end = (TimeStampVector) out.getVector(width + 1);
      start.allocateNew(Math.max(j, 1));
      end.allocateNew(Math.max(j, 1));
      ArrowBuf startData = start.getDataBuffer();
      ArrowBuf endData = end.getDataBuffer();
      for (int k = 0; k < j; k++) {
        startData.setLong((long) k << 3, starts[k]);
        endData.setLong((long) k << 3, starts[k] + size);
      }
      Gather.allValid(start.getValidityBuffer(), j);
      Gather.allValid(end.getValidityBuffer(), j);
      out.setRowCount(j);
      // each copy of a row carries the row's kind (a deleted row leaves every window it was in)
      kinds = rowKinds == null ? null : RowKinds.gather(rowKinds, rowsOut, j, allocator);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out, kinds);
  }
}
