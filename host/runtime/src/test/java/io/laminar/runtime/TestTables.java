package io.laminar.runtime;

import io.laminar.plan.SqlType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Test data: schemas, seeded out-of-order rows, and conversion of rows to Arrow batches. */
final class TestTables {
  static final Schema EVENTS = new Schema(List.of(field("id", SqlType.BIGINT), field("k", SqlType.VARCHAR),
      field("v", SqlType.INT), field("d", SqlType.DOUBLE), field("ts", SqlType.TIMESTAMP)));
  static final Schema USERS = new Schema(List.of(field("uk", SqlType.VARCHAR), field("name", SqlType.VARCHAR),
      field("tier", SqlType.INT)));
  static final long BASE = 1_700_000_000_000L;
  static final String[] KEYS = {"a", "b", "c", "d", "e", "f"};

  private TestTables() {
  }

  static Field field(String name, SqlType type) {
    return new Field(name, FieldType.nullable(type.arrowType()), null);
  }

  /**
   * {@code n} event rows (id, k, v, d, ts-ms) in arrival order: event time advances ~{@code stepMs}
   * per row and each row is displaced by up to {@code jitterMs} (keep it below the watermark delay).
   */
  static List<Object[]> events(long seed, int n, long stepMs, long jitterMs) {
    return events(seed, n, stepMs, jitterMs, 5);
  }

  /** As above, with k, v and d each NULL in about {@code nullPercent} percent of the rows. */
  static List<Object[]> events(long seed, int n, long stepMs, long jitterMs, int nullPercent) {
    Random r = new Random(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long ts = BASE + i * stepMs + (jitterMs == 0 ? 0 : (long) (r.nextDouble() * jitterMs));
      String k = isNull(r, nullPercent) ? null : KEYS[r.nextInt(KEYS.length)];
      Integer v = isNull(r, nullPercent) ? null : r.nextInt(201) - 100;
      Double d = isNull(r, nullPercent) ? null : Math.round(r.nextDouble() * 10000) / 100.0;
      rows.add(new Object[] {(long) i, k, v, d, ts});
    }
    return rows;
  }

  private static boolean isNull(Random r, int percent) {
    // the 5 % case keeps the original draw (one in 20), so seeded data sets stay as they were
    return percent == 5 ? r.nextInt(20) == 0 : r.nextInt(100) < percent;
  }

  /** The lookup rows: users a..d (e and f are misses), keyed by uk. */
  static List<Object[]> users() {
    return List.of(new Object[] {"a", "Ann", 1}, new Object[] {"b", "Bob", 2}, new Object[] {"c", "Cid", null},
        new Object[] {"d", "Dee", 1});
  }

  /** Rows as one batch in {@code schema}; values: Long/Integer/Double/String/Long-ms or null. */
  static VectorSchemaRoot batch(Schema schema, List<Object[]> rows, BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    for (int c = 0; c < schema.getFields().size(); c++) {
      FieldVector v = root.getVector(c);
      SqlType t = SqlType.fromArrow(schema.getFields().get(c).getType());
      for (int i = 0; i < rows.size(); i++) {
        Object o = rows.get(i)[c];
        if (o == null) {
          ColumnWriter.setNull(v, i);
          continue;
        }
        switch (t.kind()) {
          case DECIMAL -> ((org.apache.arrow.vector.DecimalVector) v).setSafe(i,
              ((java.math.BigDecimal) o).setScale(t.scale()));
          case BIGINT -> ((BigIntVector) v).setSafe(i, ((Number) o).longValue());
          case INT -> ((IntVector) v).setSafe(i, ((Number) o).intValue());
          case DOUBLE -> ((Float8Vector) v).setSafe(i, ((Number) o).doubleValue());
          case VARCHAR -> ((VarCharVector) v).setSafe(i, ((String) o).getBytes(StandardCharsets.UTF_8));
          case TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ -> ((TimeStampVector) v).setSafe(i, ((Number) o).longValue());
          default -> throw new IllegalArgumentException(t.name());
        }
      }
    }
    root.setRowCount(rows.size());
    return root;
  }
}
