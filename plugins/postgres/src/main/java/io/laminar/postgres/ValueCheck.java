package io.laminar.postgres;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * What a sink's target column refuses among the values of the pipeline's type, checked per row before
 * the row is written, so a bad row can follow the pipeline's {@code on.error} instead of failing the
 * whole batch in PostgreSQL: an integer beyond a {@code smallint}/{@code integer} column, a number
 * beyond a {@code numeric(p,s)}'s {@code p - s} integer digits, a string longer than a
 * {@code varchar(n)}/{@code char(n)} (unless the excess is spaces, which PostgreSQL drops), a NULL
 * in a NOT NULL column. Decided from the value and the column type read at {@code open} only.
 */
final class ValueCheck {
  private static final Pattern LENGTH = Pattern.compile(".*\\((\\d+)\\)");

  private final PgColumn column;
  private final LaminarType type;
  private final boolean notNull;
  /** Integer range (inclusive), when narrower than the pipeline's type. */
  private final long min;
  private final long max;
  private final boolean range;
  /** numeric(p,s): integer digits allowed ({@code p - s}) and the scale values are rounded to; -1 = none. */
  private final int integerDigits;
  private final int scale;
  /** varchar(n)/char(n): at most n characters; -1 = none. */
  private final int length;

  private ValueCheck(PgColumn column, LaminarType type, boolean notNull, long min, long max, boolean range,
      int integerDigits, int scale, int length) {
    this.column = column;
    this.type = type;
    this.notNull = notNull;
    this.min = min;
    this.max = max;
    this.range = range;
    this.integerDigits = integerDigits;
    this.scale = scale;
    this.length = length;
  }

  /** The check for writing {@code type} (Arrow type {@code arrow}) into {@code column}, or null if every value fits. */
  static ValueCheck of(PgColumn column, LaminarType type, ArrowType arrow) {
    boolean range = false;
    long min = Long.MIN_VALUE;
    long max = Long.MAX_VALUE;
    if (column.typeName().equals("int2") && (type == LaminarType.INT || type == LaminarType.BIGINT)) {
      range = true;
      min = Short.MIN_VALUE;
      max = Short.MAX_VALUE;
    } else if (column.typeName().equals("int4") && type == LaminarType.BIGINT) {
      range = true;
      min = Integer.MIN_VALUE;
      max = Integer.MAX_VALUE;
    }
    int digits = -1;
    int scale = 0;
    int[] ps = column.numericPrecisionScale();
    if (ps != null) {
      int room = ps[0] - ps[1];
      boolean fits = switch (type) {
        case INT -> room >= 10;
        case BIGINT -> room >= 19;
        case DECIMAL -> {
          ArrowType.Decimal d = (ArrowType.Decimal) arrow;
          yield d.getPrecision() - d.getScale() <= room;
        }
        default -> false;
      };
      if (!fits) {
        digits = room;
        scale = ps[1];
      }
    }
    int length = -1;
    if ((column.typeName().equals("varchar") || column.typeName().equals("bpchar")) && type == LaminarType.VARCHAR) {
      Matcher m = LENGTH.matcher(column.displayType());
      if (m.matches()) {
        length = Integer.parseInt(m.group(1));
      }
    }
    if (!column.notNull() && !range && digits < 0 && length < 0) {
      return null;
    }
    return new ValueCheck(column, type, column.notNull(), min, max, range, digits, scale, length);
  }

  /** Why row {@code row} of {@code v} cannot be stored, or null if it can. */
  String problem(FieldVector v, int row) {
    if (v.isNull(row)) {
      return notNull ? "NULL in a column that is NOT NULL" : null;
    }
    if (range) {
      long x = type == LaminarType.INT ? ((IntVector) v).get(row) : ((BigIntVector) v).get(row);
      if (x < min || x > max) {
        return x + " is out of the range of " + column.displayType() + " (" + min + " to " + max + ")";
      }
    }
    if (integerDigits >= 0) {
      String p = numericProblem(v, row);
      if (p != null) {
        return p;
      }
    }
    if (length >= 0) {
      return lengthProblem((VarCharVector) v, row);
    }
    return null;
  }

  private String numericProblem(FieldVector v, int row) {
    BigDecimal value;
    switch (type) {
      case INT: value = BigDecimal.valueOf(((IntVector) v).get(row)); break;
      case BIGINT: value = BigDecimal.valueOf(((BigIntVector) v).get(row)); break;
      case DECIMAL: value = ((DecimalVector) v).getObject(row); break;
      case FLOAT: case DOUBLE: {
        double d = type == LaminarType.FLOAT ? ((Float4Vector) v).get(row) : ((Float8Vector) v).get(row);
        if (Double.isNaN(d)) {
          return null;
        }
        if (Double.isInfinite(d)) {
          return d + " cannot be stored in " + column.displayType();
        }
        value = BigDecimal.valueOf(d);
        break;
      }
      default: return null;
    }
    // PostgreSQL rounds to the column's scale first, then checks the integer digits
    BigDecimal rounded = value.setScale(scale, RoundingMode.HALF_UP);
    if (rounded.abs().compareTo(BigDecimal.TEN.pow(integerDigits)) >= 0) {
      return value.toPlainString() + " is out of the range of " + column.displayType() + " (at most "
          + integerDigits + " digit" + (integerDigits == 1 ? "" : "s") + " before the decimal point)";
    }
    return null;
  }

  private String lengthProblem(VarCharVector v, int row) {
    int bytes = v.getValueLength(row);
    if (bytes <= length) {
      return null; // a character is at least one byte
    }
    byte[] value = v.get(row);
    int chars = 0;
    int cut = -1;
    for (int i = 0; i < value.length; i++) {
      if ((value[i] & 0xC0) != 0x80) {
        if (chars == length) {
          cut = i;
        }
        chars++;
      }
    }
    if (chars <= length) {
      return null;
    }
    for (int i = cut; i < value.length; i++) {
      if (value[i] != ' ') {
        return "a string of " + chars + " characters is too long for " + column.displayType();
      }
    }
    return null; // only spaces beyond n: PostgreSQL drops them
  }
}
