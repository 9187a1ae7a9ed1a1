package io.laminar.runtime;

import io.laminar.plan.PlanNode;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * TUMBLE and HOP: copies each row once per window containing its time and appends window_start and
 * window_end, of the time column's type (a TIMESTAMP(6) time gives microsecond bounds). Rows with a
 * NULL time belong to no window and are dropped. Columns are copied in bulk ({@link Gather}), not
 * value by value; a TUMBLE batch without NULL times shares its input columns instead, and the time
 * and bound columns are read and written by address ({@link Direct}).
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
    long times = Direct.data(time, rows, 8);
    boolean nulls = Direct.mayHaveNulls(time, rows);
    if (size == slide && !nulls) {
      tumbleAll(batch, rowKinds, rows, times);
      return;
    }
    // first the output rows as (input row, window start) pairs, then each column copied in bulk
    int perRow = (int) Math.max(1, (size + slide - 1) / slide);
    if (sel.length < rows * perRow) {
      sel = new int[rows * perRow];
      starts = new long[rows * perRow];
    }
    int j = 0;
    long validity = Direct.validity(time, rows);
    // the last window start at or before t, kept from the previous row: times mostly ascend within
    // a slide, so the division is rarely needed
    long last = 0;
    long lastEnd = 0;
    for (int r = 0; r < rows; r++) {
      if (nulls && Direct.isNull(validity, r)) {
        continue;
      }
      long t = Direct.getLong(times, r);
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
      // rows pass one to one (a HOP whose windows cover every row once): plain copies, not gathers
      int[] rowsOut = perRow == 1 && j == rows ? null : sel;
      for (int c = 0; c < width; c++) {
        Gather.rows(in.get(c), out.getVector(c), rowsOut, j);
      }
      long startData = bounds(out.getVector(width), j);
      long endData = bounds(out.getVector(width + 1), j);
      for (int k = 0; k < j; k++) {
        Direct.putLong(startData, k, starts[k]);
        Direct.putLong(endData, k, starts[k] + size);
      }
      out.setRowCount(j);
      // each copy of a row carries the row's kind (a deleted row leaves every window it was in)
      kinds = rowKinds == null ? null : RowKinds.gather(rowKinds, rowsOut, j, allocator);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out, kinds);
  }

  /**
   * TUMBLE over a batch without NULL times: every row is in exactly one window, so the input
   * columns pass through shared ({@link Gather#share}, no copy) and only the bounds are written.
   */
  private void tumbleAll(VectorSchemaRoot batch, TinyIntVector rowKinds, int rows, long times) {
    VectorSchemaRoot out = VectorSchemaRoot.create(plan.schema(), allocator);
    TinyIntVector kinds = null;
    try {
      List<FieldVector> in = batch.getFieldVectors();
      int width = in.size();
      for (int c = 0; c < width; c++) {
        Gather.share(in.get(c), out.getVector(c), rows);
      }
      long startData = bounds(out.getVector(width), rows);
      long endData = bounds(out.getVector(width + 1), rows);
      long windowSize = size;
      // the window of the previous row: times mostly ascend, so the division is rarely needed
      long last = 0;
      long lastEnd = 0;
      for (int r = 0; r < rows; r++) {
        long t = Direct.getLong(times, r);
        if (t < last || t >= lastEnd) {
          last = t - Math.floorMod(t, windowSize);
          lastEnd = last + windowSize;
        }
        Direct.putLong(startData, r, last);
        Direct.putLong(endData, r, lastEnd);
      }
      out.setRowCount(rows);
      kinds = rowKinds == null ? null : RowKinds.gather(rowKinds, null, rows, allocator);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out, kinds);
  }

  /**
   * Allocates a window bound column for {@code rows} values, all non-null, and returns its data
   * address (checked to hold them) for {@link Direct#putLong}.
   */
  private static long bounds(FieldVector v, int rows) {
    Direct.allocate(v, rows, 8);
    Gather.allValid(v.getValidityBuffer(), rows);
    return Direct.data(v, rows, 8);
  }
}
