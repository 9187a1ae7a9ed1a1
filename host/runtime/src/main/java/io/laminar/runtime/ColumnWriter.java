package io.laminar.runtime;

import io.laminar.plan.SqlType;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;

/** Writes values of one plan type into a vector, growing it as needed. */
final class ColumnWriter {
  private ColumnWriter() {
  }

  static void setNull(FieldVector v, int row) {
    if (v instanceof org.apache.arrow.vector.BaseFixedWidthVector f) {
      f.setNull(row);
    } else {
      ((org.apache.arrow.vector.BaseVariableWidthVector) v).setNull(row);
    }
  }

  /** Writes a long-encoded value as {@link ColumnReader#getLong} reads it. */
  static void setLong(FieldVector v, SqlType type, int row, long value) {
    switch (type.kind()) {
      case BOOLEAN -> ((BitVector) v).setSafe(row, (int) value);
      case DECIMAL -> ((DecimalVector) v).setSafe(row, value);
      case INT -> ((IntVector) v).setSafe(row, (int) value);
      case BIGINT, INTERVAL -> ((BigIntVector) v).setSafe(row, value);
      case DATE -> ((DateDayVector) v).setSafe(row, (int) value);
      case TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ -> ((TimeStampVector) v).setSafe(row, value);
      case FLOAT -> ((Float4Vector) v).setSafe(row, (float) Double.longBitsToDouble(value));
      case DOUBLE -> ((Float8Vector) v).setSafe(row, Double.longBitsToDouble(value));
      case VARCHAR -> throw new IllegalArgumentException("VARCHAR from long");
    }
  }

  static void setDouble(FieldVector v, SqlType type, int row, double value) {
    switch (type.kind()) {
      case FLOAT -> ((Float4Vector) v).setSafe(row, (float) value);
      case DOUBLE -> ((Float8Vector) v).setSafe(row, value);
      default -> setLong(v, type, row, (long) value);
    }
  }

  /** Writes a DECIMAL value already at the vector's scale and within its precision. */
  static void setDecimal(FieldVector v, int row, java.math.BigDecimal value) {
    ((DecimalVector) v).setSafe(row, value);
  }

  static void setBytes(FieldVector v, int row, byte[] bytes, int offset, int length) {
    ((VarCharVector) v).setSafe(row, bytes, offset, length);
  }

  static void setString(FieldVector v, int row, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    ((VarCharVector) v).setSafe(row, b, 0, b.length);
  }
}
