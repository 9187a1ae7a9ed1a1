package io.laminar.runtime;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/** Row-kind vectors ({@link io.laminar.api.RowKind} codes) as the stateless operators carry them along. */
final class RowKinds {
  /** The name of the row-kind column when it travels as an extra column through generated code. */
  static final String COLUMN = "$row_kind";
  static final Field FIELD = new Field(COLUMN, FieldType.notNullable(new ArrowType.Int(8, true)), null);

  private RowKinds() {
  }

  /** Rows {@code sel[0..count)} of {@code kinds} ({@code sel == null}: the first {@code count}) in a new vector. */
  static TinyIntVector gather(TinyIntVector kinds, int[] sel, int count, BufferAllocator allocator) {
    TinyIntVector out = new TinyIntVector(FIELD, allocator);
    try {
      Gather.rows(kinds, out, sel, count);
      out.setValueCount(count);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** A new vector sharing the buffers of {@code kinds}' first {@code count} values (reference counted). */
  static TinyIntVector share(TinyIntVector kinds, int count, BufferAllocator allocator) {
    TinyIntVector out = new TinyIntVector(FIELD, allocator);
    TransferPair pair = kinds.makeTransferPair(out);
    pair.splitAndTransfer(0, count);
    return out;
  }

  /** {@code schema} with the row-kind column appended. */
  static Schema withColumn(Schema schema) {
    List<Field> fields = new ArrayList<>(schema.getFields());
    fields.add(FIELD);
    return new Schema(fields);
  }

  /**
   * A root over {@code batch}'s vectors followed by {@code kinds}, sharing them (no copy). Do not close
   * it: the vectors still belong to their owners.
   */
  static VectorSchemaRoot view(VectorSchemaRoot batch, TinyIntVector kinds) {
    List<Field> fields = new ArrayList<>(batch.getSchema().getFields());
    List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
    fields.add(kinds.getField());
    vectors.add(kinds);
    return new VectorSchemaRoot(fields, vectors, batch.getRowCount());
  }
}
