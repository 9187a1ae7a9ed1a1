package io.laminar.postgres;

import java.util.EnumSet;
import java.util.Set;

/**
 * A column of a PostgreSQL table: its name, type name ({@code pg_type.typname}), how
 * {@code format_type} prints it, and whether it may be null.
 */
record PgColumn(String name, String typeName, String displayType, boolean notNull) {

  /** Reading: the schema types a value of this column can be delivered as without loss. */
  Set<LaminarType> readableAs(boolean numericAsDouble) {
    switch (typeName) {
      case "int2": case "int4": return EnumSet.of(LaminarType.INT, LaminarType.BIGINT, LaminarType.DOUBLE);
      case "int8": return EnumSet.of(LaminarType.BIGINT);
      case "float4": return EnumSet.of(LaminarType.FLOAT, LaminarType.DOUBLE);
      case "float8": return EnumSet.of(LaminarType.DOUBLE);
      case "numeric": return numericAsDouble ? EnumSet.of(LaminarType.DOUBLE) : EnumSet.noneOf(LaminarType.class);
      case "text": case "varchar": case "bpchar": case "uuid": case "json": case "jsonb": case "name":
        return EnumSet.of(LaminarType.VARCHAR);
      case "bool": return EnumSet.of(LaminarType.BOOLEAN);
      case "date": return EnumSet.of(LaminarType.DATE);
      case "timestamp": case "timestamptz": return EnumSet.of(LaminarType.TIMESTAMP);
      default: return EnumSet.noneOf(LaminarType.class);
    }
  }

  /** Writing: whether a value of {@code type} can be stored in this column. */
  boolean writableFrom(LaminarType type) {
    switch (typeName) {
      case "int2": return false;
      case "int4": return type == LaminarType.INT;
      case "int8": return type == LaminarType.INT || type == LaminarType.BIGINT;
      case "float4": return type == LaminarType.FLOAT;
      case "float8": return type == LaminarType.FLOAT || type == LaminarType.DOUBLE || type == LaminarType.INT;
      case "numeric": return type != LaminarType.VARCHAR && type != LaminarType.BOOLEAN
          && type != LaminarType.TIMESTAMP && type != LaminarType.DATE;
      case "text": case "varchar": case "bpchar": return type == LaminarType.VARCHAR;
      case "bool": return type == LaminarType.BOOLEAN;
      case "date": return type == LaminarType.DATE;
      case "timestamp": case "timestamptz": return type == LaminarType.TIMESTAMP;
      default: return false;
    }
  }

  /** The message for a configured column that cannot read this one. */
  String readMismatch(String configured, LaminarType type) {
    if (typeName.equals("numeric") && type == LaminarType.DOUBLE) {
      return "column '" + configured + "' is " + displayType + " in PostgreSQL; DOUBLE would lose precision."
          + " Set numeric.mode = \"double\" to accept that";
    }
    Set<LaminarType> ok = readableAs(true);
    return "column '" + configured + "' is declared " + type + " but is " + displayType + " in PostgreSQL"
        + (ok.isEmpty() ? " (not supported)" : "; declare it as " + ok.iterator().next())
        + (typeName.equals("numeric") ? " with numeric.mode = \"double\"" : "");
  }
}
