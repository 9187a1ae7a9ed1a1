package io.laminar.runtime;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Filter and/or projection through a generated {@link Calc}. */
final class CalcOperator extends Operator {
  private final Calc calc;
  private final Schema outputSchema;
  private final BufferAllocator allocator;

  CalcOperator(Calc calc, Schema outputSchema, BufferAllocator allocator) {
    this.calc = calc;
    this.outputSchema = outputSchema;
    this.allocator = allocator;
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch) {
    VectorSchemaRoot out = VectorSchemaRoot.create(outputSchema, allocator);
    try {
      out.setRowCount(calc.apply(batch, out));
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out);
  }
}
