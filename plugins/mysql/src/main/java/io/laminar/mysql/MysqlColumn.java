package io.laminar.mysql;

import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.pojo.ArrowType;
import java.util.Set;

/**
 * A column of a MySQL / MariaDB table: its name, {@code DATA_TYPE} (e.g. {@code int}),
 * {@code COLUMN_TYPE} (e.g. {@code int(10) unsigned}, {@code tinyint(1)}), and whether it may be null.
 */
record MysqlColumn(String name, String dataType, String columnType, boolean notNull) {
  private static final Pattern DECIMAL = Pattern.compile("(?:decimal|numeric)\\((\\d+),(\\d+)\\).*");

  /** {precision, scale} of a {@code decimal(p,s)} column, or null for any other type. */
  int[] decimalPrecisionScale() {
    Matcher m = DECIMAL.matcher(columnType);
    return (dataType.equals("decimal") || dataType.equals("numeric")) && m.matches()
        ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
  }

  /** Reading into DECIMAL(p, s): null if exact (a decimal of the same scale and at most p digits), else why not. */
  String decimalReadProblem(String configured, ArrowType.Decimal d) {
    int[] ps = decimalPrecisionScale();
    if (ps != null && ps[1] == d.getScale() && ps[0] <= d.getPrecision()) {
      return null;
    }
    String declared = "column '" + configured + "' is declared DECIMAL(" + d.getPrecision() + ", " + d.getScale()
        + ") but is " + columnType + " in MySQL";
    if (ps != null && ps[0] <= 38) {
      return declared + "; declare it as DECIMAL(" + ps[0] + ", " + ps[1] + ")";
    }
    if (ps != null) {
      return declared + ", more than the 38 digits a DECIMAL holds: declare it DOUBLE with numeric.mode = \"double\"";
    }
    Set<LaminarType> ok = readableAs(true);
    return declared + (ok.isEmpty() ? " (not supported)" : "; declare it as " + ok.iterator().next());
  }

  /**
   * Writing DECIMAL(p, s): null if every value is stored exactly (a decimal of at least scale s;
   * fewer integer digits than p - s, or unsigned, are checked per row, see {@link ValueCheck}), else why not.
   */
  String decimalWriteProblem(ArrowType.Decimal d) {
    int[] ps = decimalPrecisionScale();
    if (ps == null) {
      return "cannot hold the pipeline's DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ")";
    }
    if (d.getScale() <= ps[1]) {
      return null;
    }
    return "cannot hold every value of the pipeline's DECIMAL(" + d.getPrecision() + ", " + d.getScale()
        + ") exactly (make it decimal(" + d.getPrecision() + "," + d.getScale() + "), or CAST in the SQL)";
  }

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
      case "datetime": return EnumSet.of(LaminarType.TIMESTAMP, LaminarType.TIMESTAMP_MICROS);
      case "timestamp": return EnumSet.of(LaminarType.TIMESTAMP, LaminarType.TIMESTAMP_MICROS, LaminarType.TIMESTAMP_LTZ);
      default: return EnumSet.noneOf(LaminarType.class);
    }
  }

  /**
   * Writing: whether a value of {@code type} can be stored in this column (an integer column narrower
   * than the type, or unsigned, takes the values in its range; the sink checks each, see {@link ValueCheck}).
   */
  boolean writableFrom(LaminarType type) {
    if (flag()) {
      return type == LaminarType.BOOLEAN;
    }
    switch (dataType) {
      case "tinyint": case "smallint": case "mediumint": case "int": case "integer": case "bigint":
        return type == LaminarType.INT || type == LaminarType.BIGINT;
      case "float": return type == LaminarType.FLOAT;
      case "double": case "real": return type == LaminarType.FLOAT || type == LaminarType.DOUBLE || type == LaminarType.INT;
      case "decimal": case "numeric": return type == LaminarType.INT || type == LaminarType.BIGINT
          || type == LaminarType.FLOAT || type == LaminarType.DOUBLE;
      case "char": case "varchar": case "tinytext": case "text": case "mediumtext": case "longtext": case "json":
      case "enum": case "set":
        return type == LaminarType.VARCHAR;
      case "date": return type == LaminarType.DATE;
      case "datetime": return type == LaminarType.TIMESTAMP || type == LaminarType.TIMESTAMP_MICROS;
      case "timestamp": return type.isTimestamp();
      default: return false;
    }
  }

  /** The message for a configured column that cannot read this one. */
  String readMismatch(String configured, LaminarType type) {
    boolean decimal = dataType.equals("decimal") || dataType.equals("numeric");
    if (decimal && type == LaminarType.DOUBLE) {
      int[] ps = decimalPrecisionScale();
      return "column '" + configured + "' is " + columnType + " in MySQL; DOUBLE would lose precision."
          + (ps != null && ps[0] <= 38 ? " Declare it DECIMAL(" + ps[0] + ", " + ps[1] + "), or set" : " Set")
          + " numeric.mode = \"double\" to accept that";
    }
    Set<LaminarType> ok = readableAs(true);
    return "column '" + configured + "' is declared " + type + " but is " + columnType + " in MySQL"
        + (ok.isEmpty() ? " (not supported)" : "; declare it as " + ok.iterator().next())
        + (decimal ? " with numeric.mode = \"double\"" : "");
  }
}
