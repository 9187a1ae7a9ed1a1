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
  /** UTF-8 string. */
  VARCHAR,
  /** true/false. */
  BOOLEAN,
  /** Milliseconds since the epoch, no time zone. */
  TIMESTAMP,
  /** Days since the epoch. */
  DATE;

  /** Every spelling {@link #parse} accepts, in the order error messages list them. */
  public static final List<String> SPELLINGS = List.of("INT", "INTEGER", "BIGINT", "DOUBLE", "FLOAT8", "FLOAT",
      "FLOAT4", "VARCHAR", "STRING", "TEXT", "BOOLEAN", "BOOL", "TIMESTAMP", "DATE");

  // An optional length/precision: VARCHAR(255), TIMESTAMP(3).
  private static final Pattern TYPE = Pattern.compile("([A-Za-z0-9]+)\\s*(?:\\(\\s*(\\d+)\\s*\\))?");

  /**
   * Parses a type name case-insensitively, with aliases. A length is accepted on the string types
   * ({@code VARCHAR(255)}) and a precision of at most 3 on TIMESTAMP, which stores milliseconds.
   */
  public static Optional<ColumnType> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = TYPE.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    Optional<ColumnType> type = byName(m.group(1).toUpperCase(Locale.ROOT));
    if (m.group(2) == null || type.isEmpty()) {
      return type;
    }
    if (type.get() == VARCHAR) {
      return type;
    }
    if (type.get() == TIMESTAMP && m.group(2).length() == 1 && Integer.parseInt(m.group(2)) <= 3) {
      return type;
    }
    return Optional.empty();
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
      case "VARCHAR":
      case "STRING":
      case "TEXT":
        return Optional.of(VARCHAR);
      case "BOOLEAN":
      case "BOOL":
        return Optional.of(BOOLEAN);
      case "TIMESTAMP":
        return Optional.of(TIMESTAMP);
      case "DATE":
        return Optional.of(DATE);
      default:
        return Optional.empty();
    }
  }

  /** The Arrow type vectors of this column use. */
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
      case VARCHAR:
        return ArrowType.Utf8.INSTANCE;
      case BOOLEAN:
        return ArrowType.Bool.INSTANCE;
      case TIMESTAMP:
        return new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
      case DATE:
        return new ArrowType.Date(DateUnit.DAY);
      default:
        throw new AssertionError(this);
    }
  }
}
