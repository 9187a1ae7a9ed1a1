package io.laminar.mysql;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
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
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Appends rows of plain Java values to Arrow vectors of a configured schema. Values arrive as the
 * JDBC driver or Debezium hands them out (boxed numbers, strings, {@code java.util.Date}, ISO
 * strings for {@code TIMESTAMP} columns, numbers for {@code tinyint(1)} read as BOOLEAN);
 * {@link #set} converts them to the column's type. The caller takes the finished root with {@link #finish}.
 */
final class RowWriter {
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private final Schema schema;
  private final BufferAllocator allocator;
  private final LaminarType[] types;
  private VectorSchemaRoot root;
  private FieldVector[] vectors;
  private int rows;

  RowWriter(Schema schema, BufferAllocator allocator) {
    this.schema = schema;
    this.allocator = allocator;
    List<Field> fields = schema.getFields();
    types = new LaminarType[fields.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = LaminarType.of(fields.get(i).getType());
    }
  }

  int columns() {
    return types.length;
  }

  LaminarType type(int column) {
    return types[column];
  }

  int rows() {
    return rows;
  }

  private void ensureRoot() {
    if (root == null) {
      root = VectorSchemaRoot.create(schema, allocator);
      root.allocateNew();
      vectors = root.getFieldVectors().toArray(new FieldVector[0]);
      rows = 0;
    }
  }

  /** Starts a new row (every column null until set) and returns its index. */
  int addRow() {
    ensureRoot();
    for (FieldVector v : vectors) {
      v.setNull(rows);
    }
    return rows++;
  }

  /** Sets column {@code column} of row {@code row}; null leaves it null. */
  void set(int row, int column, Object value) {
    if (value == null) {
      return;
    }
    FieldVector v = vectors[column];
    switch (types[column]) {
      case INT -> ((IntVector) v).setSafe(row, ((Number) value).intValue());
      case BIGINT -> ((BigIntVector) v).setSafe(row, ((Number) value).longValue());
      case FLOAT -> ((Float4Vector) v).setSafe(row, ((Number) value).floatValue());
      case DOUBLE -> ((Float8Vector) v).setSafe(row, ((Number) value).doubleValue());
      case VARCHAR -> ((VarCharVector) v).setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
      case BOOLEAN -> ((BitVector) v).setSafe(row, truth(value) ? 1 : 0);
      case TIMESTAMP, TIMESTAMP_LTZ -> ((TimeStampVector) v).setSafe(row, epochMillis(value));
      case TIMESTAMP_MICROS -> ((TimeStampVector) v).setSafe(row, epochMicros(value));
      case DATE -> ((DateDayVector) v).setSafe(row, epochDays(value));
      case DECIMAL -> ((DecimalVector) v).setSafe(row, decimal(value, ((DecimalVector) v).getScale()));
      default -> throw new AssertionError(types[column]);
    }
  }

  /** tinyint(1) arrives as a number from Debezium and the driver; bit(1) as a Boolean. */
  static boolean truth(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof byte[] bits) {
      return bits.length > 0 && bits[0] != 0;
    }
    return ((Number) value).longValue() != 0;
  }

  /**
   * A timestamp value as epoch microseconds (UTC for values without a zone). A bare number is refused:
   * whether it counts milliseconds or microseconds is not known here.
   */
  static long epochMicros(Object value) {
    Instant i;
    if (value instanceof java.sql.Timestamp t) {
      i = t.toInstant();
    } else if (value instanceof java.util.Date d) {
      i = d.toInstant();
    } else if (value instanceof Instant t) {
      i = t;
    } else if (value instanceof LocalDateTime t) {
      i = t.toInstant(ZoneOffset.UTC);
    } else if (value instanceof OffsetDateTime t) {
      i = t.toInstant();
    } else if (value instanceof CharSequence s) {
      i = OffsetDateTime.parse(s).toInstant();
    } else {
      throw new IllegalArgumentException("cannot read " + value.getClass().getName() + " as a TIMESTAMP(6)");
    }
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  /** A timestamp value as epoch milliseconds (UTC for values without a zone). */
  static long epochMillis(Object value) {
    if (value instanceof java.util.Date d) {
      return d.getTime();
    }
    if (value instanceof Instant i) {
      return i.toEpochMilli();
    }
    if (value instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (value instanceof OffsetDateTime t) {
      return t.toInstant().toEpochMilli();
    }
    if (value instanceof CharSequence s) {
      return OffsetDateTime.parse(s).toInstant().toEpochMilli();
    }
    return ((Number) value).longValue();
  }

  /**
   * A decimal value at the column's scale. The schema check admits only decimal(p,s) columns of that
   * scale, so no digit is lost ({@code UNNECESSARY} fails loudly otherwise).
   */
  static BigDecimal decimal(Object value, int scale) {
    BigDecimal d = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
    return d.setScale(scale, RoundingMode.UNNECESSARY);
  }

  static int epochDays(Object value) {
    if (value instanceof java.sql.Date d) {
      return (int) d.toLocalDate().toEpochDay();
    }
    if (value instanceof java.util.Date d) {
      return (int) Math.floorDiv(d.getTime(), MILLIS_PER_DAY);
    }
    if (value instanceof LocalDate d) {
      return (int) d.toEpochDay();
    }
    return ((Number) value).intValue();
  }

  /** The rows written so far, or null if none; the writer starts afresh afterwards. */
  VectorSchemaRoot finish() {
    if (root == null || rows == 0) {
      return null;
    }
    root.setRowCount(rows);
    VectorSchemaRoot done = root;
    root = null;
    vectors = null;
    rows = 0;
    return done;
  }

  /** An empty root of the schema (for a lookup that found nothing). */
  VectorSchemaRoot empty() {
    VectorSchemaRoot r = VectorSchemaRoot.create(schema, allocator);
    r.allocateNew();
    r.setRowCount(0);
    return r;
  }

  /** Frees a root that was started but not finished. */
  void discard() {
    if (root != null) {
      root.close();
      root = null;
      vectors = null;
      rows = 0;
    }
  }
}
