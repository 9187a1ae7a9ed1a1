package io.laminar.runtime;

import io.laminar.plan.AggCall;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;

/**
 * The state of one aggregate of an updating GROUP BY, for many groups, in primitive arrays indexed by
 * group id. Unlike {@link Accumulator} it can take a row back ({@code sign = -1}), so its result stays
 * exact as rows are updated and deleted: COUNT, SUM and AVG keep sums and counts; MIN, MAX and
 * COUNT(DISTINCT) keep, per group, every value with the number of rows holding it, so taking back
 * the current minimum finds the next one.
 *
 * <p>Results are long-encoded: integers, dates, timestamps and booleans as themselves, floating
 * results as their double bits, strings as {@link BytesDictionary} ids.
 */
abstract class Retractor {
  protected int capacity;

  /** Makes room for group ids below {@code groups}. */
  final void ensure(int groups) {
    if (groups > capacity) {
      int c = Math.max(16, Math.max(groups, capacity * 2));
      grow(c);
      capacity = c;
    }
  }

  /** Gives back memory after compaction left only {@code groups} groups. */
  final void shrink(int groups) {
    int c = Math.max(16, groups * 2);
    if (capacity > 2 * c) {
      grow(c);
      capacity = c;
    }
  }

  /** Reallocates the arrays to {@code newCapacity} groups (more, or fewer when shrinking). */
  protected abstract void grow(int newCapacity);

  /** Adds ({@code sign = 1}) or takes back ({@code sign = -1}) row {@code row} of {@code arg} in group {@code g}. */
  abstract void apply(int g, ColumnReader arg, int row, int sign);

  /** Whether group {@code g}'s result is NULL. */
  abstract boolean isNull(int g);

  /** Group {@code g}'s result, long-encoded (garbage when {@link #isNull}). */
  abstract long result(int g);

  /** Resets group {@code g} to the state of a group without rows. */
  abstract void clear(int g);

  /** Moves group {@code from}'s state to {@code to} (below it) and clears {@code from}; for compaction. */
  abstract void move(int from, int to);

  /**
   * Sets group {@code g} (without rows) to the state of group {@code og} of {@code other} (same kind,
   * restored from another worker's snapshot, with its own dictionary), translating string values by
   * {@code strings}. Restore only.
   */
  abstract void copy(int g, Retractor other, int og, StringRemap strings);

  /** {@link #copy Copies} each group {@code og} of {@code other} to {@code map[og]} (none when negative). */
  final void absorb(Retractor other, int[] map, StringRemap strings) {
    for (int og = 0; og < map.length; og++) {
      if (map[og] >= 0) {
        copy(map[og], other, og, strings);
      }
    }
  }

  abstract void writeState(StateWriter out, int groups) throws IOException;

  abstract void readState(StateReader in, int groups) throws IOException;

  /** Approximate heap bytes held. */
  abstract long sizeBytes();

  /**
   * Writes group {@code g}'s result as {@code type} to row {@code row} of {@code out} (NULL when
   * {@link #isNull}); a string result is an id in {@code dictionary}.
   */
  final void write(int g, SqlType type, BytesDictionary dictionary, FieldVector out, int row) {
    if (isNull(g)) {
      ColumnWriter.setNull(out, row);
    } else {
      writeEncoded(out, type, row, result(g), dictionary);
    }
  }

  /** Writes a long-encoded value (see the class comment) as {@code type}. */
  static void writeEncoded(FieldVector out, SqlType type, int row, long value, BytesDictionary dictionary) {
    if (type == SqlType.VARCHAR) {
      int id = (int) value;
      ColumnWriter.setBytes(out, row, dictionary.arena(), dictionary.start(id), dictionary.length(id));
    } else {
      // floating values are double bits, which setLong decodes for FLOAT and DOUBLE columns
      ColumnWriter.setLong(out, type, row, value);
    }
  }

  /** Whether results of {@code type} are encoded as double bits. */
  static boolean floating(SqlType type) {
    return type == SqlType.FLOAT || type == SqlType.DOUBLE;
  }

  /**
   * A retractor for {@code call}. {@code retracting} is false when the input never takes rows back;
   * MIN and MAX then keep only the extreme instead of every value.
   */
  static Retractor create(AggCall call, BytesDictionary dictionary, boolean retracting) {
    SqlType arg = call.argumentType();
    if (arg != null && arg.isDecimal() && (call.kind() == AggCall.Kind.SUM || call.kind() == AggCall.Kind.AVG)) {
      // unscaled longs (the planner refuses wider DECIMAL arguments); MIN/MAX below compare them as longs
      return new DecimalSums.Retracting(call, call.kind() == AggCall.Kind.AVG);
    }
    return switch (call.kind()) {
      case COUNT -> call.distinct() ? new CountDistinct(Order.of(arg, dictionary), dictionary, arg == SqlType.VARCHAR)
          : new Count(call.argument() < 0);
      case SUM, AVG -> floating(arg)
          ? new SumDouble(call.kind() == AggCall.Kind.AVG, call.resultType())
          : new SumLong(call, call.kind() == AggCall.Kind.AVG);
      case MIN, MAX -> retracting
          ? new MinMax(call.kind() == AggCall.Kind.MIN, Order.of(arg, dictionary), dictionary, arg == SqlType.VARCHAR)
          : new Extreme(call.kind() == AggCall.Kind.MIN, Order.of(arg, dictionary), dictionary, arg == SqlType.VARCHAR);
    };
  }

  /** Reads an argument value long-encoded: strings interned, floats as normalized double bits. */
  static long encode(ColumnReader arg, int row, BytesDictionary dictionary, byte[][] scratch) {
    return switch (arg.type.kind()) {
      case VARCHAR -> {
        int length = arg.getBytes(row, scratch); // may grow scratch[0]: read it after
        yield dictionary.intern(scratch[0], length);
      }
      case FLOAT, DOUBLE -> Double.doubleToLongBits(ColumnReader.normalize(arg.getDouble(row)));
      default -> arg.getLong(row);
    };
  }

  /** An order over long-encoded values of one type. */
  interface Order {
    int compare(long a, long b);

    static Order of(SqlType type, BytesDictionary dictionary) {
      if (type == SqlType.VARCHAR) {
        // UTF-8 bytes, unsigned: the order of code points
        return (a, b) -> {
          byte[] arena = dictionary.arena();
          int sa = dictionary.start((int) a);
          int la = dictionary.length((int) a);
          int sb = dictionary.start((int) b);
          int lb = dictionary.length((int) b);
          return Arrays.compareUnsigned(arena, sa, sa + la, arena, sb, sb + lb);
        };
      }
      if (floating(type)) {
        return (a, b) -> Double.compare(Double.longBitsToDouble(a), Double.longBitsToDouble(b));
      }
      return Long::compare;
    }
  }

  /** COUNT(*) and COUNT(x). */
  static final class Count extends Retractor {
    private final boolean star;
    private long[] counts = new long[0];

    Count(boolean star) {
      this.star = star;
    }

    @Override
    protected void grow(int c) {
      counts = Arrays.copyOf(counts, c);
    }

    @Override
    void apply(int g, ColumnReader arg, int row, int sign) {
      if (star || !arg.isNull(row)) {
        counts[g] += sign;
      }
    }

    @Override
    boolean isNull(int g) {
      return false;
    }

    @Override
    long result(int g) {
      return counts[g];
    }

    @Override
    void clear(int g) {
      counts[g] = 0;
    }

    @Override
    void move(int from, int to) {
      counts[to] = counts[from];
      counts[from] = 0;
    }

    @Override
    void copy(int g, Retractor other, int og, StringRemap strings) {
      counts[g] = ((Count) other).counts[og];
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      out.writeLongs(counts, groups);
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      in.readLongs(counts, groups);
    }

    @Override
    long sizeBytes() {
      return (long) counts.length * 8;
    }
  }

  /**
   * SUM and AVG of integer types, exact like the window's {@link Accumulator.SumLong}: each total is a
   * 128-bit integer, so neither adding nor taking back a BIGINT wraps around. A SUM whose total does
   * not fit its result type when the group's result is read is an error; an AVG always fits.
   */
  static final class SumLong extends Retractor {
    private final AggCall call;
    private final boolean average;
    private final SqlType result;
    /** The low 64 bits of each total. */
    private long[] sums = new long[0];
    /** The high 64 bits of each total. */
    private long[] highs = new long[0];
    private long[] counts = new long[0];

    SumLong(AggCall call, boolean average) {
      this.call = call;
      this.average = average;
      this.result = call.resultType();
    }

    @Override
    protected void grow(int c) {
      sums = Arrays.copyOf(sums, c);
      highs = Arrays.copyOf(highs, c);
      counts = Arrays.copyOf(counts, c);
    }

    @Override
    void apply(int g, ColumnReader arg, int row, int sign) {
      if (!arg.isNull(row)) {
        if (sign < 0) {
          DecimalSums.subtract128(sums, highs, g, arg.getLong(row));
        } else {
          DecimalSums.add128(sums, highs, g, arg.getLong(row));
        }
        counts[g] += sign;
      }
    }

    @Override
    boolean isNull(int g) {
      return counts[g] <= 0;
    }

    @Override
    long result(int g) {
      if (!average) {
        if (highs[g] != (sums[g] >> 63)) {
          throw Accumulator.SumLong.overflow(call, counts[g], highs[g], sums[g]);
        }
        return sums[g];
      }
      return floating(result) ? Double.doubleToLongBits(Accumulator.SumLong.floatingAverage(highs[g], sums[g], counts[g]))
          : Accumulator.SumLong.average(highs[g], sums[g], counts[g]);
    }

    @Override
    void clear(int g) {
      sums[g] = 0;
      highs[g] = 0;
      counts[g] = 0;
    }

    @Override
    void move(int from, int to) {
      sums[to] = sums[from];
      highs[to] = highs[from];
      counts[to] = counts[from];
      clear(from);
    }

    @Override
    void copy(int g, Retractor other, int og, StringRemap strings) {
      SumLong o = (SumLong) other;
      sums[g] = o.sums[og];
      highs[g] = o.highs[og];
      counts[g] = o.counts[og];
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      out.writeLongs(sums, groups);
      out.writeLongs(highs, groups);
      out.writeLongs(counts, groups);
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      in.readLongs(sums, groups);
      in.readLongs(highs, groups);
      in.readLongs(counts, groups);
    }

    @Override
    long sizeBytes() {
      return (long) sums.length * 24;
    }
  }

  /**
   * SUM and AVG of floating types. Taking a value back subtracts it, so the result carries the
   * rounding of every addition and subtraction, like any floating sum; a group whose last value
   * is taken back starts again from an exact zero.
   */
  static final class SumDouble extends Retractor {
    private final boolean average;
    private double[] sums = new double[0];
    private long[] counts = new long[0];

    SumDouble(boolean average, SqlType result) {
      this.average = average;
      if (!floating(result)) {
        throw new IllegalArgumentException("a floating sum with result type " + result);
      }
    }

    @Override
    protected void grow(int c) {
      sums = Arrays.copyOf(sums, c);
      counts = Arrays.copyOf(counts, c);
    }

    @Override
    void apply(int g, ColumnReader arg, int row, int sign) {
      if (!arg.isNull(row)) {
        long n = counts[g] + sign;
        counts[g] = n;
        sums[g] = n == 0 ? 0.0 : sums[g] + sign * arg.getDouble(row);
      }
    }

    @Override
    boolean isNull(int g) {
      return counts[g] <= 0;
    }

    @Override
    long result(int g) {
      return Double.doubleToLongBits(average ? sums[g] / counts[g] : sums[g]);
    }

    @Override
    void clear(int g) {
      sums[g] = 0;
      counts[g] = 0;
    }

    @Override
    void move(int from, int to) {
      sums[to] = sums[from];
      counts[to] = counts[from];
      clear(from);
    }

    @Override
    void copy(int g, Retractor other, int og, StringRemap strings) {
      SumDouble o = (SumDouble) other;
      sums[g] = o.sums[og];
      counts[g] = o.counts[og];
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      out.writeDoubles(sums, groups);
      out.writeLongs(counts, groups);
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      in.readDoubles(sums, groups);
      in.readLongs(counts, groups);
    }

    @Override
    long sizeBytes() {
      return (long) sums.length * 16;
    }
  }

  /** MIN/MAX over an input that never takes rows back: only the extreme is kept. */
  static final class Extreme extends Retractor {
    private final boolean min;
    private final Order order;
    private final BytesDictionary dictionary;
    private final byte[][] scratch = {new byte[64]};
    private long[] values = new long[0];
    private boolean[] seen = new boolean[0];

    /** Whether values are string ids. */
    private final boolean strings;

    Extreme(boolean min, Order order, BytesDictionary dictionary, boolean strings) {
      this.min = min;
      this.order = order;
      this.dictionary = dictionary;
      this.strings = strings;
    }

    @Override
    protected void grow(int c) {
      values = Arrays.copyOf(values, c);
      seen = Arrays.copyOf(seen, c);
    }

    @Override
    void apply(int g, ColumnReader arg, int row, int sign) {
      if (sign < 0) {
        throw new IllegalStateException("MIN/MAX planned for an append-only input got a row taken back");
      }
      if (arg.isNull(row)) {
        return;
      }
      long v = encode(arg, row, dictionary, scratch);
      if (!seen[g] || (min ? order.compare(v, values[g]) < 0 : order.compare(v, values[g]) > 0)) {
        values[g] = v;
        seen[g] = true;
      }
    }

    @Override
    boolean isNull(int g) {
      return !seen[g];
    }

    @Override
    long result(int g) {
      return values[g];
    }

    @Override
    void clear(int g) {
      seen[g] = false;
      values[g] = 0;
    }

    @Override
    void move(int from, int to) {
      values[to] = values[from];
      seen[to] = seen[from];
      clear(from);
    }

    @Override
    void copy(int g, Retractor other, int og, StringRemap strings) {
      Extreme o = (Extreme) other;
      seen[g] = o.seen[og];
      values[g] = o.seen[og] && this.strings ? strings.map(o.values[og]) : o.values[og];
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      out.writeLongs(values, groups);
      out.writeBooleans(seen, groups);
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      in.readLongs(values, groups);
      in.readBooleans(seen, groups);
    }

    @Override
    long sizeBytes() {
      return (long) values.length * 9;
    }
  }

  /**
   * Per group, the distinct non-NULL values in {@link Order} with the number of rows holding each:
   * two sorted primitive arrays per group, searched by bisection.
   */
  static class ValueCounts extends Retractor {
    protected final Order order;
    protected final BytesDictionary dictionary;
    private final byte[][] scratch = {new byte[64]};
    private static final long[] NONE = new long[0];
    protected long[][] values = new long[0][];
    protected long[][] counts = new long[0][];
    protected int[] sizes = new int[0];

    /** Whether values are string ids. */
    protected final boolean strings;

    ValueCounts(Order order, BytesDictionary dictionary, boolean strings) {
      this.order = order;
      this.dictionary = dictionary;
      this.strings = strings;
    }

    @Override
    protected void grow(int c) {
      int old = values.length;
      values = Arrays.copyOf(values, c);
      counts = Arrays.copyOf(counts, c);
      sizes = Arrays.copyOf(sizes, c);
      if (c > old) {
        Arrays.fill(values, old, c, NONE);
        Arrays.fill(counts, old, c, NONE);
      }
    }

    @Override
    void apply(int g, ColumnReader arg, int row, int sign) {
      if (arg.isNull(row)) {
        return;
      }
      long v = encode(arg, row, dictionary, scratch);
      long[] vs = values[g];
      int n = sizes[g];
      int lo = 0;
      int hi = n - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = order.compare(vs[mid], v);
        if (c < 0) {
          lo = mid + 1;
        } else if (c > 0) {
          hi = mid - 1;
        } else {
          long left = counts[g][mid] + sign;
          if (left > 0) {
            counts[g][mid] = left;
          } else {
            // the last row holding this value went: remove it
            System.arraycopy(vs, mid + 1, vs, mid, n - mid - 1);
            System.arraycopy(counts[g], mid + 1, counts[g], mid, n - mid - 1);
            sizes[g] = n - 1;
          }
          return;
        }
      }
      if (sign < 0) {
        return; // taking back a value the group does not hold: nothing to undo
      }
      if (n == vs.length) {
        int c = Math.max(2, n * 2);
        values[g] = vs = Arrays.copyOf(vs, c);
        counts[g] = Arrays.copyOf(counts[g], c);
      }
      System.arraycopy(vs, lo, vs, lo + 1, n - lo);
      System.arraycopy(counts[g], lo, counts[g], lo + 1, n - lo);
      vs[lo] = v;
      counts[g][lo] = 1;
      sizes[g] = n + 1;
    }

    @Override
    boolean isNull(int g) {
      return sizes[g] == 0;
    }

    @Override
    long result(int g) {
      return sizes[g];
    }

    @Override
    void clear(int g) {
      values[g] = NONE;
      counts[g] = NONE;
      sizes[g] = 0;
    }

    @Override
    void move(int from, int to) {
      values[to] = values[from];
      counts[to] = counts[from];
      sizes[to] = sizes[from];
      clear(from);
    }

    @Override
    void copy(int g, Retractor other, int og, StringRemap strings) {
      ValueCounts o = (ValueCounts) other;
      int n = o.sizes[og];
      sizes[g] = n;
      if (n == 0) {
        values[g] = NONE;
        counts[g] = NONE;
        return;
      }
      long[] vs = Arrays.copyOf(o.values[og], n);
      if (this.strings) {
        // the order is by the strings' bytes, not their ids: translating keeps it sorted
        for (int i = 0; i < n; i++) {
          vs[i] = strings.map(vs[i]);
        }
      }
      values[g] = vs;
      counts[g] = Arrays.copyOf(o.counts[og], n);
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      out.writeInts(sizes, groups);
      for (int g = 0; g < groups; g++) {
        out.writeLongs(values[g], sizes[g]);
        out.writeLongs(counts[g], sizes[g]);
      }
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      in.readInts(sizes, groups);
      for (int g = 0; g < groups; g++) {
        int n = sizes[g];
        if (n < 0) {
          throw new IOException("corrupt state: " + n + " values in a group");
        }
        values[g] = n == 0 ? NONE : new long[n];
        counts[g] = n == 0 ? NONE : new long[n];
        in.readLongs(values[g], n);
        in.readLongs(counts[g], n);
      }
    }

    @Override
    long sizeBytes() {
      long bytes = (long) sizes.length * 20;
      for (int g = 0; g < values.length; g++) {
        bytes += (long) values[g].length * 16;
      }
      return bytes;
    }
  }

  /** COUNT(DISTINCT x): the number of distinct values some row still holds. */
  static final class CountDistinct extends ValueCounts {
    CountDistinct(Order order, BytesDictionary dictionary, boolean strings) {
      super(order, dictionary, strings);
    }

    @Override
    boolean isNull(int g) {
      return false;
    }
  }

  /** MIN/MAX that can take rows back: the first or last of the group's values. */
  static final class MinMax extends ValueCounts {
    private final boolean min;

    MinMax(boolean min, Order order, BytesDictionary dictionary, boolean strings) {
      super(order, dictionary, strings);
      this.min = min;
    }

    @Override
    long result(int g) {
      return values[g][min ? 0 : sizes[g] - 1];
    }
  }
}
