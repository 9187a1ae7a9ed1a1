package io.laminar.mysql;

import java.util.EnumSet;
import java.util.Set;

/**
 * A column of a MySQL / MariaDB table: its name, {@code DATA_TYPE} (e.g. {@code int}),
 * {@code COLUMN_TYPE} (e.g. {@code int(10) unsigned}, {@code tinyint(1)}), and whether it may be null.
 */
record MysqlColumn(String name, String dataType, String columnType, boolean notNull) {

  private boolean unsigned() {
    return columnType.contains("unsigned");
  }

  /** tinyint(1), bool and bit(1): read as BOOLEAN. */
  private boolean flag() {
    return columnType.startsWith("tinyint(1)") || columnType.equals("bit(1)") || dataType.equals("boolean");
  }

  /** Reading: the schema types a value of this column can be delivered as without loss. */
  Set<LaminarType> readableAs(boolean numericAsDouble) {
    if (flag()) {
      return EnumSet.of(LaminarType.BOOLEAN, LaminarType.INT, LaminarType.BIGINT);
    }
    switch (dataType) {
      case "tinyint": case "smallint": case "mediumint":
        return EnumSet.of(LaminarType.INT, LaminarType.BIGINT, LaminarType.DOUBLE);
      case "int": case "integer":
        return unsigned() ? EnumSet.of(LaminarType.BIGINT, LaminarType.DOUBLE)
            : EnumSet.of(LaminarType.INT, LaminarType.BIGINT, LaminarType.DOUBLE);
      case "bigint": return unsigned() ? EnumSet.noneOf(LaminarType.class) : EnumSet.of(LaminarType.BIGINT);
      case "float": return EnumSet.of(LaminarType.FLOAT, LaminarType.DOUBLE);
      case "double": case "real": return EnumSet.of(LaminarType.DOUBLE);
      case "decimal": case "numeric":
        return numericAsDouble ? EnumSet.of(LaminarType.DOUBLE) : EnumSet.noneOf(LaminarType.class);
      case "char": case "varchar": case "tinytext": case "text": case "mediumtext": case "longtext": case "json":
      case "enum": case "set":
        return EnumSet.of(LaminarType.VARCHAR);
      case "date": return EnumSet.of(LaminarType.DATE);
      case "datetime": case "timestamp": return EnumSet.of(LaminarType.TIMESTAMP);
      default: return EnumSet.noneOf(LaminarType.class);
    }
  }

  /** Writing: whether a value of {@code type} can be stored in this column. */
  boolean writableFrom(LaminarType type) {
    if (flag()) {
      return type == LaminarType.BOOLEAN;
    }
    switch (dataType) {
      case "tinyint": case "smallint": case "mediumint": return false;
      case "int": case "integer": return type == LaminarType.INT && !unsigned();
      case "bigint": return type == LaminarType.INT || type == LaminarType.BIGINT;
      case "float": return type == LaminarType.FLOAT;
      case "double": case "real": return type == LaminarType.FLOAT || type == LaminarType.DOUBLE || type == LaminarType.INT;
      case "decimal": case "numeric": return type == LaminarType.INT || type == LaminarType.BIGINT
          || type == LaminarType.FLOAT || type == LaminarType.DOUBLE;
      case "char": case "varchar": case "tinytext": case "text": case "mediumtext": case "longtext": case "json":
      case "enum": case "set":
        return type == LaminarType.VARCHAR;
      case "date": return type == LaminarType.DATE;
      case "datetime": case "timestamp": return type == LaminarType.TIMESTAMP;
      default: return false;
    }
  }

  /** The message for a configured column that cannot read this one. */
  String readMismatch(String configured, LaminarType type) {
    boolean decimal = dataType.equals("decimal") || dataType.equals("numeric");
    if (decimal && type == LaminarType.DOUBLE) {
      return "column '" + configured + "' is " + columnType + " in MySQL; DOUBLE would lose precision."
          + " Set numeric.mode = \"double\" to accept that";
    }
    Set<LaminarType> ok = readableAs(true);
    return "column '" + configured + "' is declared " + type + " but is " + columnType + " in MySQL"
        + (ok.isEmpty() ? " (not supported)" : "; declare it as " + ok.iterator().next())
        + (decimal ? " with numeric.mode = \"double\"" : "");
  }
}
