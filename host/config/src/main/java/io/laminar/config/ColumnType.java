package io.laminar.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** The column types a schema may declare, and the Arrow type each one is stored as. */
public enum ColumnType {
  /** 32-bit signed integer. */
  INT,
  /** 64-bit signed integer. */
  BIGINT,
  /** 64-bit floating point. */
  DOUBLE,
  /** 32-bit floating point. */
  FLOAT,
  /** Exact decimal DECIMAL(p, s), an Arrow Decimal128: p ≤ 38 digits, s of them after the point. */
  DECIMAL,
  /** UTF-8 string. */
  VARCHAR,
  /** true/false. */
  BOOLEAN,
  /** Since the epoch, no time zone: TIMESTAMP(3) milliseconds (the default) or TIMESTAMP(6) microseconds. */
  TIMESTAMP,
  /** TIMESTAMP WITH LOCAL TIME ZONE: an instant, epoch milliseconds (Arrow Timestamp(MILLISECOND, "UTC")). */
  TIMESTAMP_LTZ,
  /** Days since the epoch. */
  DATE;

  /** Every spelling {@link #parse} accepts, in the order error messages list them. */
  public static final List<String> SPELLINGS = List.of("INT", "INTEGER", "BIGINT", "DOUBLE", "FLOAT8", "FLOAT",
      "FLOAT4", "DECIMAL", "NUMERIC", "DEC", "VARCHAR", "STRING", "TEXT", "BOOLEAN", "BOOL", "TIMESTAMP", "TIMESTAMP_LTZ", "TIMESTAMP WITH LOCAL TIME ZONE", "DATE");

  // An optional length/precision: VARCHAR(255), TIMESTAMP(3); DECIMAL(p, s) takes two.
  private static final Pattern TYPE = Pattern.compile(
      "([A-Za-z0-9_]+)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?");

  private static final Pattern LOCAL_TIME_ZONE = Pattern.compile(
      "(?i)TIMESTAMP\\s*(?:\\(\\s*(\\d+)\\s*\\))?\\s+WITH\\s+LOCAL\\s+TIME\\s+ZONE");

  /** The precision of a DECIMAL written without one. */
  public static final int DEFAULT_DECIMAL_PRECISION = 10;
  /** The largest DECIMAL precision: what a 128-bit unscaled value holds. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  /**
   * A parsed column type: the type, and for DECIMAL its precision and scale (0 otherwise); or, when
   * the text names a type but its parameters are wrong, {@code error} says what is wrong.
   */
  public record Spec(ColumnType type, int precision, int scale, String error) {
    /** The Arrow type of the column. */
    public ArrowType arrowType() {
      if (type == DECIMAL) {
        return new ArrowType.Decimal(precision, scale, 128);
      }
      if (type == TIMESTAMP && precision == 6) {
        return new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
      }
      return type.arrowType();
    }

    /** The type as SQL writes it: {@code DECIMAL(10, 2)}, {@code TIMESTAMP(6)}, {@code INT}. */
    public String sql() {
      if (type == DECIMAL) {
        return "DECIMAL(" + precision + ", " + scale + ")";
      }
      return type == TIMESTAMP && precision == 6 ? "TIMESTAMP(6)" : type.name();
    }
  }

  /**
   * Parses a type with its parameters: like {@link #parse}, and DECIMAL/NUMERIC/DEC with optional
   * precision (1 to 38, default 10) and scale (0 to the precision, default 0). Empty when the text
   * names no type; a {@link Spec} with an {@code error} when the parameters are wrong.
   */
  public static Optional<Spec> parseSpec(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher ltz = LOCAL_TIME_ZONE.matcher(text.strip());
    if (ltz.matches()) {
      // TIMESTAMP[(p)] WITH LOCAL TIME ZONE is TIMESTAMP_LTZ[(p)]
      text = "TIMESTAMP_LTZ" + (ltz.group(1) == null ? "" : "(" + ltz.group(1) + ")");
    }
    Matcher m = TYPE.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    Optional<ColumnType> type = byName(m.group(1).toUpperCase(Locale.ROOT));
    if (type.isEmpty()) {
      return Optional.empty();
    }
    String first = m.group(2);
    String second = m.group(3);
    if (type.get() == DECIMAL) {
      int p = first == null ? DEFAULT_DECIMAL_PRECISION : parseSmall(first);
      int sc = second == null ? 0 : parseSmall(second);
      if (p < 1 || p > MAX_DECIMAL_PRECISION) {
        return Optional.of(new Spec(DECIMAL, 0, 0, "DECIMAL precision " + first + " is out of range: it must be 1 to "
            + MAX_DECIMAL_PRECISION + " digits"));
      }
      if (sc > p) {
        return Optional.of(new Spec(DECIMAL, 0, 0, "DECIMAL scale " + second + " is larger than its precision " + p
            + ": the scale counts digits after the point, of the " + p + " digits in all"));
      }
      return Optional.of(new Spec(DECIMAL, p, sc, null));
    }
    if (second != null) {
      return Optional.of(new Spec(type.get(), 0, 0, type.get() + " takes at most one parameter, not '" + text.strip()
          + "'"));
    }
    if (type.get() == TIMESTAMP) {
      int p = first == null ? 3 : parseSmall(first);
      if (p > 6) {
        return Optional.of(new Spec(TIMESTAMP, 0, 0, "TIMESTAMP(" + first + ") is not supported: timestamps hold "
            + "milliseconds (TIMESTAMP, TIMESTAMP(3)) or microseconds (TIMESTAMP(6))"));
      }
      // TIMESTAMP(0) to (3) are stored in milliseconds, (4) to (6) in microseconds
      return Optional.of(new Spec(TIMESTAMP, p <= 3 ? 3 : 6, 0, null));
    }
    if (type.get() == TIMESTAMP_LTZ) {
      if (first != null && parseSmall(first) > 3) {
        return Optional.of(new Spec(TIMESTAMP_LTZ, 0, 0, "TIMESTAMP_LTZ(" + first + ") is not supported: a "
            + "TIMESTAMP WITH LOCAL TIME ZONE holds milliseconds; use TIMESTAMP_LTZ or TIMESTAMP_LTZ(3)"));
      }
      return Optional.of(new Spec(TIMESTAMP_LTZ, 3, 0, null));
    }
    if (first != null && type.get() != VARCHAR) {
      return Optional.of(new Spec(type.get(), 0, 0, type.get() + " takes no parameter, not '" + text.strip() + "'"));
    }
    return Optional.of(new Spec(type.get(), 0, 0, null));
  }

  /** A non-negative number of at most 9 digits, or Integer.MAX_VALUE when longer. */
  private static int parseSmall(String digits) {
    return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
  }

  /**
   * Parses a type name case-insensitively, with aliases. A length is accepted on the string types
   * ({@code VARCHAR(255)}), a precision on TIMESTAMP (up to 6) and DECIMAL; see {@link #parseSpec}.
   */
  public static Optional<ColumnType> parse(String text) {
    return parseSpec(text).filter(spec -> spec.error() == null).map(Spec::type);
  }

  private static Optional<ColumnType> byName(String name) {
    switch (name) {
      case "INT":
      case "INTEGER":
        return Optional.of(INT);
      case "BIGINT":
        return Optional.of(BIGINT);
      case "DOUBLE":
      case "FLOAT8":
        return Optional.of(DOUBLE);
      case "FLOAT":
      case "FLOAT4":
        return Optional.of(FLOAT);
      case "DECIMAL":
      case "NUMERIC":
      case "DEC":
        return Optional.of(DECIMAL);
      case "VARCHAR":
      case "STRING":
      case "TEXT":
        return Optional.of(VARCHAR);
      case "BOOLEAN":
      case "BOOL":
        return Optional.of(BOOLEAN);
      case "TIMESTAMP":
        return Optional.of(TIMESTAMP);
      case "TIMESTAMP_LTZ":
        return Optional.of(TIMESTAMP_LTZ);
      case "DATE":
        return Optional.of(DATE);
      default:
        return Optional.empty();
    }
  }

  /** The Arrow type vectors of this column use (DECIMAL: its default, DECIMAL(10, 0); see {@link Spec}). */
  public ArrowType arrowType() {
    switch (this) {
      case INT:
        return new ArrowType.Int(32, true);
      case BIGINT:
        return new ArrowType.Int(64, true);
      case DOUBLE:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case FLOAT:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DECIMAL:
        return new ArrowType.Decimal(DEFAULT_DECIMAL_PRECISION, 0, 128);
      case VARCHAR:
        return ArrowType.Utf8.INSTANCE;
      case BOOLEAN:
        return ArrowType.Bool.INSTANCE;
      case TIMESTAMP:
        return new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
      case TIMESTAMP_LTZ:
        return new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
      case DATE:
        return new ArrowType.Date(DateUnit.DAY);
      default:
        throw new AssertionError(this);
    }
  }
}
