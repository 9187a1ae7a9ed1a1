package io.laminar.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

/** Reads Arrow values as JDBC binds and COPY text; timestamps are UTC wall-clock times. */
final class ArrowValues {
  private ArrowValues() {
  }

  /** The value as JDBC takes it (null for SQL NULL). */
  static Object value(FieldVector v, LaminarType type, int row) {
    if (v.isNull(row)) {
      return null;
    }
    return switch (type) {
      case INT -> ((IntVector) v).get(row);
      case BIGINT -> ((BigIntVector) v).get(row);
      case FLOAT -> ((Float4Vector) v).get(row);
      case DOUBLE -> ((Float8Vector) v).get(row);
      case VARCHAR -> new String(((VarCharVector) v).get(row), StandardCharsets.UTF_8);
      case BOOLEAN -> ((BitVector) v).get(row) == 1;
      case TIMESTAMP -> LocalDateTime.ofInstant(Instant.ofEpochMilli(((TimeStampVector) v).get(row)), ZoneOffset.UTC);
      case TIMESTAMP_MICROS -> LocalDateTime.ofInstant(ofEpochMicros(((TimeStampVector) v).get(row)), ZoneOffset.UTC);
      case TIMESTAMP_LTZ -> OffsetDateTime.ofInstant(Instant.ofEpochMilli(((TimeStampVector) v).get(row)), ZoneOffset.UTC);
      case DATE -> LocalDate.ofEpochDay(((DateDayVector) v).get(row));
      case DECIMAL -> ((DecimalVector) v).getObject(row);
    };
  }

  static void bind(PreparedStatement st, int index, LaminarType type, Object value) throws SQLException {
    if (value == null) {
      st.setNull(index, sqlType(type));
    } else {
      st.setObject(index, value);
    }
  }

  static int sqlType(LaminarType type) {
    return switch (type) {
      case INT -> Types.INTEGER;
      case BIGINT -> Types.BIGINT;
      case FLOAT -> Types.REAL;
      case DOUBLE -> Types.DOUBLE;
      case VARCHAR -> Types.VARCHAR;
      case BOOLEAN -> Types.BOOLEAN;
      case TIMESTAMP, TIMESTAMP_MICROS -> Types.TIMESTAMP;
      case TIMESTAMP_LTZ -> Types.TIMESTAMP_WITH_TIMEZONE;
      case DATE -> Types.DATE;
      case DECIMAL -> Types.NUMERIC;
    };
  }

  /** Appends the value in COPY's text format (\N for NULL, backslash escapes). */
  static void appendCopyText(StringBuilder out, FieldVector v, LaminarType type, int row) {
    if (v.isNull(row)) {
      out.append("\\N");
      return;
    }
    switch (type) {
      case INT -> out.append(((IntVector) v).get(row));
      case BIGINT -> out.append(((BigIntVector) v).get(row));
      case FLOAT -> {
        float f = ((Float4Vector) v).get(row);
        if (Float.isFinite(f)) {
          out.append(f);
        } else {
          appendFloating(out, f);
        }
      }
      case DOUBLE -> appendFloating(out, ((Float8Vector) v).get(row));
      case BOOLEAN -> out.append(((BitVector) v).get(row) == 1 ? 't' : 'f');
      case TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ -> out.append(value(v, type, row));
      case DATE -> out.append(LocalDate.ofEpochDay(((DateDayVector) v).get(row)));
      case DECIMAL -> out.append(((DecimalVector) v).getObject(row).toPlainString());
      case VARCHAR -> {
        String s = new String(((VarCharVector) v).get(row), StandardCharsets.UTF_8);
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          switch (c) {
            case '\\' -> out.append("\\\\");
            case '\t' -> out.append("\\t");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            default -> out.append(c);
          }
        }
      }
      default -> throw new AssertionError(type);
    }
  }

  /** The instant {@code micros} microseconds after the epoch (floor division for times before 1970). */
  static Instant ofEpochMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  private static void appendFloating(StringBuilder out, double d) {
    if (Double.isNaN(d)) {
      out.append("NaN");
    } else if (Double.isInfinite(d)) {
      out.append(d > 0 ? "Infinity" : "-Infinity");
    } else {
      out.append(d);
    }
  }
}
