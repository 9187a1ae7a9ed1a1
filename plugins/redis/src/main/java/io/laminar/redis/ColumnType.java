package io.laminar.redis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
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
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The column types a Redis value can hold, with their text form (hash fields, string values, keys)
 * and JSON form. Text: integers and floats in decimal, booleans {@code true}/{@code false} (also
 * {@code 1}/{@code 0} when read), TIMESTAMP as ISO-8601 (epoch milliseconds also read), DATE as
 * {@code yyyy-mm-dd} (days since the epoch also read), DECIMAL as its exact digits ({@code 12.30}, never
 * an exponent; a JSON number of those digits). Decoding writes straight into the vector.
 */
enum ColumnType {
  INT, BIGINT, FLOAT, DOUBLE, VARCHAR, BOOLEAN, TIMESTAMP, DATE,
  /** DECIMAL(p, s), an Arrow Decimal128 (precision and scale are the vector's). */
  DECIMAL;

  /** The type of an Arrow field, or empty if Redis values cannot be mapped to it. */
  static Optional<ColumnType> of(Field field) {
    ArrowType t = field.getType();
    if (t instanceof ArrowType.Int i && i.getIsSigned() && (i.getBitWidth() == 32 || i.getBitWidth() == 64)) {
      return Optional.of(i.getBitWidth() == 32 ? INT : BIGINT);
    }
    if (t instanceof ArrowType.FloatingPoint f) {
      return f.getPrecision() == FloatingPointPrecision.DOUBLE ? Optional.of(DOUBLE)
          : f.getPrecision() == FloatingPointPrecision.SINGLE ? Optional.of(FLOAT) : Optional.empty();
    }
    if (t instanceof ArrowType.Utf8) {
      return Optional.of(VARCHAR);
    }
    if (t instanceof ArrowType.Bool) {
      return Optional.of(BOOLEAN);
    }
    if (t instanceof ArrowType.Timestamp ts && ts.getUnit() == TimeUnit.MILLISECOND) {
      return Optional.of(TIMESTAMP);
    }
    if (t instanceof ArrowType.Date d && d.getUnit() == DateUnit.DAY) {
      return Optional.of(DATE);
    }
    if (t instanceof ArrowType.Decimal d && d.getBitWidth() == 128) {
      return Optional.of(DECIMAL);
    }
    return Optional.empty();
  }

  /** The SQL name used in messages. */
  String sqlName() {
    return name();
  }

  // ---- reading -------------------------------------------------------------------------------

  /** Decodes the text form {@code bytes} into {@code row} of {@code v}. */
  void decodeText(FieldVector v, int row, byte[] bytes) throws BadValue {
    switch (this) {
      case VARCHAR -> ((VarCharVector) v).setSafe(row, bytes);
      case INT -> {
        long n = parseLong(bytes);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
          throw bad(bytes, "is out of range for INT");
        }
        ((IntVector) v).setSafe(row, (int) n);
      }
      case BIGINT -> ((BigIntVector) v).setSafe(row, parseLong(bytes));
      case DOUBLE -> ((Float8Vector) v).setSafe(row, parseDouble(bytes));
      case FLOAT -> ((Float4Vector) v).setSafe(row, (float) parseDouble(bytes));
      case BOOLEAN -> ((BitVector) v).setSafe(row, parseBoolean(bytes) ? 1 : 0);
      case TIMESTAMP -> ((TimeStampVector) v).setSafe(row, parseTimestamp(text(bytes)));
      case DATE -> ((DateDayVector) v).setSafe(row, parseDate(text(bytes)));
      case DECIMAL -> setDecimal((DecimalVector) v, row, parseDecimal(bytes), bytes);
      default -> throw new IllegalStateException(name());
    }
  }

  /**
   * Decodes the JSON value at the parser's current token into {@code row} of {@code v}; JSON null
   * sets NULL. Strings holding the text form are accepted for every type.
   */
  void decodeJson(FieldVector v, int row, JsonParser p) throws BadValue, IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      v.setNull(row);
      return;
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      throw new BadValue("a JSON " + (t == JsonToken.START_OBJECT ? "object" : "array") + " is not a " + sqlName());
    }
    if (t == JsonToken.VALUE_STRING) {
      if (this == VARCHAR) {
        ((VarCharVector) v).setSafe(row, p.getText().getBytes(StandardCharsets.UTF_8));
      } else {
        decodeText(v, row, p.getText().getBytes(StandardCharsets.UTF_8));
      }
      return;
    }
    switch (this) {
      case VARCHAR -> ((VarCharVector) v).setSafe(row, p.getText().getBytes(StandardCharsets.UTF_8));
      case INT, BIGINT, TIMESTAMP, DATE -> {
        if (t != JsonToken.VALUE_NUMBER_INT) {
          throw new BadValue("JSON value " + p.getText() + " is not a" + (this == INT ? "n " : " ") + sqlName());
        }
        long n = p.getLongValue();
        switch (this) {
          case INT -> {
            if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
              throw new BadValue("JSON value " + n + " is out of range for INT");
            }
            ((IntVector) v).setSafe(row, (int) n);
          }
          case BIGINT -> ((BigIntVector) v).setSafe(row, n);
          case TIMESTAMP -> ((TimeStampVector) v).setSafe(row, n);
          default -> ((DateDayVector) v).setSafe(row, Math.toIntExact(n));
        }
      }
      case DOUBLE, FLOAT -> {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
          throw new BadValue("JSON value " + p.getText() + " is not a " + sqlName());
        }
        if (this == DOUBLE) {
          ((Float8Vector) v).setSafe(row, p.getDoubleValue());
        } else {
          ((Float4Vector) v).setSafe(row, p.getFloatValue());
        }
      }
      case DECIMAL -> {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
          throw new BadValue("JSON value " + p.getText() + " is not a DECIMAL");
        }
        setDecimal((DecimalVector) v, row, p.getDecimalValue(), p.getText().getBytes(StandardCharsets.UTF_8));
      }
      case BOOLEAN -> {
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
          throw new BadValue("JSON value " + p.getText() + " is not a BOOLEAN");
        }
        ((BitVector) v).setSafe(row, t == JsonToken.VALUE_TRUE ? 1 : 0);
      }
      default -> throw new IllegalStateException(name());
    }
  }

  // ---- writing -------------------------------------------------------------------------------

  /** The text form of the non-null value at {@code row}. */
  byte[] encodeText(FieldVector v, int row) {
    return switch (this) {
      case VARCHAR -> ((VarCharVector) v).get(row);
      case INT -> Integer.toString(((IntVector) v).get(row)).getBytes(StandardCharsets.US_ASCII);
      case BIGINT -> Long.toString(((BigIntVector) v).get(row)).getBytes(StandardCharsets.US_ASCII);
      case DOUBLE -> Double.toString(((Float8Vector) v).get(row)).getBytes(StandardCharsets.US_ASCII);
      case FLOAT -> Float.toString(((Float4Vector) v).get(row)).getBytes(StandardCharsets.US_ASCII);
      case BOOLEAN -> (((BitVector) v).get(row) != 0 ? "true" : "false").getBytes(StandardCharsets.US_ASCII);
      case TIMESTAMP -> Instant.ofEpochMilli(((TimeStampVector) v).get(row)).toString()
          .getBytes(StandardCharsets.US_ASCII);
      case DATE -> LocalDate.ofEpochDay(((DateDayVector) v).get(row)).toString().getBytes(StandardCharsets.US_ASCII);
      case DECIMAL -> ((DecimalVector) v).getObject(row).toPlainString().getBytes(StandardCharsets.US_ASCII);
    };
  }

  /** Writes the value at {@code row} (null included) as a JSON value. */
  void encodeJson(JsonGenerator g, FieldVector v, int row) throws IOException {
    if (v.isNull(row)) {
      g.writeNull();
      return;
    }
    switch (this) {
      case VARCHAR -> {
        byte[] utf8 = ((VarCharVector) v).get(row);
        g.writeUTF8String(utf8, 0, utf8.length);
      }
      case INT -> g.writeNumber(((IntVector) v).get(row));
      case BIGINT -> g.writeNumber(((BigIntVector) v).get(row));
      case DOUBLE -> g.writeNumber(((Float8Vector) v).get(row));
      case FLOAT -> g.writeNumber(((Float4Vector) v).get(row));
      case BOOLEAN -> g.writeBoolean(((BitVector) v).get(row) != 0);
      case TIMESTAMP, DATE -> g.writeString(new String(encodeText(v, row), StandardCharsets.US_ASCII));
      // the exact digits as a JSON number (never an exponent)
      case DECIMAL -> g.writeNumber(((DecimalVector) v).getObject(row).toPlainString());
      default -> throw new IllegalStateException(name());
    }
  }

  // ---- parsing -------------------------------------------------------------------------------

  private static long parseLong(byte[] b) throws BadValue {
    int n = b.length;
    int i = 0;
    boolean negative = false;
    if (n > 0 && (b[0] == '-' || b[0] == '+')) {
      negative = b[0] == '-';
      i = 1;
    }
    if (i == n || n - i > 19) {
      throw bad(b, "is not an integer");
    }
    long value = 0;
    for (; i < n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw bad(b, "is not an integer");
      }
      // accumulate negatively so that Long.MIN_VALUE parses
      if (value < Long.MIN_VALUE / 10) {
        throw bad(b, "is out of range for BIGINT");
      }
      value *= 10;
      if (value < Long.MIN_VALUE + d) {
        throw bad(b, "is out of range for BIGINT");
      }
      value -= d;
    }
    if (!negative) {
      if (value == Long.MIN_VALUE) {
        throw bad(b, "is out of range for BIGINT");
      }
      value = -value;
    }
    return value;
  }

  private static double parseDouble(byte[] b) throws BadValue {
    String s = text(b).trim();
    switch (s.toLowerCase(Locale.ROOT)) {
      case "inf", "+inf", "infinity", "+infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan" -> {
        return Double.NaN;
      }
      default -> { }
    }
    // Double.parseDouble also takes hex floats and a trailing 'd'/'f'; accept plain decimals only
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        throw bad(b, "is not a number");
      }
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw bad(b, "is not a number");
    }
  }

  private static BigDecimal parseDecimal(byte[] b) throws BadValue {
    try {
      return new BigDecimal(text(b).trim());
    } catch (NumberFormatException e) {
      throw bad(b, "is not a DECIMAL");
    }
  }

  /** Sets {@code d} at the vector's scale, refusing a value with more digits than the column holds. */
  private static void setDecimal(DecimalVector v, int row, BigDecimal d, byte[] source) throws BadValue {
    BigDecimal scaled;
    try {
      scaled = d.setScale(v.getScale(), RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw bad(source, "has more than " + v.getScale() + " digits after the point of DECIMAL(" + v.getPrecision()
          + ", " + v.getScale() + ")");
    }
    if (scaled.precision() > v.getPrecision()) {
      throw bad(source, "is out of the range of DECIMAL(" + v.getPrecision() + ", " + v.getScale() + ")");
    }
    v.setSafe(row, scaled);
  }

  private static boolean parseBoolean(byte[] b) throws BadValue {
    switch (text(b).trim().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> {
        return true;
      }
      case "false", "0" -> {
        return false;
      }
      default -> throw bad(b, "is not a BOOLEAN (true/false/1/0)");
    }
  }

  private static long parseTimestamp(String s) throws BadValue {
    String t = s.trim();
    if (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '-') && t.chars().skip(1).allMatch(Character::isDigit)) {
      return parseLong(t.getBytes(StandardCharsets.US_ASCII));
    }
    try {
      return Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw bad(s.getBytes(StandardCharsets.UTF_8), "is not a TIMESTAMP (ISO-8601 or epoch milliseconds)");
      }
    }
  }

  private static int parseDate(String s) throws BadValue {
    String t = s.trim();
    try {
      return Math.toIntExact(LocalDate.parse(t).toEpochDay());
    } catch (DateTimeParseException e) {
      try {
        return Integer.parseInt(t);
      } catch (NumberFormatException e2) {
        throw bad(s.getBytes(StandardCharsets.UTF_8), "is not a DATE (yyyy-mm-dd or days since 1970-01-01)");
      }
    }
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** A quoted, shortened rendering of a value for messages. */
  static String quote(byte[] b) {
    String s = text(b);
    return "'" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
  }

  private static BadValue bad(byte[] b, String what) {
    return new BadValue(quote(b) + " " + what);
  }
}
