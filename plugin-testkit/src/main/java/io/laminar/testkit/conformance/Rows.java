package io.laminar.testkit.conformance;

import io.laminar.api.Batch;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Rows as plain Java values, so suites can compare what a connector produced with what it should
 * have: integers of every width as {@link Long}, floating point as {@link Double}, strings as
 * {@link String}, booleans, decimals as {@link BigDecimal}, timestamps as their raw {@code long}
 * (in the column's unit), dates as days ({@link Long}), binary as a hex string, anything else as
 * Arrow's {@code getObject}. NULL is {@code null}.
 *
 * <p>Also writes such values: {@link #value(Field, long)} is the deterministic value of row
 * {@code id} in a column, which the sink and lookup suites write and expect back.
 */
public final class Rows {
  private Rows() {
  }

  /** Row {@code r} of {@code data}, one value per column. */
  public static List<Object> row(VectorSchemaRoot data, int r) {
    List<Object> out = new ArrayList<>(data.getFieldVectors().size());
    for (FieldVector v : data.getFieldVectors()) {
      out.add(get(v, r));
    }
    return out;
  }

  /** Every row of {@code data}. */
  public static List<List<Object>> rows(VectorSchemaRoot data) {
    List<List<Object>> out = new ArrayList<>(data.getRowCount());
    for (int r = 0; r < data.getRowCount(); r++) {
      out.add(row(data, r));
    }
    return out;
  }

  /**
   * Every row of a source's batch; a changelog batch's rows start with their row kind's short
   * string ({@code +I}, {@code -U}, {@code +U}, {@code -D}), a plain batch's with {@code +I}.
   */
  public static List<List<Object>> rows(Batch batch) {
    List<List<Object>> out = new ArrayList<>(batch.rowCount());
    for (int r = 0; r < batch.rowCount(); r++) {
      List<Object> row = new ArrayList<>();
      row.add(batch.rowKind(r).shortString());
      row.addAll(row(batch.data(), r));
      out.add(row);
    }
    return out;
  }

  /** Value {@code r} of a vector, as described in the class comment. */
  public static Object get(FieldVector v, int r) {
    if (v.isNull(r)) {
      return null;
    }
    if (v instanceof BaseIntVector i) {
      return i.getValueAsLong(r);
    }
    if (v instanceof Float8Vector f) {
      return f.get(r);
    }
    if (v instanceof Float4Vector f) {
      return (double) f.get(r);
    }
    if (v instanceof VarCharVector s) {
      return new String(s.get(r), StandardCharsets.UTF_8);
    }
    if (v instanceof BitVector b) {
      return b.get(r) != 0;
    }
    if (v instanceof TimeStampVector t) {
      return t.get(r);
    }
    if (v instanceof DateDayVector d) {
      return (long) d.get(r);
    }
    Object o = v.getObject(r);
    if (o instanceof byte[] bytes) {
      return HexFormat.of().formatHex(bytes);
    }
    return o;
  }

  /**
   * The value the suites use for row {@code id} in a column of this type: the id itself in integer
   * columns (wrapped to the width), {@code id + 0.5} in floating point, {@code "v<id>"} in strings,
   * {@code id % 2 == 0} in booleans, the id at the column's scale in decimals, 2023-11-14T22:13:20Z
   * plus {@code id} seconds in timestamps (in the column's unit), day 19000 plus the id in dates.
   *
   * @throws IllegalArgumentException for a type without such a value; override the suite's value
   *     method for it
   */
  public static Object value(Field field, long id) {
    ArrowType t = field.getType();
    if (t instanceof ArrowType.Int i) {
      return switch (i.getBitWidth()) {
        case 8 -> (long) (byte) id;
        case 16 -> (long) (short) id;
        case 32 -> (long) (int) id;
        default -> id;
      };
    }
    if (t instanceof ArrowType.FloatingPoint) {
      return id + 0.5;
    }
    if (t instanceof ArrowType.Utf8) {
      return "v" + id;
    }
    if (t instanceof ArrowType.Bool) {
      return id % 2 == 0;
    }
    if (t instanceof ArrowType.Decimal d) {
      return BigDecimal.valueOf(id).setScale(d.getScale(), RoundingMode.UNNECESSARY);
    }
    if (t instanceof ArrowType.Timestamp ts) {
      long seconds = 1_700_000_000L + id;
      return switch (ts.getUnit()) {
        case SECOND -> seconds;
        case MILLISECOND -> seconds * 1_000L;
        case MICROSECOND -> seconds * 1_000_000L;
        case NANOSECOND -> seconds * 1_000_000_000L;
      };
    }
    if (t instanceof ArrowType.Date) {
      return 19_000L + id;
    }
    throw new IllegalArgumentException("no conformance value for column '" + field.getName() + "' of type " + t
        + "; override the suite's value(Field, long)");
  }

  /** Writes {@code value} (a value as {@link #get} returns it, or null) at row {@code r}. */
  public static void set(FieldVector v, int r, Object value) {
    if (value == null) {
      if (v instanceof org.apache.arrow.vector.BaseFixedWidthVector f) {
        f.setNull(r);
      } else if (v instanceof org.apache.arrow.vector.BaseVariableWidthVector w) {
        w.setNull(r);
      } else {
        throw new IllegalArgumentException("cannot write NULL into " + v.getField());
      }
      return;
    }
    if (v instanceof BigIntVector x) {
      x.setSafe(r, ((Number) value).longValue());
    } else if (v instanceof IntVector x) {
      x.setSafe(r, ((Number) value).intValue());
    } else if (v instanceof SmallIntVector x) {
      x.setSafe(r, ((Number) value).shortValue());
    } else if (v instanceof TinyIntVector x) {
      x.setSafe(r, ((Number) value).byteValue());
    } else if (v instanceof Float8Vector x) {
      x.setSafe(r, ((Number) value).doubleValue());
    } else if (v instanceof Float4Vector x) {
      x.setSafe(r, ((Number) value).floatValue());
    } else if (v instanceof VarCharVector x) {
      x.setSafe(r, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof BitVector x) {
      x.setSafe(r, ((Boolean) value) ? 1 : 0);
    } else if (v instanceof DecimalVector x) {
      x.setSafe(r, (BigDecimal) value);
    } else if (v instanceof TimeStampVector x) {
      x.setSafe(r, ((Number) value).longValue());
    } else if (v instanceof DateDayVector x) {
      x.setSafe(r, ((Number) value).intValue());
    } else {
      throw new IllegalArgumentException("cannot write " + value + " into " + v.getField()
          + "; override the suite's fill method");
    }
  }

  /** How a list of rows reads in a failure message: at most {@code max} of them. */
  static String show(List<?> rows, int max) {
    if (rows.size() <= max) {
      return rows.toString();
    }
    return rows.subList(0, max) + " … (" + (rows.size() - max) + " more)";
  }
}
