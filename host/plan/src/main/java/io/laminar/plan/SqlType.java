package io.laminar.plan;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The value types a plan can carry, and their Arrow vector types. Timestamps are epoch milliseconds,
 * dates epoch days, intervals milliseconds.
 */
public enum SqlType {
  /** Arrow Bool. */
  BOOLEAN(ArrowType.Bool.INSTANCE),
  /** Arrow Int(32, signed). */
  INT(new ArrowType.Int(32, true)),
  /** Arrow Int(64, signed). */
  BIGINT(new ArrowType.Int(64, true)),
  /** Arrow FloatingPoint(SINGLE). */
  FLOAT(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
  /** Arrow FloatingPoint(DOUBLE); also carries SQL DECIMAL values, approximately. */
  DOUBLE(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
  /** Arrow Utf8. */
  VARCHAR(ArrowType.Utf8.INSTANCE),
  /** Arrow Timestamp(MILLISECOND), no zone. */
  TIMESTAMP(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
  /** Arrow Date(DAY). */
  DATE(new ArrowType.Date(DateUnit.DAY)),
  /** A day-time interval in milliseconds; stored as Int(64) if it ever reaches a vector. */
  INTERVAL(new ArrowType.Int(64, true));

  private final ArrowType arrowType;

  SqlType(ArrowType arrowType) {
    this.arrowType = arrowType;
  }

  /** The Arrow type of a vector holding this type. */
  public ArrowType arrowType() {
    return arrowType;
  }

  /** Whether this is one of the numeric types. */
  public boolean isNumeric() {
    return this == INT || this == BIGINT || this == FLOAT || this == DOUBLE;
  }

  /** Whether values are held as a Java {@code long} at run time. */
  public boolean isLongValued() {
    return this == BIGINT || this == TIMESTAMP || this == INTERVAL;
  }

  /** Whether values are held as a Java {@code int} at run time. */
  public boolean isIntValued() {
    return this == INT || this == DATE;
  }

  /**
   * The plan type of an Arrow type, or {@code null} if the type is not supported. Timestamps of any
   * zone map to TIMESTAMP but only millisecond precision is accepted.
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
    if (type instanceof ArrowType.Utf8) {
      return VARCHAR;
    }
    if (type instanceof ArrowType.Timestamp t && t.getUnit() == TimeUnit.MILLISECOND) {
      return TIMESTAMP;
    }
    if (type instanceof ArrowType.Date d && d.getUnit() == DateUnit.DAY) {
      return DATE;
    }
    return null;
  }
}
