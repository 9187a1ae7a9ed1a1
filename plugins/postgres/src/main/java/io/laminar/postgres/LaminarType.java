package io.laminar.postgres;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** The column types of a laminar schema, as the PostgreSQL connectors map them. */
enum LaminarType {
  INT, BIGINT, FLOAT, DOUBLE, VARCHAR, BOOLEAN, TIMESTAMP, DATE,
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
    if (type instanceof ArrowType.Timestamp) {
      return TIMESTAMP;
    }
    if (type instanceof ArrowType.Date) {
      return DATE;
    }
    if (type instanceof ArrowType.Decimal d && d.getBitWidth() == 128) {
      return DECIMAL;
    }
    throw new IllegalArgumentException("unsupported column type " + type);
  }

  /** The PostgreSQL type {@code auto.create.table} gives a column of Arrow type {@code arrow} (of this type). */
  String postgresType(ArrowType arrow) {
    switch (this) {
      case INT: return "integer";
      case BIGINT: return "bigint";
      case FLOAT: return "real";
      case DOUBLE: return "double precision";
      case VARCHAR: return "text";
      case BOOLEAN: return "boolean";
      case TIMESTAMP: return "timestamp";
      case DATE: return "date";
      case DECIMAL: {
        ArrowType.Decimal d = (ArrowType.Decimal) arrow;
        return "numeric(" + d.getPrecision() + "," + d.getScale() + ")";
      }
      default: throw new AssertionError(this);
    }
  }
}
