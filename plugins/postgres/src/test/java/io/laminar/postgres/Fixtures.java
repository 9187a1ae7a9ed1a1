package io.laminar.postgres;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.RowKind;
import io.laminar.api.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Schemas and row reading for the tests. */
final class Fixtures {
  static final ArrowType INT = new ArrowType.Int(32, true);
  static final ArrowType BIGINT = new ArrowType.Int(64, true);
  static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  static final ArrowType VARCHAR = ArrowType.Utf8.INSTANCE;
  static final ArrowType BOOLEAN = ArrowType.Bool.INSTANCE;
  static final ArrowType TIMESTAMP = new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
  static final ArrowType TIMESTAMP_MICROS = new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
  static final ArrowType TIMESTAMP_LTZ = new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
  static final ArrowType DATE = new ArrowType.Date(DateUnit.DAY);

  private Fixtures() {
  }

  static Field col(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  static Schema schema(Field... fields) {
    return new Schema(Arrays.asList(fields));
  }

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  /** One row read from a batch: its kind and column values as Arrow's getObject gives them. */
  record Row(RowKind kind, List<Object> values) {
    Object get(int i) {
      return values.get(i);
    }
  }

  static List<Row> rows(Batch b) {
    List<Row> rows = new ArrayList<>();
    List<FieldVector> vectors = b.data().getFieldVectors();
    for (int i = 0; i < b.rowCount(); i++) {
      List<Object> values = new ArrayList<>();
      for (FieldVector v : vectors) {
        Object o = v.getObject(i);
        values.add(o instanceof org.apache.arrow.vector.util.Text t ? t.toString() : o);
      }
      rows.add(new Row(b.rowKind(i), values));
    }
    return rows;
  }

  /** Polls until {@code done} holds for the rows read so far, or fails after {@code timeout}. */
  static List<Row> pollUntil(Source source, Duration timeout, Predicate<List<Row>> done) throws ConnectorException {
    List<Row> all = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(all)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + all.size() + " rows: " + tail(all));
      }
      try (Batch b = source.poll(1024, Duration.ofMillis(200))) {
        if (b != null) {
          all.addAll(rows(b));
        }
      }
    }
    return all;
  }

  private static List<Row> tail(List<Row> rows) {
    return rows.subList(Math.max(0, rows.size() - 5), rows.size());
  }
}
