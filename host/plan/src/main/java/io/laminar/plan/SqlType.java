package io.laminar.plan;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The value types a plan can carry, and their Arrow vector types. Timestamps are epoch milliseconds,
 * dates epoch days, intervals milliseconds; {@code DECIMAL(p, s)} is an unscaled integer with scale
 * {@code s} in an Arrow Decimal128.
 *
 * <p>Every type is one interned instance (a {@code DECIMAL(p, s)} too), so {@code ==} is equality and
 * a {@code switch} goes over {@link #kind()}.
 */
public final class SqlType {
  /** The kinds of type; only DECIMAL has parameters. */
  public enum Kind {
    /** Arrow Bool. */
    BOOLEAN,
    /** Arrow Int(32, signed). */
    INT,
    /** Arrow Int(64, signed). */
    BIGINT,
    /** Arrow FloatingPoint(SINGLE). */
    FLOAT,
    /** Arrow FloatingPoint(DOUBLE). */
    DOUBLE,
    /** Arrow Decimal(p, s, 128): exact decimals. */
    DECIMAL,
    /** Arrow Utf8. */
    VARCHAR,
    /** Arrow Timestamp(MILLISECOND), no zone: TIMESTAMP(3). */
    TIMESTAMP,
    /** Arrow Timestamp(MICROSECOND), no zone: TIMESTAMP(6), epoch microseconds. */
    TIMESTAMP_MICROS,
    /**
     * Arrow Timestamp(MILLISECOND, "UTC"): TIMESTAMP(3) WITH LOCAL TIME ZONE, an instant in epoch
     * milliseconds (shown and converted in the session time zone, which is UTC).
     */
    TIMESTAMP_LTZ,
    /** Arrow Date(DAY). */
    DATE,
    /** A day-time interval in milliseconds; stored as Int(64) if it ever reaches a vector. */
    INTERVAL
  }

  /** The largest DECIMAL precision (digits): what a 128-bit unscaled value holds. */
  public static final int MAX_DECIMAL_PRECISION = 38;
  /** The largest DECIMAL precision held as an unscaled {@code long} at run time. */
  public static final int MAX_LONG_DECIMAL_PRECISION = 18;

  /** Arrow Bool. */
  public static final SqlType BOOLEAN = new SqlType(Kind.BOOLEAN, 0, 0, ArrowType.Bool.INSTANCE);
  /** Arrow Int(32, signed). */
  public static final SqlType INT = new SqlType(Kind.INT, 0, 0, new ArrowType.Int(32, true));
  /** Arrow Int(64, signed). */
  public static final SqlType BIGINT = new SqlType(Kind.BIGINT, 0, 0, new ArrowType.Int(64, true));
  /** Arrow FloatingPoint(SINGLE). */
  public static final SqlType FLOAT = new SqlType(Kind.FLOAT, 0, 0,
      new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
  /** Arrow FloatingPoint(DOUBLE). */
  public static final SqlType DOUBLE = new SqlType(Kind.DOUBLE, 0, 0,
      new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
  /** Arrow Utf8. */
  public static final SqlType VARCHAR = new SqlType(Kind.VARCHAR, 0, 0, ArrowType.Utf8.INSTANCE);
  /** Arrow Timestamp(MILLISECOND), no zone. */
  public static final SqlType TIMESTAMP = new SqlType(Kind.TIMESTAMP, 3, 0,
      new ArrowType.Timestamp(TimeUnit.MILLISECOND, null));
  /** Arrow Timestamp(MICROSECOND), no zone: TIMESTAMP(6). */
  public static final SqlType TIMESTAMP_MICROS = new SqlType(Kind.TIMESTAMP_MICROS, 6, 0,
      new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
  /** Arrow Timestamp(MILLISECOND, "UTC"): TIMESTAMP WITH LOCAL TIME ZONE. */
  public static final SqlType TIMESTAMP_LTZ = new SqlType(Kind.TIMESTAMP_LTZ, 3, 0,
      new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"));
  /** Arrow Date(DAY). */
  public static final SqlType DATE = new SqlType(Kind.DATE, 0, 0, new ArrowType.Date(DateUnit.DAY));
  /** A day-time interval in milliseconds. */
  public static final SqlType INTERVAL = new SqlType(Kind.INTERVAL, 0, 0, new ArrowType.Int(64, true));

  private static final SqlType[][] DECIMALS = new SqlType[MAX_DECIMAL_PRECISION + 1][];

  static {
    for (int p = 1; p <= MAX_DECIMAL_PRECISION; p++) {
      DECIMALS[p] = new SqlType[p + 1];
      for (int s = 0; s <= p; s++) {
        DECIMALS[p][s] = new SqlType(Kind.DECIMAL, p, s, new ArrowType.Decimal(p, s, 128));
      }
    }
  }

  private final Kind kind;
  private final int precision;
  private final int scale;
  private final ArrowType arrowType;

  private SqlType(Kind kind, int precision, int scale, ArrowType arrowType) {
    this.kind = kind;
    this.precision = precision;
    this.scale = scale;
    this.arrowType = arrowType;
  }

  /** {@code DECIMAL(precision, scale)}; 1 ≤ precision ≤ 38, 0 ≤ scale ≤ precision. */
  public static SqlType decimal(int precision, int scale) {
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
      throw new IllegalArgumentException("DECIMAL(" + precision + ", " + scale + ") is not a valid type: precision "
          + "must be 1 to " + MAX_DECIMAL_PRECISION + " and scale 0 to the precision");
    }
    return DECIMALS[precision][scale];
  }

  /** The kind, for a {@code switch}. */
  public Kind kind() {
    return kind;
  }

  /** Decimal digits of a DECIMAL (0 for other types). */
  public int precision() {
    return kind == Kind.DECIMAL ? precision : 0;
  }

  /** Digits after the point of a DECIMAL (0 for other types). */
  public int scale() {
    return scale;
  }

  /** The Arrow type of a vector holding this type. */
  public ArrowType arrowType() {
    return arrowType;
  }

  /** Whether this is one of the numeric types. */
  public boolean isNumeric() {
    return kind == Kind.INT || kind == Kind.BIGINT || kind == Kind.FLOAT || kind == Kind.DOUBLE
        || kind == Kind.DECIMAL;
  }

  /** Whether this is a DECIMAL. */
  public boolean isDecimal() {
    return kind == Kind.DECIMAL;
  }

  /** Whether this is a DECIMAL held as an unscaled {@code long} at run time (precision ≤ 18). */
  public boolean isLongDecimal() {
    return kind == Kind.DECIMAL && precision <= MAX_LONG_DECIMAL_PRECISION;
  }

  /** Whether values are held as a Java {@code long} at run time (DECIMALs aside). */
  public boolean isLongValued() {
    return kind == Kind.BIGINT || isTimestamp() || kind == Kind.INTERVAL;
  }

  /** Whether this is one of the timestamp types (TIMESTAMP(3), TIMESTAMP(6), WITH LOCAL TIME ZONE). */
  public boolean isTimestamp() {
    return kind == Kind.TIMESTAMP || kind == Kind.TIMESTAMP_MICROS || kind == Kind.TIMESTAMP_LTZ;
  }

  /** A timestamp's units per millisecond: 1000 for TIMESTAMP(6), 1 otherwise. */
  public long unitsPerMilli() {
    return kind == Kind.TIMESTAMP_MICROS ? 1000 : 1;
  }

  /** Whether values are held as a Java {@code int} at run time. */
  public boolean isIntValued() {
    return kind == Kind.INT || kind == Kind.DATE;
  }

  /** The SQL name: {@code INT}, {@code DECIMAL(10, 2)}. */
  public String name() {
    return switch (kind) {
      case DECIMAL -> "DECIMAL(" + precision + ", " + scale + ")";
      case TIMESTAMP_MICROS -> "TIMESTAMP(6)";
      default -> kind.name();
    };
  }

  @Override
  public String toString() {
    return name();
  }

  /**
   * The plan type of an Arrow type, or {@code null} if the type is not supported: a timestamp of
   * milliseconds without a zone is TIMESTAMP, with one TIMESTAMP WITH LOCAL TIME ZONE (an instant),
   * of microseconds without a zone TIMESTAMP(6); decimals must be 128-bit.
   */
  public static SqlType fromArrow(ArrowType type) {
    if (type instanceof ArrowType.Bool) {
      return BOOLEAN;
    }
    if (type instanceof ArrowType.Int i && i.getIsSigned()) {
      return switch (i.getBitWidth()) {
        case 32 -> INT;
        case 64 -> BIGINT;
        default -> null;
      };
    }
    if (type instanceof ArrowType.FloatingPoint f) {
      return switch (f.getPrecision()) {
        case SINGLE -> FLOAT;
        case DOUBLE -> DOUBLE;
        default -> null;
      };
    }
    if (type instanceof ArrowType.Decimal d) {
      boolean valid = d.getBitWidth() == 128 && d.getPrecision() >= 1 && d.getPrecision() <= MAX_DECIMAL_PRECISION
          && d.getScale() >= 0 && d.getScale() <= d.getPrecision();
      return valid ? decimal(d.getPrecision(), d.getScale()) : null;
    }
    if (type instanceof ArrowType.Utf8) {
      return VARCHAR;
    }
    if (type instanceof ArrowType.Timestamp t && t.getUnit() == TimeUnit.MILLISECOND) {
      return t.getTimezone() == null ? TIMESTAMP : TIMESTAMP_LTZ;
    }
    if (type instanceof ArrowType.Timestamp t && t.getUnit() == TimeUnit.MICROSECOND && t.getTimezone() == null) {
      return TIMESTAMP_MICROS;
    }
    if (type instanceof ArrowType.Date d && d.getUnit() == DateUnit.DAY) {
      return DATE;
    }
    return null;
  }
}
