package io.laminar.kafka;

import java.util.Optional;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** The column types the Kafka connector reads and writes, named as in SQL. */
enum ColumnKind {
  INT, BIGINT, FLOAT, DOUBLE, DECIMAL, VARCHAR, BOOLEAN, TIMESTAMP, TIMESTAMP_MICROS, DATE;

  /** The list of supported types for messages. */
  static final String SUPPORTED = "INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p, s), VARCHAR, BOOLEAN, TIMESTAMP (ms, also WITH LOCAL TIME ZONE), "
      + "TIMESTAMP(6) (µs), DATE (day)";

  /** The kind of an Arrow type, if the connector supports it. */
  static Optional<ColumnKind> of(ArrowType type) {
    if (type instanceof ArrowType.Int i && i.getIsSigned() && i.getBitWidth() == 32) {
      return Optional.of(INT);
    }
    if (type instanceof ArrowType.Int i && i.getIsSigned() && i.getBitWidth() == 64) {
      return Optional.of(BIGINT);
    }
    if (type instanceof ArrowType.FloatingPoint f && f.getPrecision() == FloatingPointPrecision.SINGLE) {
      return Optional.of(FLOAT);
    }
    if (type instanceof ArrowType.FloatingPoint f && f.getPrecision() == FloatingPointPrecision.DOUBLE) {
      return Optional.of(DOUBLE);
    }
    if (type instanceof ArrowType.Decimal d && d.getBitWidth() == 128) {
      return Optional.of(DECIMAL);
    }
    if (type instanceof ArrowType.Utf8) {
      return Optional.of(VARCHAR);
    }
    if (type instanceof ArrowType.Bool) {
      return Optional.of(BOOLEAN);
    }
    if (type instanceof ArrowType.Timestamp t && t.getUnit() == TimeUnit.MILLISECOND
        && (t.getTimezone() == null || t.getTimezone().equals("UTC"))) {
      return Optional.of(TIMESTAMP);
    }
    if (type instanceof ArrowType.Timestamp t && t.getUnit() == TimeUnit.MICROSECOND && t.getTimezone() == null) {
      return Optional.of(TIMESTAMP_MICROS);
    }
    if (type instanceof ArrowType.Date d && d.getUnit() == DateUnit.DAY) {
      return Optional.of(DATE);
    }
    return Optional.empty();
  }
}
