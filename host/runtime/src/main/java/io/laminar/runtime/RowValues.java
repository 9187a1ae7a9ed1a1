package io.laminar.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * One row of a batch as JSON-friendly values, as a dead letter reports it: numbers, strings and
 * booleans; TIMESTAMP as an ISO-8601 instant, DATE as {@code yyyy-mm-dd}, DECIMAL as its exact digits
 * (a string: a JSON number would go through a double in most readers); null for NULL.
 */
public final class RowValues {
  private RowValues() {
  }

  /** Row {@code row}'s every column, column name → value, in column order. */
  public static Map<String, Object> of(VectorSchemaRoot batch, int row) {
    return of(batch, row, batch.getFieldVectors().size());
  }

  /** Row {@code row}'s first {@code count} columns. */
  public static Map<String, Object> of(VectorSchemaRoot batch, int row, int count) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int c = 0; c < count; c++) {
      FieldVector v = batch.getVector(c);
      values.put(v.getName(), v.isNull(row) ? null : value(v, row));
    }
    return values;
  }

  private static Object value(FieldVector v, int r) {
    if (v instanceof BitVector b) {
      return b.get(r) != 0;
    } else if (v instanceof IntVector i) {
      return i.get(r);
    } else if (v instanceof BigIntVector l) {
      return l.get(r);
    } else if (v instanceof Float4Vector f) {
      return f.get(r);
    } else if (v instanceof Float8Vector d) {
      return d.get(r);
    } else if (v instanceof VarCharVector s) {
      return new String(s.get(r), StandardCharsets.UTF_8);
    } else if (v instanceof TimeStampVector t) {
      long value = t.get(r);
      TimeUnit unit = ((ArrowType.Timestamp) v.getField().getType()).getUnit();
      return (unit == TimeUnit.MICROSECOND ? Instant.EPOCH.plus(value, ChronoUnit.MICROS)
          : unit == TimeUnit.NANOSECOND ? Instant.EPOCH.plusNanos(value)
          : unit == TimeUnit.SECOND ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value)).toString();
    } else if (v instanceof DecimalVector d) {
      return d.getObject(r).toPlainString();
    } else if (v instanceof DateDayVector d) {
      return LocalDate.ofEpochDay(d.get(r)).toString();
    }
    Object o = v.getObject(r);
    return o == null ? null : o.toString();
  }
}
