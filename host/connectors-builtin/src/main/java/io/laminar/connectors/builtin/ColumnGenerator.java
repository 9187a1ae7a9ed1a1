package io.laminar.connectors.builtin;

import io.laminar.api.ConnectorException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.util.MemoryUtil;
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

  /**
   * For a fixed-width column without NULLs: gives {@code v} a data buffer of exactly {@code count}
   * values, not cleared (the fill writes every one), and a validity buffer with every row valid;
   * false (nothing done) for other columns, which {@code allocateNew} as usual. Saves clearing a
   * buffer rounded up to twice the size on every batch.
   */
  final boolean allocateValid(FieldVector v, int count, org.apache.arrow.memory.BufferAllocator allocator) {
    if (nullRate > 0 || !(v instanceof org.apache.arrow.vector.BaseFixedWidthVector f) || v instanceof BitVector) {
      return false;
    }
    try (org.apache.arrow.memory.ArrowBuf data = allocator.buffer((long) count * f.getTypeWidth())) {
      // an empty validity buffer and no NULL: Arrow's loader makes an all-valid one; v retains data
      v.loadFieldBuffers(new org.apache.arrow.vector.ipc.message.ArrowFieldNode(count, 0),
          List.of(allocator.getEmpty(), data));
    }
    return true;
  }

  /**
   * The address of {@code v}'s data buffer after checking once that it holds {@code count} values
   * of {@code width} bytes, so the fill loops write straight to memory with no check per value.
   */
  static long dataAddress(FieldVector v, int count, int width) {
    org.apache.arrow.memory.ArrowBuf data = v.getDataBuffer();
    if (data.capacity() < (long) count * width) {
      throw new IllegalStateException("generator: vector '" + v.getName() + "' holds " + data.capacity()
          + " bytes, not " + (long) count * width);
    }
    return data.memoryAddress();
  }

  /** {@link #hash}'s starting point for (seed, column): the hash of row r is {@code mix(hashBase + r * ROW_STEP)}. */
  static long hashBase(long seed, int column) {
    return seed * 0x9E3779B97F4A7C15L + (column + 1L) * 0xBF58476D1CE4E5B9L;
  }

  /** What {@link #hash} adds per row. */
  static final long ROW_STEP = 0x94D049BB133111EBL;

  /** The finaliser of {@link #hash}. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long hash(long seed, int column, long row) {
    // SplitMix64 finaliser over a per-(seed, column, row) counter: fast and well mixed.
    return mix(hashBase(seed, column) + row * ROW_STEP);
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

    /**
     * Writes {@code millis(firstRow + i) * scale} for i in 0..count-1 as longs from {@code address}:
     * the values of {@link #millis}, computed once per run of equal times where rows share a
     * millisecond. {@code millis} is a sum of {@code startMillis} and a non-decreasing function of
     * the row (every step — long to double, the product, the quotient, floor and the cast — keeps
     * order), so the rows of one time are one contiguous run, found by galloping and bisection.
     */
    void fill(long address, long firstRow, int count, long scale) {
      double perRow = 1000.0 / eventsPerSecond;
      if (perRow == Math.rint(perRow)) {
        long step = (long) perRow;
        long t = startMillis + firstRow * step;
        for (int i = 0; i < count; i++) {
          MemoryUtil.putLong(address + ((long) i << 3), t * scale);
          t += step;
        }
        return;
      }
      if (eventsPerSecond < 16_000) {
        // fewer than 16 rows per millisecond: runs are too short to be worth searching for
        for (int i = 0; i < count; i++) {
          MemoryUtil.putLong(address + ((long) i << 3), millis(firstRow + i) * scale);
        }
        return;
      }
      int i = 0;
      while (i < count) {
        long t = millis(firstRow + i);
        // last index of the run starting at i: gallop to a row of another time, then bisect
        int equal = i;
        int step = 1;
        int other = -1;
        while (true) {
          int probe = (int) Math.min((long) equal + step, count - 1L);
          if (probe == equal) {
            break; // the run reaches the end of the batch
          }
          if (millis(firstRow + probe) == t) {
            equal = probe;
            step <<= 1;
          } else {
            other = probe;
            break;
          }
        }
        if (other >= 0) {
          while (other - equal > 1) {
            int mid = (equal + other) >>> 1;
            if (millis(firstRow + mid) == t) {
              equal = mid;
            } else {
              other = mid;
            }
          }
        }
        long value = t * scale;
        for (int k = i; k <= equal; k++) {
          MemoryUtil.putLong(address + ((long) k << 3), value);
        }
        i = equal + 1;
      }
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
      if (fillsWithoutNulls(v, count)) {
        int width = wide ? 8 : 4;
        long address = dataAddress(v, count, width);
        if (values == null && sequence && span > 0) {
          // min, min + 1, … wrapping to min after span values: the modulus once per batch
          long x = Math.floorMod(firstRow, span);
          for (int i = 0; i < count; i++) {
            put(address, i, min + x);
            if (++x == span) {
              x = 0;
            }
          }
        } else if (values == null && sequence) {
          for (int i = 0; i < count; i++) {
            put(address, i, min + (firstRow + i));
          }
        } else {
          for (int i = 0; i < count; i++) {
            put(address, i, value(seed, firstRow + i));
          }
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

    private void put(long address, int i, long value) {
      if (wide) {
        MemoryUtil.putLong(address + ((long) i << 3), value);
      } else {
        MemoryUtil.putInt(address + ((long) i << 2), (int) value);
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
      if (fillsWithoutNulls(v, count)) {
        long address = dataAddress(v, count, single ? 4 : 8);
        double range = max - min;
        long z = hashBase(seed, column) + firstRow * ROW_STEP; // hash(seed, column, row), a step per row
        for (int i = 0; i < count; i++) {
          double value = sequence ? min + (firstRow + i) : min + unit(mix(z)) * range;
          if (single) {
            MemoryUtil.putInt(address + ((long) i << 2), Float.floatToRawIntBits((float) value));
          } else {
            MemoryUtil.putLong(address + ((long) i << 3), Double.doubleToRawLongBits(value));
          }
          z += ROW_STEP;
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
        clock.fill(dataAddress(v, count, 8), firstRow, count, scale);
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
