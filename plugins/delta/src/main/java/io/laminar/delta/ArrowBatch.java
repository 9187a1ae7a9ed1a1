package io.laminar.delta;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * A Delta Kernel {@link ColumnarBatch} over Arrow vectors the sink owns (a copy of a laminar batch),
 * columns in the table's order. Kernel's Parquet writer reads values through the getters; nothing is
 * converted up front. Timestamps go from epoch milliseconds to the microseconds Delta stores (TIMESTAMP(6) is µs already).
 *
 * <p>Reference-counted: a partitioned write hands one batch to several partition writers (each with its
 * own selection vector); the vectors are released when the last one is done.
 */
final class ArrowBatch implements ColumnarBatch {
  private final StructType schema;
  private final List<Column> columns;
  private final int size;
  private final Owner owner;

  /** The vectors' owner: closes them once every user released the batch. */
  static final class Owner {
    private final List<FieldVector> vectors;
    private final AtomicInteger refs = new AtomicInteger(1);

    Owner(List<FieldVector> vectors) {
      this.vectors = vectors;
    }

    void retain() {
      refs.incrementAndGet();
    }

    void release() {
      if (refs.decrementAndGet() == 0) {
        vectors.forEach(FieldVector::close);
      }
    }
  }

  private ArrowBatch(StructType schema, List<Column> columns, int size, Owner owner) {
    this.schema = schema;
    this.columns = columns;
    this.size = size;
    this.owner = owner;
  }

  /** A batch over {@code vectors}, taking column {@code order[i]} of them as the table's column i. */
  static ArrowBatch of(StructType tableSchema, List<FieldVector> vectors, int[] order, int rowCount) {
    List<Column> columns = new ArrayList<>(order.length);
    for (int i = 0; i < order.length; i++) {
      columns.add(new Column(tableSchema.at(i).getDataType(), vectors.get(order[i]), rowCount));
    }
    return new ArrowBatch(tableSchema, columns, rowCount, new Owner(vectors));
  }

  Owner owner() {
    return owner;
  }

  @Override
  public StructType getSchema() {
    return schema;
  }

  @Override
  public ColumnVector getColumnVector(int ordinal) {
    return columns.get(ordinal);
  }

  @Override
  public int getSize() {
    return size;
  }

  /** Kernel drops partition columns before writing (their values live in the directory names). */
  @Override
  public ColumnarBatch withDeletedColumnAt(int ordinal) {
    List<StructField> fields = new ArrayList<>(schema.fields());
    fields.remove(ordinal);
    List<Column> rest = new ArrayList<>(columns);
    rest.remove(ordinal);
    return new ArrowBatch(new StructType(fields), rest, size, owner);
  }

  /** One column: reads the Arrow vector with the getter Kernel uses for the Delta type. */
  private static final class Column implements ColumnVector {
    private final DataType type;
    private final FieldVector vector;
    private final int size;

    Column(DataType type, FieldVector vector, int size) {
      this.type = type;
      this.vector = vector;
      this.size = size;
    }

    @Override
    public DataType getDataType() {
      return type;
    }

    @Override
    public int getSize() {
      return size;
    }

    @Override
    public void close() {
      // the batch's Owner releases the vectors
    }

    @Override
    public boolean isNullAt(int rowId) {
      return vector.isNull(rowId);
    }

    @Override
    public boolean getBoolean(int rowId) {
      return ((BitVector) vector).get(rowId) != 0;
    }

    @Override
    public int getInt(int rowId) {
      if (vector instanceof DateDayVector d) {
        return d.get(rowId);
      }
      return ((IntVector) vector).get(rowId);
    }

    @Override
    public long getLong(int rowId) {
      if (vector instanceof TimeStampMicroVector t) {
        return t.get(rowId);
      }
      if (vector instanceof TimeStampVector t) {
        return Math.multiplyExact(t.get(rowId), 1000L);
      }
      return ((BigIntVector) vector).get(rowId);
    }

    @Override
    public float getFloat(int rowId) {
      return ((Float4Vector) vector).get(rowId);
    }

    @Override
    public double getDouble(int rowId) {
      return ((Float8Vector) vector).get(rowId);
    }

    @Override
    public java.math.BigDecimal getDecimal(int rowId) {
      return ((DecimalVector) vector).getObject(rowId);
    }

    @Override
    public String getString(int rowId) {
      return new String(((VarCharVector) vector).get(rowId), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] getBinary(int rowId) {
      return ((VarCharVector) vector).get(rowId);
    }
  }
}
