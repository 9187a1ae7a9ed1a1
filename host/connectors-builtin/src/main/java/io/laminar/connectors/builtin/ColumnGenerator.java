package io.laminar.connectors.builtin;

import io.laminar.api.ConnectorException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Fills one column for a range of rows. Every value is a pure function of (seed, column, row), so
 * batch sizes and restarts from a checkpoint never change the data.
 */
abstract class ColumnGenerator {
  private static final byte[] ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".getBytes(StandardCharsets.US_ASCII);

  final int column;
  final boolean sequence;
  final double nullRate;

  ColumnGenerator(int column, boolean sequence, double nullRate) {
    this.column = column;
    this.sequence = sequence;
    this.nullRate = nullRate;
  }

  /** Writes rows {@code firstRow .. firstRow+count-1} into {@code v} at positions 0..count-1. */
  abstract void fill(FieldVector v, long seed, long firstRow, int count, EventClock clock);

  final boolean isNull(long seed, long row) {
    return nullRate > 0 && unit(hash(seed, column + 0x5151, row)) < nullRate;
  }

  /**
   * Without nulls: marks rows {@code 0..count-1} valid in bulk (whole bytes at once) so the fill
   * loops can write the data buffer directly instead of setting one validity bit per row.
   */
  final boolean fillsWithoutNulls(FieldVector v, int count) {
    if (nullRate > 0) {
      return false;
    }
    org.apache.arrow.memory.ArrowBuf validity = v.getValidityBuffer();
    int whole = count >>> 3;
    validity.setOne(0L, (long) whole);
    for (int i = whole << 3; i < count; i++) {
      org.apache.arrow.vector.BitVectorHelper.setBit(validity, i);
    }
    return true;
  }

  static long hash(long seed, int column, long row) {
    // SplitMix64 finaliser over a per-(seed, column, row) counter: fast and well mixed.
    long z = seed * 0x9E3779B97F4A7C15L + (column + 1L) * 0xBF58476D1CE4E5B9L + row * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  static ColumnGenerator create(Field field, int column, Map<String, String> s) throws ConnectorException {
    String name = field.getName();
    String kind = s.getOrDefault("kind", "random").toLowerCase(Locale.ROOT);
    if (!kind.equals("random") && !kind.equals("sequence")) {
      throw invalid(name, "kind", s.get("kind"), "expected random or sequence");
    }
    boolean seq = kind.equals("sequence");
    double nullRate = s.containsKey("null_rate") ? parseDouble(name, "null_rate", s.get("null_rate")) : 0.0;
    if (nullRate < 0 || nullRate > 1) {
      throw invalid(name, "null_rate", s.get("null_rate"), "must be between 0 and 1");
    }
    if (nullRate > 0 && !field.isNullable()) {
      throw invalid(name, "null_rate", s.get("null_rate"), "column '" + name + "' is declared NOT NULL");
    }
    ArrowType t = field.getType();
    switch (t.getTypeID()) {
      case Int: {
        boolean wide = ((ArrowType.Int) t).getBitWidth() == 64;
        long min = s.containsKey("min") ? parseLong(name, "min", s.get("min")) : 0;
        long max = s.containsKey("max") ? parseLong(name, "max", s.get("max")) : (seq ? Long.MAX_VALUE : 1000);
        checkRange(name, min, max);
        if (!wide && (min < Integer.MIN_VALUE || max > Integer.MAX_VALUE) && s.containsKey("max")) {
          throw invalid(name, "max", s.get("max"), "out of INT range");
        }
        long[] values = s.containsKey("values") ? parseLongs(name, s.get("values")) : null;
        return new IntegerColumn(column, seq, nullRate, wide, min, wide ? max : Math.min(max, Integer.MAX_VALUE), values);
      }
      case FloatingPoint: {
        double min = s.containsKey("min") ? parseDouble(name, "min", s.get("min")) : 0;
        double max = s.containsKey("max") ? parseDouble(name, "max", s.get("max")) : 1000;
        if (min > max) {
          throw invalid(name, "min", s.get("min"), "min must not exceed max (" + max + ")");
        }
        boolean single = t instanceof ArrowType.FloatingPoint fp
            && fp.getPrecision() == org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE;
        return new FloatColumn(column, seq, nullRate, single, min, max);
      }
      case Decimal: {
        ArrowType.Decimal d = (ArrowType.Decimal) t;
        if (d.getPrecision() > 18) {
          throw invalid(name, "kind", kind, "the generator produces DECIMALs of at most 18 digits, not " + t);
        }
        long min = unscaled(name, "min", s.getOrDefault("min", "0"), d);
        long max = unscaled(name, "max", s.getOrDefault("max", "1000"), d);
        checkRange(name, min, max);
        return new DecimalColumn(column, seq, nullRate, min, max, d.getScale());
      }
      case Utf8: {
        int length = s.containsKey("length") ? (int) parseLong(name, "length", s.get("length")) : 8;
        if (length < 0 || length > 1_000_000) {
          throw invalid(name, "length", s.get("length"), "must be between 0 and 1000000");
        }
        byte[][] values = null;
        if (s.containsKey("values")) {
          values = Arrays.stream(s.get("values").split(",", -1)).map(String::trim)
              .map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        }
        return new StringColumn(column, seq, nullRate, length, values);
      }
      case Bool:
        return new BooleanColumn(column, seq, nullRate);
      case Timestamp:
      case Date:
        if (!seq && s.containsKey("kind")) {
          throw invalid(name, "kind", s.get("kind"), "TIMESTAMP and DATE columns follow event time; only 'sequence' is allowed");
        }
        for (String attr : List.of("min", "max", "length", "values")) {
          if (s.containsKey(attr)) {
            throw invalid(name, attr, s.get(attr), "not used for TIMESTAMP/DATE columns (see start_time and events_per_second)");
          }
        }
        return new TimeColumn(column, nullRate, t.getTypeID() == ArrowType.ArrowTypeID.Date);
      default:
        throw invalid(name, "kind", kind, "the generator cannot produce " + t);
    }
  }

  /** A decimal setting as an unscaled long at the column's scale. */
  private static long unscaled(String column, String attr, String text, ArrowType.Decimal d) throws ConnectorException {
    try {
      java.math.BigDecimal v = new java.math.BigDecimal(text.strip()).setScale(d.getScale());
      if (v.precision() > d.getPrecision() && v.signum() != 0) {
        throw invalid(column, attr, text, "more digits than " + d);
      }
      return v.unscaledValue().longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(column, attr, text, "expected a decimal number with at most " + d.getScale()
          + " digits after the point");
    }
  }

  /** DECIMAL(p ≤ 18, s): unscaled values from min to max (sequence: min, min + 1, … in the last digit). */
  private static final class DecimalColumn extends ColumnGenerator {
    private final long min;
    private final long max;

    DecimalColumn(int column, boolean seq, double nullRate, long min, long max, int scale) {
      super(column, seq, nullRate);
      this.min = min;
      this.max = max;
    }

    @Override
    void fill(FieldVector v, long seed, long firstRow, int count, EventClock clock) {
      org.apache.arrow.vector.DecimalVector dv = (org.apache.arrow.vector.DecimalVector) v;
      long span = max - min + 1;
      for (int i = 0; i < count; i++) {
        long row = firstRow + i;
        if (isNull(seed, row)) {
          dv.setNull(i);
        } else {
          long pick = sequence ? row : hash(seed, column, row);
          dv.set(i, span <= 0 ? min + pick : min + Math.floorMod(pick, span));
        }
      }
    }
  }

  private static void checkRange(String name, long min, long max) throws ConnectorException {
    if (min > max) {
      throw invalid(name, "min", Long.toString(min), "min must not exceed max (" + max + ")");
    }
  }

  private static long parseLong(String col, String attr, String v) throws ConnectorException {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw invalid(col, attr, v, "expected an integer");
    }
  }

  private static long[] parseLongs(String col, String v) throws ConnectorException {
    String[] parts = v.split(",");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = parseLong(col, "values", parts[i]);
    }
    return out;
  }

  private static double parseDouble(String col, String attr, String v) throws ConnectorException {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw invalid(col, attr, v, "expected a number");
    }
  }

  private static ConnectorException invalid(String col, String attr, String value, String reason) {
    return ConnectorException.invalidProperty("fields." + col + "." + attr, value, reason);
  }

  /** Event time of row n: start + floor(n * 1000 / events_per_second) milliseconds. */
  record EventClock(long startMillis, double eventsPerSecond) {
    long millis(long row) {
      double perRow = 1000.0 / eventsPerSecond;
      if (perRow == Math.rint(perRow)) {
        return startMillis + row * (long) perRow;
      }
      return startMillis + (long) Math.floor(row * 1000.0 / eventsPerSecond);
    }
  }

  private static final class IntegerColumn extends ColumnGenerator {
    private final boolean wide;
    private final long min;
    private final long span;
    private final long[] values;

    IntegerColumn(int column, boolean seq, double nullRate, boolean wide, long min, long max, long[] values) {
      super(column, seq, nullRate);
      this.wide = wide;
      this.min = min;
      this.span = max - min + 1; // 0 when the range is the whole long domain (overflow)
      this.values = values;
    }

    private long value(long seed, long row) {
      if (values != null) {
        int i = sequence ? (int) Math.floorMod(row, (long) values.length)
            : (int) Math.floorMod(hash(seed, column, row), (long) values.length);
        return values[i];
      }
      if (sequence) {
        return span <= 0 ? min + row : min + Math.floorMod(row, span);
      }
      long h = hash(seed, column, row);
      return span <= 0 ? h : min + Math.floorMod(h, span);
    }

    @Override
    void fill(FieldVector v, long seed, long firstRow, int count, EventClock clock) {
      if (wide && fillsWithoutNulls(v, count)) {
        org.apache.arrow.memory.ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < count; i++) {
          data.setLong((long) i << 3, value(seed, firstRow + i));
        }
      } else if (wide) {
        BigIntVector bv = (BigIntVector) v;
        for (int i = 0; i < count; i++) {
          long row = firstRow + i;
          if (isNull(seed, row)) {
            bv.setNull(i);
          } else {
            bv.set(i, value(seed, row));
          }
        }
      } else {
        IntVector iv = (IntVector) v;
        for (int i = 0; i < count; i++) {
          long row = firstRow + i;
          if (isNull(seed, row)) {
            iv.setNull(i);
          } else {
            iv.set(i, (int) value(seed, row));
          }
        }
      }
    }
  }

  private static final class FloatColumn extends ColumnGenerator {
    private final boolean single;
    private final double min;
    private final double max;

    FloatColumn(int column, boolean seq, double nullRate, boolean single, double min, double max) {
      super(column, seq, nullRate);
      this.single = single;
      this.min = min;
      this.max = max;
    }

    private double value(long seed, long row) {
      return sequence ? min + row : min + unit(hash(seed, column, row)) * (max - min);
    }

    @Override
    void fill(FieldVector v, long seed, long firstRow, int count, EventClock clock) {
      if (!single && fillsWithoutNulls(v, count)) {
        org.apache.arrow.memory.ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < count; i++) {
          data.setDouble((long) i << 3, value(seed, firstRow + i));
        }
        return;
      }
      for (int i = 0; i < count; i++) {
        long row = firstRow + i;
        if (isNull(seed, row)) {
          ((org.apache.arrow.vector.BaseFixedWidthVector) v).setNull(i);
        } else if (single) {
          ((Float4Vector) v).set(i, (float) value(seed, row));
        } else {
          ((Float8Vector) v).set(i, value(seed, row));
        }
      }
    }
  }

  private static final class StringColumn extends ColumnGenerator {
    private final int length;
    private final byte[][] values;
    private final byte[] scratch;

    StringColumn(int column, boolean seq, double nullRate, int length, byte[][] values) {
      super(column, seq, nullRate);
      this.length = length;
      this.values = values;
      this.scratch = new byte[length];
    }

    @Override
    void fill(FieldVector v, long seed, long firstRow, int count, EventClock clock) {
      VarCharVector sv = (VarCharVector) v;
      for (int i = 0; i < count; i++) {
        long row = firstRow + i;
        if (isNull(seed, row)) {
          sv.setNull(i);
        } else if (values != null) {
          long pick = sequence ? row : hash(seed, column, row);
          sv.setSafe(i, values[(int) Math.floorMod(pick, (long) values.length)]);
        } else if (sequence) {
          sv.setSafe(i, Long.toString(row).getBytes(StandardCharsets.US_ASCII));
        } else {
          long h = hash(seed, column, row);
          for (int c = 0; c < length; c++) {
            if (c % 10 == 0 && c > 0) {
              h = hash(h, column, row + c);
            }
            scratch[c] = ALPHANUMERIC[(int) Math.floorMod(h >>> (6 * (c % 10)), (long) ALPHANUMERIC.length)];
          }
          sv.setSafe(i, scratch, 0, length);
        }
      }
    }
  }

  private static final class BooleanColumn extends ColumnGenerator {
    BooleanColumn(int column, boolean seq, double nullRate) {
      super(column, seq, nullRate);
    }

    @Override
    void fill(FieldVector v, long seed, long firstRow, int count, EventClock clock) {
      BitVector bv = (BitVector) v;
      for (int i = 0; i < count; i++) {
        long row = firstRow + i;
        if (isNull(seed, row)) {
          bv.setNull(i);
        } else {
          bv.set(i, sequence ? (int) (row & 1) : (int) (hash(seed, column, row) & 1));
        }
      }
    }
  }

  private static final class TimeColumn extends ColumnGenerator {
    private final boolean date;

    TimeColumn(int column, double nullRate, boolean date) {
      super(column, true, nullRate);
      this.date = date;
    }

    @Override
    void fill(FieldVector v, long seed, long firstRow, int count, EventClock clock) {
      if (!date && fillsWithoutNulls(v, count)) {
        long scale = v instanceof org.apache.arrow.vector.TimeStampMicroVector ? 1000 : 1;
        org.apache.arrow.memory.ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < count; i++) {
          data.setLong((long) i << 3, clock.millis(firstRow + i) * scale);
        }
        return;
      }
      for (int i = 0; i < count; i++) {
        long row = firstRow + i;
        if (isNull(seed, row)) {
          ((org.apache.arrow.vector.BaseFixedWidthVector) v).setNull(i);
        } else if (date) {
          ((DateDayVector) v).set(i, (int) Math.floorDiv(clock.millis(row), 86_400_000L));
        } else {
          // TIMESTAMP(6) columns count microseconds; TIMESTAMP and TIMESTAMP_LTZ milliseconds
          ((org.apache.arrow.vector.TimeStampVector) v).set(i, v instanceof org.apache.arrow.vector.TimeStampMicroVector
              ? clock.millis(row) * 1000 : clock.millis(row));
        }
      }
    }
  }

}
