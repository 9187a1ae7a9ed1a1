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

  /**
   * Compiles the step keeping rows where {@code condition} (may be null) holds and computing
   * {@code projections} (null: the input columns); with {@code changelog}, also the variant that
   * carries row kinds.
   */
  CalcOperator(List<SqlType> inputTypes, Expr condition, List<Expr> projections, Schema outputSchema,
      boolean changelog, BufferAllocator allocator) {
    this.calc = CalcCompiler.compile(inputTypes, condition, projections);
    this.outputSchema = outputSchema;
    this.allocator = allocator;
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
      out.setRowCount(calc.apply(batch, out));
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out);
  }

  private void onChangelog(VectorSchemaRoot batch, TinyIntVector rowKinds) {
    if (changelogCalc == null) {
      throw new IllegalStateException("a step planned as append-only received row kinds");
    }
    VectorSchemaRoot out = VectorSchemaRoot.create(changelogSchema, allocator);
    int rows;
    try {
      rows = changelogCalc.apply(RowKinds.view(batch, rowKinds), out);
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
