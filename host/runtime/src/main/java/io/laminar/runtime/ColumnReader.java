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

/**
 * Typed access to one column of a batch for the aggregation and join operators: one instance per
 * column per batch, so the per-row calls are monomorphic within a loop and never box. Values are
 * read as {@code long} (integers, booleans, dates, timestamps), {@code double} or bytes.
 */
abstract class ColumnReader {
  final SqlType type;
  /** The column read, for batch-at-a-time access (see {@link ColumnBatch}). */
  final FieldVector vector;

  ColumnReader(FieldVector vector, SqlType type) {
    this.vector = vector;
    this.type = type;
  }

  abstract boolean isNull(int row);

  /** The value as a long: integers, dates, timestamps, booleans (0/1), float bits for floats. */
  abstract long getLong(int row);

  /** The value as a double (numeric types). */
  double getDouble(int row) {
    return getLong(row);
  }

  /** Copies a string's UTF-8 bytes into {@code scratch} (grown as needed) and returns the length. */
  int getBytes(int row, byte[][] scratch) {
    throw new UnsupportedOperationException(type.name());
  }

  /** A DECIMAL value at its type's scale. */
  java.math.BigDecimal getDecimal(int row) {
    throw new UnsupportedOperationException(type.name());
  }

  String getString(int row) {
    throw new UnsupportedOperationException(type.name());
  }

  static ColumnReader of(FieldVector vector, SqlType type) {
    return switch (type.kind()) {
      case BOOLEAN -> new ColumnReader(vector, type) {
        final BitVector v = (BitVector) vector;

        @Override
        boolean isNull(int row) {
          return v.isNull(row);
        }

        @Override
        long getLong(int row) {
          return v.get(row);
        }
      };
      case INT -> new ColumnReader(vector, type) {
        final IntVector v = (IntVector) vector;

        @Override
        boolean isNull(int row) {
          return v.isNull(row);
        }

        @Override
        long getLong(int row) {
          return v.get(row);
        }
      };
      case BIGINT, INTERVAL -> new ColumnReader(vector, type) {
        final BigIntVector v = (BigIntVector) vector;

        @Override
        boolean isNull(int row) {
          return v.isNull(row);
        }

        @Override
        long getLong(int row) {
          return v.get(row);
        }
      };
      case DATE -> new ColumnReader(vector, type) {
        final DateDayVector v = (DateDayVector) vector;

        @Override
        boolean isNull(int row) {
          return v.isNull(row);
        }

        @Override
        long getLong(int row) {
          return v.get(row);
        }
      };
      case TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ -> new ColumnReader(vector, type) {
        final TimeStampVector v = (TimeStampVector) vector;

        @Override
        boolean isNull(int row) {
          return v.isNull(row);
        }

        @Override
        long getLong(int row) {
          return v.get(row);
        }
      };
      case DECIMAL -> new ColumnReader(vector, type) {
        final DecimalVector v = (DecimalVector) vector;
        final org.apache.arrow.memory.ArrowBuf data = v.getDataBuffer();

        @Override
        boolean isNull(int row) {
          return v.isNull(row);
        }

        /** The unscaled value of a DECIMAL of at most 18 digits: the low 8 of its 16 little-endian bytes. */
        @Override
        long getLong(int row) {
          return data.getLong((long) row << 4);
        }

        @Override
        double getDouble(int row) {
          return type.isLongDecimal() ? Decimals.toDouble(getLong(row), type.scale()) : getDecimal(row).doubleValue();
        }

        @Override
        java.math.BigDecimal getDecimal(int row) {
          return v.getObjectNotNull(row);
        }
      };
      case FLOAT -> new ColumnReader(vector, type) {
        final Float4Vector v = (Float4Vector) vector;

        @Override
        boolean isNull(int row) {
          return v.isNull(row);
        }

        @Override
        long getLong(int row) {
          return Double.doubleToLongBits(normalize(v.get(row)));
        }

        @Override
        double getDouble(int row) {
          return v.get(row);
        }
      };
      case DOUBLE -> new ColumnReader(vector, type) {
        final Float8Vector v = (Float8Vector) vector;

        @Override
        boolean isNull(int row) {
          return v.isNull(row);
        }

        @Override
        long getLong(int row) {
          return Double.doubleToLongBits(normalize(v.get(row)));
        }

        @Override
        double getDouble(int row) {
          return v.get(row);
        }
      };
      case VARCHAR -> new ColumnReader(vector, type) {
        final VarCharVector v = (VarCharVector) vector;

        @Override
        boolean isNull(int row) {
          return v.isNull(row);
        }

        @Override
        long getLong(int row) {
          throw new UnsupportedOperationException("VARCHAR as long");
        }

        @Override
        int getBytes(int row, byte[][] scratch) {
          long start = v.getStartOffset(row);
          int len = (int) (v.getEndOffset(row) - start);
          if (scratch[0].length < len) {
            scratch[0] = new byte[Math.max(len, scratch[0].length * 2)];
          }
          v.getDataBuffer().getBytes(start, scratch[0], 0, len);
          return len;
        }

        @Override
        /** A DECIMAL value at its type's scale. */
  java.math.BigDecimal getDecimal(int row) {
    throw new UnsupportedOperationException(type.name());
  }

  String getString(int row) {
          return new String(v.get(row), StandardCharsets.UTF_8);
        }
      };
    };
  }

  /** -0.0 and 0.0 group together, as do all NaNs. */
  static double normalize(double d) {
    return d == 0.0 ? 0.0 : Double.isNaN(d) ? Double.NaN : d;
  }
}
