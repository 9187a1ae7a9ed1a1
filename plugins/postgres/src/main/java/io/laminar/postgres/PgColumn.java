package io.laminar.postgres;

import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.pojo.ArrowType;
import java.util.Set;

/**
 * A column of a PostgreSQL table: its name, type name ({@code pg_type.typname}), how
 * {@code format_type} prints it, and whether it may be null.
 */
record PgColumn(String name, String typeName, String displayType, boolean notNull) {
  private static final Pattern NUMERIC = Pattern.compile("numeric\\((\\d+),(\\d+)\\)");

  /** {precision, scale} of a {@code numeric(p,s)} column, or null (unconstrained numeric or not numeric). */
  int[] numericPrecisionScale() {
    Matcher m = NUMERIC.matcher(displayType);
    return typeName.equals("numeric") && m.matches()
        ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
  }

  /** Reading into DECIMAL(p, s): null if exact (a numeric of the same scale and at most p digits), else why not. */
  String decimalReadProblem(String configured, ArrowType.Decimal d) {
    int[] ps = numericPrecisionScale();
    if (ps != null && ps[1] == d.getScale() && ps[0] <= d.getPrecision()) {
      return null;
    }
    if (ps != null && ps[0] <= 38) {
      return "column '" + configured + "' is declared DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ") but is "
          + displayType + " in PostgreSQL; declare it as DECIMAL(" + ps[0] + ", " + ps[1] + ")";
    }
    return "column '" + configured + "' is declared DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ") but is "
        + displayType + " in PostgreSQL" + (typeName.equals("numeric")
        ? ", which has no fixed precision and scale of at most 38 digits: declare it DOUBLE with numeric.mode = \"double\","
            + " or give the column a type numeric(p,s)"
        : readableAs(true).isEmpty() ? " (not supported)" : "; declare it as " + readableAs(true).iterator().next());
  }

  /**
   * Writing DECIMAL(p, s): null if every value is stored exactly (a numeric of at least scale s;
   * fewer integer digits than p - s are checked per row, see {@link ValueCheck}), else why not.
   */
  String decimalWriteProblem(ArrowType.Decimal d) {
    if (!typeName.equals("numeric")) {
      return "cannot hold the pipeline's DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ")";
    }
    int[] ps = numericPrecisionScale();
    if (ps == null || d.getScale() <= ps[1]) {
      return null;
    }
    return "cannot hold every value of the pipeline's DECIMAL(" + d.getPrecision() + ", " + d.getScale()
        + ") exactly (make it numeric(" + d.getPrecision() + "," + d.getScale() + "), or CAST in the SQL)";
  }

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
      case "timestamp": return EnumSet.of(LaminarType.TIMESTAMP, LaminarType.TIMESTAMP_MICROS);
      case "timestamptz": return EnumSet.of(LaminarType.TIMESTAMP, LaminarType.TIMESTAMP_MICROS, LaminarType.TIMESTAMP_LTZ);
      default: return EnumSet.noneOf(LaminarType.class);
    }
  }

  /**
   * Writing: whether a value of {@code type} can be stored in this column (an integer column narrower
   * than the type takes the values in its range; the sink checks each, see {@link ValueCheck}).
   */
  boolean writableFrom(LaminarType type) {
    switch (typeName) {
      case "int2": case "int4": return type == LaminarType.INT || type == LaminarType.BIGINT;
      case "int8": return type == LaminarType.INT || type == LaminarType.BIGINT;
      case "float4": return type == LaminarType.FLOAT;
      case "float8": return type == LaminarType.FLOAT || type == LaminarType.DOUBLE || type == LaminarType.INT;
      case "numeric": return type != LaminarType.VARCHAR && type != LaminarType.BOOLEAN
          && !type.isTimestamp() && type != LaminarType.DATE;
      case "text": case "varchar": case "bpchar": return type == LaminarType.VARCHAR;
      case "bool": return type == LaminarType.BOOLEAN;
      case "date": return type == LaminarType.DATE;
      case "timestamp": return type == LaminarType.TIMESTAMP || type == LaminarType.TIMESTAMP_MICROS;
      case "timestamptz": return type.isTimestamp();
      default: return false;
    }
  }

  /** The message for a configured column that cannot read this one. */
  String readMismatch(String configured, LaminarType type) {
    if (typeName.equals("numeric") && type == LaminarType.DOUBLE) {
      int[] ps = numericPrecisionScale();
      return "column '" + configured + "' is " + displayType + " in PostgreSQL; DOUBLE would lose precision."
          + (ps != null && ps[0] <= 38 ? " Declare it DECIMAL(" + ps[0] + ", " + ps[1] + "), or set" : " Set")
          + " numeric.mode = \"double\" to accept that";
    }
    Set<LaminarType> ok = readableAs(true);
    return "column '" + configured + "' is declared " + type + " but is " + displayType + " in PostgreSQL"
        + (ok.isEmpty() ? " (not supported)" : "; declare it as " + ok.iterator().next())
        + (typeName.equals("numeric") ? " with numeric.mode = \"double\"" : "");
  }
}
