package io.laminar.mysql;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
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

/** Reads Arrow values as JDBC binds; timestamps are UTC wall-clock times. */
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
      // the sessions run in UTC, so a MySQL timestamp (an instant) takes the UTC wall-clock time too
      case TIMESTAMP, TIMESTAMP_LTZ ->
          LocalDateTime.ofInstant(Instant.ofEpochMilli(((TimeStampVector) v).get(row)), ZoneOffset.UTC);
      case TIMESTAMP_MICROS -> LocalDateTime.ofInstant(ofEpochMicros(((TimeStampVector) v).get(row)), ZoneOffset.UTC);
      case DATE -> LocalDate.ofEpochDay(((DateDayVector) v).get(row));
      case DECIMAL -> ((DecimalVector) v).getObject(row);
    };
  }

  /** Binds row {@code row} of {@code v} straight from the vector (no boxing for numbers). */
  static void bind(PreparedStatement st, int index, FieldVector v, LaminarType type, int row) throws SQLException {
    if (v.isNull(row)) {
      st.setNull(index, sqlType(type));
      return;
    }
    switch (type) {
      case INT -> st.setInt(index, ((IntVector) v).get(row));
      case BIGINT -> st.setLong(index, ((BigIntVector) v).get(row));
      case FLOAT -> st.setFloat(index, ((Float4Vector) v).get(row));
      case DOUBLE -> st.setDouble(index, ((Float8Vector) v).get(row));
      case VARCHAR -> st.setString(index, new String(((VarCharVector) v).get(row), StandardCharsets.UTF_8));
      case BOOLEAN -> st.setBoolean(index, ((BitVector) v).get(row) == 1);
      case DECIMAL -> st.setBigDecimal(index, ((DecimalVector) v).getObject(row));
      default -> st.setObject(index, value(v, type, row));
    }
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
      case TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ -> Types.TIMESTAMP;
      case DATE -> Types.DATE;
      case DECIMAL -> Types.DECIMAL;
    };
  }

  /** The instant {@code micros} microseconds after the epoch (floor division for times before 1970). */
  static Instant ofEpochMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
