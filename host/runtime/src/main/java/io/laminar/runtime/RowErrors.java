package io.laminar.runtime;

import io.laminar.plan.SqlType;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The slow path of a {@link Calc} whose batch had a bad row: find the bad rows by bisection (a range
 * that evaluates cleanly is kept whole, so a batch with one bad row costs about 2·log2(n) extra
 * evaluations), hand each to the {@link RowErrorHandler}, and evaluate the good rows as one batch.
 * Batches without a bad row never come here: the generated loop runs unchanged.
 */
final class RowErrors {
  /** The executor's handler; null means the first bad row fails the pipeline. */
  private RowErrorHandler handler;
  private final ExecutorMetrics metrics;

  RowErrors(ExecutorMetrics metrics) {
    this.metrics = metrics;
  }

  void handler(RowErrorHandler h) {
    this.handler = h;
  }

  boolean failFast() {
    return handler == null;
  }

  /**
   * Evaluates {@code calc} over the rows of {@code in} that do not fail, into {@code out} (fresh);
   * returns the rows written. The first {@code reported} columns of {@code in} (typed
   * {@code types}) are the row reported for each bad one; {@code step} names the step.
   */
  int applySkipping(Calc calc, VectorSchemaRoot in, VectorSchemaRoot out, List<SqlType> types, int reported,
      String step, BufferAllocator allocator) {
    int n = in.getRowCount();
    List<Integer> bad = new ArrayList<>();
    List<ExpressionError> errors = new ArrayList<>();
    bisect(calc, in, out.getSchema(), 0, n, bad, errors, allocator);
    int[] good = new int[n - bad.size()];
    int g = 0;
    int b = 0;
    for (int r = 0; r < n; r++) {
      if (b < bad.size() && bad.get(b) == r) {
        b++;
      } else {
        good[g++] = r;
      }
    }
    for (int k = 0; k < bad.size(); k++) {
      metrics.addRowErrors(1);
      handler.onRowError(new RowError(step, RowValues.of(in, bad.get(k), reported), errors.get(k)));
    }
    try (VectorSchemaRoot kept = gather(in, good, allocator)) {
      return calc.apply(kept, out);
    }
  }

  /** Adds the bad rows of {@code [from, to)} to {@code bad} in order, with their errors. */
  private static void bisect(Calc calc, VectorSchemaRoot in, Schema output, int from, int to, List<Integer> bad,
      List<ExpressionError> errors, BufferAllocator allocator) {
    if (from >= to) {
      return;
    }
    ExpressionError e = tryRange(calc, in, output, from, to, allocator);
    if (e == null) {
      return;
    }
    if (to - from == 1) {
      bad.add(from);
      errors.add(e);
      return;
    }
    int mid = (from + to) >>> 1;
    bisect(calc, in, output, from, mid, bad, errors, allocator);
    bisect(calc, in, output, mid, to, bad, errors, allocator);
  }

  /** Evaluates rows {@code [from, to)} and throws the result away; the error, or null. */
  private static ExpressionError tryRange(Calc calc, VectorSchemaRoot in, Schema output, int from, int to,
      BufferAllocator allocator) {
    int[] rows = new int[to - from];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = from + i;
    }
    try (VectorSchemaRoot part = gather(in, rows, allocator);
        VectorSchemaRoot out = VectorSchemaRoot.create(output, allocator)) {
      calc.apply(part, out);
      return null;
    } catch (ExpressionError e) {
      return e;
    }
  }

  /** A new batch holding rows {@code rows} of {@code in}. */
  private static VectorSchemaRoot gather(VectorSchemaRoot in, int[] rows, BufferAllocator allocator) {
    VectorSchemaRoot out = VectorSchemaRoot.create(in.getSchema(), allocator);
    try {
      for (int c = 0; c < in.getFieldVectors().size(); c++) {
        FieldVector to = out.getVector(c);
        Gather.rows(in.getVector(c), to, rows, rows.length);
        to.setValueCount(rows.length);
      }
      out.setRowCount(rows.length);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /**
   * An aggregate's result that does not fit its type, found while writing group output row {@code row}
   * of {@code out} (whose first {@code keys} columns, already written, are the group's key and window
   * bounds): without a handler it fails the pipeline; with one the group's row is counted and
   * reported (step {@code Aggregate}), and the caller leaves it out of the output.
   */
  void aggregateError(ExpressionError error, VectorSchemaRoot out, int row, int keys) {
    if (handler == null) {
      throw error;
    }
    metrics.addRowErrors(1);
    handler.onRowError(new RowError("Aggregate", RowValues.of(out, row, keys), error));
  }
}
