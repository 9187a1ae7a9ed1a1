package io.laminar.runtime;

import io.laminar.plan.SqlType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
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
      handler.onRowError(new RowError(step, row(in, bad.get(k), types, reported), errors.get(k)));
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

  /** Row {@code r}'s first {@code count} columns as JSON-friendly values. */
  private static Map<String, Object> row(VectorSchemaRoot in, int r, List<SqlType> types, int count) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int c = 0; c < count; c++) {
      FieldVector v = in.getVector(c);
      values.put(v.getName(), v.isNull(r) ? null : value(v, r, types.get(c)));
    }
    return values;
  }

  private static Object value(FieldVector v, int r, SqlType type) {
    return switch (type.kind()) {
      case BOOLEAN -> ((BitVector) v).get(r) != 0;
      case INT -> ((IntVector) v).get(r);
      case BIGINT, INTERVAL -> ((BigIntVector) v).get(r);
      case FLOAT -> ((Float4Vector) v).get(r);
      case DOUBLE -> ((Float8Vector) v).get(r);
      case VARCHAR -> new String(((VarCharVector) v).get(r), java.nio.charset.StandardCharsets.UTF_8);
      case TIMESTAMP, TIMESTAMP_LTZ -> Instant.ofEpochMilli(((TimeStampVector) v).get(r)).toString();
      case TIMESTAMP_MICROS -> Instant.EPOCH.plus(((TimeStampVector) v).get(r), java.time.temporal.ChronoUnit.MICROS)
          .toString();
      // Exact digits: a JSON number would go through a double in most readers.
      case DECIMAL -> ((org.apache.arrow.vector.DecimalVector) v).getObject(r).toPlainString();
      case DATE -> LocalDate.ofEpochDay(((DateDayVector) v).get(r)).toString();
    };
  }
}
