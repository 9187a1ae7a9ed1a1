package io.laminar.mysql;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** The column types of a laminar schema, as the MySQL / MariaDB connectors map them. */
enum LaminarType {
  INT, BIGINT, FLOAT, DOUBLE, VARCHAR, BOOLEAN,
  /** TIMESTAMP: epoch milliseconds of a UTC wall-clock time (Arrow Timestamp(ms), no zone). */
  TIMESTAMP,
  /** TIMESTAMP(6): epoch microseconds of a UTC wall-clock time (Arrow Timestamp(us), no zone). */
  TIMESTAMP_MICROS,
  /** TIMESTAMP_LTZ: an instant, epoch milliseconds (Arrow Timestamp(ms, "UTC")); MySQL's timestamp. */
  TIMESTAMP_LTZ,
  DATE,
  /** DECIMAL(p, s): an Arrow Decimal128; precision and scale are the field's. */
  DECIMAL;

  static LaminarType of(ArrowType type) {
    if (type instanceof ArrowType.Int i) {
      return i.getBitWidth() == 64 ? BIGINT : INT;
    }
    if (type instanceof ArrowType.FloatingPoint f) {
      return f.getPrecision() == FloatingPointPrecision.SINGLE ? FLOAT : DOUBLE;
    }
    if (type instanceof ArrowType.Utf8) {
      return VARCHAR;
    }
    if (type instanceof ArrowType.Bool) {
      return BOOLEAN;
    }
    if (type instanceof ArrowType.Timestamp t) {
      // the unit decides how the long is read: never treat microseconds as milliseconds
      if (t.getUnit() == TimeUnit.MILLISECOND && t.getTimezone() == null) {
        return TIMESTAMP;
      }
      if (t.getUnit() == TimeUnit.MICROSECOND && t.getTimezone() == null) {
        return TIMESTAMP_MICROS;
      }
      if (t.getUnit() == TimeUnit.MILLISECOND && "UTC".equals(t.getTimezone())) {
        return TIMESTAMP_LTZ;
      }
    }
    if (type instanceof ArrowType.Date) {
      return DATE;
    }
    if (type instanceof ArrowType.Decimal d && d.getBitWidth() == 128) {
      return DECIMAL;
    }
    throw new IllegalArgumentException("unsupported column type " + type);
  }

  /** The name as a laminar schema spells it (for messages). */
  @Override
  public String toString() {
    return this == TIMESTAMP_MICROS ? "TIMESTAMP(6)" : name();
  }

  boolean isTimestamp() {
    return this == TIMESTAMP || this == TIMESTAMP_MICROS || this == TIMESTAMP_LTZ;
  }

  /**
   * The MySQL type {@code auto.create.table} gives a column of this type; a key column of VARCHAR
   * gets {@code varchar(255)}, as MySQL cannot index a whole {@code longtext}; a DECIMAL gets
   * {@code decimal(p,s)} of its Arrow type {@code arrow}.
   */
  String mysqlType(boolean key, ArrowType arrow) {
    switch (this) {
      case INT: return "int";
      case BIGINT: return "bigint";
      case FLOAT: return "float";
      case DOUBLE: return "double";
      case VARCHAR: return key ? "varchar(255)" : "longtext";
      case BOOLEAN: return "boolean";
      case TIMESTAMP: return "datetime(3)";
      case TIMESTAMP_MICROS: return "datetime(6)";
      // an instant: MySQL's timestamp (stored in UTC; the sessions run in UTC)
      case TIMESTAMP_LTZ: return "timestamp(3) NULL DEFAULT NULL";
      case DATE: return "date";
      case DECIMAL: {
        ArrowType.Decimal d = (ArrowType.Decimal) arrow;
        return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
      }
      default: throw new AssertionError(this);
    }
  }
}
