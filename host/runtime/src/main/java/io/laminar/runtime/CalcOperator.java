package io.laminar.runtime;

import io.laminar.plan.Expr;
import io.laminar.plan.SqlType;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Filter and/or projection through a generated {@link Calc}. A step on a changelog path has a second
 * Calc that also passes the row-kind vector through as an extra column, so the kinds follow the rows
 * the filter keeps; batches of inserts take the plain one.
 */
final class CalcOperator extends Operator {
  private final Calc calc;
  private final Calc changelogCalc;
  private final Schema outputSchema;
  private final Schema changelogSchema;
  private final BufferAllocator allocator;
  private final List<SqlType> inputTypes;
  private final String step;
  private final RowErrors rowErrors;

  /**
   * Compiles the step keeping rows where {@code condition} (may be null) holds and computing
   * {@code projections} (null: the input columns); with {@code changelog}, also the variant that
   * carries row kinds. A batch with a row whose expression fails goes to {@code rowErrors}, which
   * fails it or isolates the bad rows.
   */
  CalcOperator(List<SqlType> inputTypes, Expr condition, List<Expr> projections, Schema outputSchema,
      boolean changelog, BufferAllocator allocator, RowErrors rowErrors) {
    this.calc = CalcCompiler.compile(inputTypes, condition, projections);
    this.outputSchema = outputSchema;
    this.allocator = allocator;
    this.inputTypes = List.copyOf(inputTypes);
    this.step = condition == null ? "Project" : projections == null ? "Filter" : "Filter+Project";
    this.rowErrors = rowErrors;
    if (changelog) {
      List<SqlType> types = new ArrayList<>(inputTypes);
      // the row-kind column is only ever copied by the generated code, never read, so its declared
      // type does not matter
      types.add(SqlType.INT);
      List<Expr> outputs = new ArrayList<>();
      if (projections == null) {
        for (int i = 0; i < inputTypes.size(); i++) {
          outputs.add(new Expr.ColumnRef(i, inputTypes.get(i)));
        }
      } else {
        outputs.addAll(projections);
      }
      outputs.add(new Expr.ColumnRef(inputTypes.size(), SqlType.INT));
      this.changelogCalc = CalcCompiler.compile(types, condition, outputs);
      this.changelogSchema = RowKinds.withColumn(outputSchema);
    } else {
      this.changelogCalc = null;
      this.changelogSchema = null;
    }
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    if (rowKinds != null) {
      onChangelog(batch, rowKinds);
      return;
    }
    VectorSchemaRoot out = VectorSchemaRoot.create(outputSchema, allocator);
    try {
      int rows;
      try {
        rows = calc.apply(batch, out);
      } catch (ExpressionError e) {
        rows = withoutBadRows(calc, batch, out, e);
      }
      out.setRowCount(rows);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out);
  }

  /**
   * The slow path, for a batch in which the generated loop met a bad row: rethrows {@code error}
   * when the pipeline fails on bad rows, else writes the batch's good rows to {@code out} and
   * returns how many.
   */
  private int withoutBadRows(Calc c, VectorSchemaRoot in, VectorSchemaRoot out, ExpressionError error) {
    if (rowErrors.failFast()) {
      throw error;
    }
    // the failed attempt may have allocated out's vectors: release them, the slow path refills them
    for (FieldVector v : out.getFieldVectors()) {
      v.clear();
    }
    return rowErrors.applySkipping(c, in, out, inputTypes, inputTypes.size(), step, allocator);
  }

  private void onChangelog(VectorSchemaRoot batch, TinyIntVector rowKinds) {
    if (changelogCalc == null) {
      throw new IllegalStateException("a step planned as append-only received row kinds");
    }
    VectorSchemaRoot out = VectorSchemaRoot.create(changelogSchema, allocator);
    int rows;
    try {
      VectorSchemaRoot in = RowKinds.view(batch, rowKinds);
      try {
        rows = changelogCalc.apply(in, out);
      } catch (ExpressionError e) {
        rows = withoutBadRows(changelogCalc, in, out, e);
      }
      out.setRowCount(rows);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    // split the trailing row-kind column off; the two parts now own all of out's vectors
    List<FieldVector> vectors = new ArrayList<>(out.getFieldVectors());
    TinyIntVector kinds = (TinyIntVector) vectors.remove(vectors.size() - 1);
    VectorSchemaRoot data = new VectorSchemaRoot(outputSchema.getFields(), vectors, rows);
    emit(data, kinds);
  }
}
