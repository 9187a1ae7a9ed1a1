package io.laminar.mysql;

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
 * What a sink's target column refuses among the values of the pipeline's type (MySQL and MariaDB in
 * strict mode, their default), checked per row before the row is written, so a bad row can follow
 * the pipeline's {@code on.error} instead of failing the whole statement: an integer beyond a
 * narrower (or unsigned) integer column, a number beyond a {@code decimal(p,s)}'s {@code p - s}
 * integer digits, a string longer than a {@code varchar(n)}/{@code char(n)} (unless the excess is
 * spaces, which MySQL drops), a NULL in a NOT NULL column. Decided from the value and the column type
 * read at {@code open} only. ({@code text} types limit bytes in the column's character set, which is
 * not read: a string too long for one fails its statement in the server.)
 */
final class ValueCheck {
  private static final Pattern LENGTH = Pattern.compile("(?:var)?char\\((\\d+)\\).*");

  private final MysqlColumn column;
  private final LaminarType type;
  private final boolean notNull;
  private final boolean range;
  private final long min;
  private final long max;
  /** decimal(p,s): integer digits allowed ({@code p - s}) and the scale values are rounded to; -1 = none. */
  private final int integerDigits;
  private final int scale;
  private final boolean unsignedDecimal;
  /** char(n)/varchar(n): at most n characters; -1 = none. */
  private final int chars;

  private ValueCheck(MysqlColumn column, LaminarType type, boolean range, long min, long max, int integerDigits,
      int scale, boolean unsignedDecimal, int chars) {
    this.column = column;
    this.type = type;
    this.notNull = column.notNull();
    this.range = range;
    this.min = min;
    this.max = max;
    this.integerDigits = integerDigits;
    this.scale = scale;
    this.unsignedDecimal = unsignedDecimal;
    this.chars = chars;
  }

  /** The check for writing {@code type} (Arrow type {@code arrow}) into {@code column}, or null if every value fits. */
  static ValueCheck of(MysqlColumn column, LaminarType type, ArrowType arrow) {
    boolean unsigned = column.columnType().contains("unsigned");
    boolean integer = type == LaminarType.INT || type == LaminarType.BIGINT;
    boolean range = false;
    long min = Long.MIN_VALUE;
    long max = Long.MAX_VALUE;
    if (integer && !column.columnType().startsWith("tinyint(1)")) {
      long[] limits = switch (column.dataType()) {
        case "tinyint" -> unsigned ? new long[] {0, 255} : new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
        case "smallint" -> unsigned ? new long[] {0, 65535} : new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
        case "mediumint" -> unsigned ? new long[] {0, 16777215} : new long[] {-8388608, 8388607};
        case "int", "integer" -> unsigned ? new long[] {0, 4294967295L}
            : new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
        case "bigint" -> unsigned ? new long[] {0, Long.MAX_VALUE} : null;
        default -> null;
      };
      if (limits != null && (type == LaminarType.BIGINT || limits[0] > Integer.MIN_VALUE
          || limits[1] < Integer.MAX_VALUE)) {
        range = true;
        min = limits[0];
        max = limits[1];
      }
    }
    int digits = -1;
    int scale = 0;
    int[] ps = column.decimalPrecisionScale();
    boolean unsignedDecimal = ps != null && unsigned;
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
      if (!fits || unsignedDecimal) {
        digits = room;
        scale = ps[1];
      }
    }
    int chars = -1;
    if (type == LaminarType.VARCHAR) {
      Matcher m = LENGTH.matcher(column.columnType());
      if ((column.dataType().equals("varchar") || column.dataType().equals("char")) && m.matches()) {
        chars = Integer.parseInt(m.group(1));
      }
    }
    if (!column.notNull() && !range && digits < 0 && chars < 0) {
      return null;
    }
    return new ValueCheck(column, type, range, min, max, digits, scale, unsignedDecimal, chars);
  }

  /** Why row {@code row} of {@code v} cannot be stored, or null if it can. */
  String problem(FieldVector v, int row) {
    if (v.isNull(row)) {
      return notNull ? "NULL in a column that is NOT NULL" : null;
    }
    if (range) {
      long x = type == LaminarType.INT ? ((IntVector) v).get(row) : ((BigIntVector) v).get(row);
      if (x < min || x > max) {
        return x + " is out of the range of " + column.columnType() + " (" + min + " to " + max + ")";
      }
    }
    if (integerDigits >= 0) {
      String p = decimalProblem(v, row);
      if (p != null) {
        return p;
      }
    }
    if (chars >= 0) {
      return lengthProblem((VarCharVector) v, row);
    }
    return null;
  }

  private String decimalProblem(FieldVector v, int row) {
    BigDecimal value;
    switch (type) {
      case INT: value = BigDecimal.valueOf(((IntVector) v).get(row)); break;
      case BIGINT: value = BigDecimal.valueOf(((BigIntVector) v).get(row)); break;
      case DECIMAL: value = ((DecimalVector) v).getObject(row); break;
      case FLOAT: case DOUBLE: {
        double d = type == LaminarType.FLOAT ? ((Float4Vector) v).get(row) : ((Float8Vector) v).get(row);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          return d + " cannot be stored in " + column.columnType();
        }
        value = BigDecimal.valueOf(d);
        break;
      }
      default: return null;
    }
    BigDecimal rounded = value.setScale(scale, RoundingMode.HALF_UP);
    if (rounded.abs().compareTo(BigDecimal.TEN.pow(integerDigits)) >= 0 || (unsignedDecimal && rounded.signum() < 0)) {
      return value.toPlainString() + " is out of the range of " + column.columnType();
    }
    return null;
  }

  private String lengthProblem(VarCharVector v, int row) {
    int size = v.getValueLength(row);
    if (size <= chars) {
      return null; // a character is at least one byte
    }
    byte[] value = v.get(row);
    int count = 0;
    int cut = -1;
    for (int i = 0; i < value.length; i++) {
      if ((value[i] & 0xC0) != 0x80) {
        if (count == chars) {
          cut = i;
        }
        count++;
      }
    }
    if (count <= chars) {
      return null;
    }
    for (int i = cut; i < value.length; i++) {
      if (value[i] != ' ') {
        return "a string of " + count + " characters is too long for " + column.columnType();
      }
    }
    return null; // only spaces beyond n: MySQL drops them
  }
}
