package io.laminar.runtime;

import io.laminar.plan.AggCall;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;

/**
 * The state of one aggregate for many groups, in primitive arrays indexed by group id. Reads its
 * argument through a {@link ColumnReader}; {@link #merge} combines two groups (session merging).
 */
abstract class Accumulator {
  protected int capacity;

  /** Makes room for group ids below {@code groups}. */
  final void ensure(int groups) {
    if (groups > capacity) {
      int c = Math.max(16, Math.max(groups, capacity * 2));
      grow(c);
      capacity = c;
    }
  }

  protected abstract void grow(int newCapacity);

  /** Adds row {@code row} of {@code arg} (null for COUNT(*)) to group {@code g}. */
  abstract void add(int g, ColumnReader arg, int row);

  /**
   * Adds rows {@code sel[0..n)} of {@code arg} (null for COUNT(*)) to groups {@code groups[0..n)},
   * in order. The default goes row by row; the numeric kinds override it with column-wide loops.
   */
  void addBatch(int[] groups, int[] sel, int n, ColumnReader arg, BatchScratch scratch) {
    for (int i = 0; i < n; i++) {
      add(groups[i], arg, sel[i]);
    }
  }

  /** Folds group {@code og} of {@code other} (same kind) into group {@code g}. */
  abstract void merge(int g, Accumulator other, int og);

  /**
   * Takes over the groups of {@code other} (same kind, restored from another worker's snapshot, with
   * its own dictionary): group {@code og} folds into group {@code map[og]} (none when negative);
   * string values are translated by {@code strings}. Restore only.
   */
  void absorb(Accumulator other, int[] map, StringRemap strings) {
    for (int og = 0; og < map.length; og++) {
      if (map[og] >= 0) {
        merge(map[og], other, og);
      }
    }
  }

  /** Writes group {@code g}'s result to row {@code row} of {@code out}. */
  abstract void write(int g, FieldVector out, int row);

  /** Writes the state of groups {@code 0..groups)}. */
  abstract void writeState(StateWriter out, int groups) throws IOException;

  /** Reads the state of groups {@code 0..groups)} after {@link #ensure ensure(groups)}. */
  abstract void readState(StateReader in, int groups) throws IOException;

  /** Approximate heap bytes held. */
  abstract long sizeBytes();

  /** A new accumulator for {@code call}; {@code dictionary} interns strings for COUNT(DISTINCT). */
  static Accumulator create(AggCall call, BytesDictionary dictionary) {
    SqlType arg = call.argumentType();
    if (arg != null && arg.isDecimal() && call.kind() != AggCall.Kind.COUNT) {
      // unscaled longs (the planner refuses wider DECIMAL arguments): MIN/MAX compare them as longs
      return switch (call.kind()) {
        case SUM, AVG -> new DecimalSums.Sum(call, call.kind() == AggCall.Kind.AVG);
        default -> new MinMaxLong(call.kind() == AggCall.Kind.MIN, call.resultType());
      };
    }
    return switch (call.kind()) {
      case COUNT -> call.distinct() ? new CountDistinct(dictionary, arg == SqlType.VARCHAR)
          : new Count(call.argument() < 0);
      case SUM -> arg == SqlType.FLOAT || arg == SqlType.DOUBLE
          ? new SumDouble(call.resultType(), false) : new SumLong(call, false);
      case AVG -> arg == SqlType.FLOAT || arg == SqlType.DOUBLE
          ? new SumDouble(call.resultType(), true) : new SumLong(call, true);
      case MIN, MAX -> switch (arg.kind()) {
        case FLOAT, DOUBLE -> new MinMaxDouble(call.kind() == AggCall.Kind.MIN, call.resultType());
        case VARCHAR -> new MinMaxString(call.kind() == AggCall.Kind.MIN);
        default -> new MinMaxLong(call.kind() == AggCall.Kind.MIN, call.resultType());
      };
    };
  }

  /** COUNT(*) and COUNT(x). */
  static final class Count extends Accumulator {
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
    void add(int g, ColumnReader arg, int row) {
      if (star || !arg.isNull(row)) {
        counts[g]++;
      }
    }

    @Override
    void addBatch(int[] groups, int[] sel, int n, ColumnReader arg, BatchScratch scratch) {
      boolean[] nulls = scratch.nulls;
      if (star || !ColumnBatch.nulls(arg.vector, sel, n, nulls)) {
        for (int i = 0; i < n; i++) {
          counts[groups[i]]++;
        }
      } else {
        for (int i = 0; i < n; i++) {
          if (!nulls[i]) {
            counts[groups[i]]++;
          }
        }
      }
    }

    @Override
    void merge(int g, Accumulator other, int og) {
      counts[g] += ((Count) other).counts[og];
    }

    @Override
    void write(int g, FieldVector out, int row) {
      ColumnWriter.setLong(out, SqlType.BIGINT, row, counts[g]);
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
   * SUM or AVG of integer types, exact: each total is a 128-bit integer, so no sum of BIGINTs wraps
   * around. A SUM whose total does not fit BIGINT is an error when written; an AVG always fits. NULL
   * when no non-null value was seen.
   *
   * <p>The total of group g is {@code highs[g] * 2^64 + sums[g]} with {@code sums[g]} read as a
   * <em>signed</em> long: adding a value touches {@code highs} only when the signed low word
   * overflows, so the hot loop is one add and one overflow test, as cheap as the unchecked
   * {@code sums[g] += v} it replaced (the two's-complement form of {@link DecimalSums#add128}
   * changes its high word whenever the low word's sign flips). State and the shared helpers below
   * use DecimalSums' form ({@link #unsignedHigh}), so checkpoints are unchanged.
   */
  static final class SumLong extends Accumulator {
    private final AggCall call;
    private final SqlType result;
    private final boolean average;
    private long[] sums = new long[0];
    /** How many times each signed low word in {@code sums} overflowed, net: the total's high part. */
    private long[] highs = new long[0];
    private long[] counts = new long[0];

    SumLong(AggCall call, boolean average) {
      this.call = call;
      this.result = call.resultType();
      this.average = average;
    }

    @Override
    protected void grow(int c) {
      sums = Arrays.copyOf(sums, c);
      highs = Arrays.copyOf(highs, c);
      counts = Arrays.copyOf(counts, c);
    }

    /** Adds {@code v} to group g's total; see the class comment for the form. */
    private void addExact(int g, long v) {
      long low = sums[g];
      long sum = low + v;
      if (((low ^ sum) & (v ^ sum)) < 0) {
        // the signed low word wrapped: by +2^64 when v was positive, by -2^64 when negative
        highs[g] += v < 0 ? -1 : 1;
      }
      sums[g] = sum;
    }

    /** Group g's high word in {@link DecimalSums}' form (low word unsigned). */
    private long unsignedHigh(int g) {
      return highs[g] + (sums[g] >> 63);
    }

    @Override
    void add(int g, ColumnReader arg, int row) {
      if (!arg.isNull(row)) {
        addExact(g, arg.getLong(row));
        counts[g]++;
      }
    }

    @Override
    void addBatch(int[] groups, int[] sel, int n, ColumnReader arg, BatchScratch scratch) {
      long[] values = scratch.longs;
      ColumnBatch.longs(arg.vector, arg.type, sel, n, values);
      boolean[] nulls = scratch.nulls;
      boolean anyNull = ColumnBatch.nulls(arg.vector, sel, n, nulls);
      for (int i = 0; i < n; i++) {
        if (!anyNull || !nulls[i]) {
          int g = groups[i];
          addExact(g, values[i]);
          counts[g]++;
        }
      }
    }

    @Override
    void merge(int g, Accumulator other, int og) {
      SumLong o = (SumLong) other;
      highs[g] += o.highs[og];
      addExact(g, o.sums[og]);
      counts[g] += o.counts[og];
    }

    /** The error of a SUM of {@code count} values whose 128-bit total (high, low) does not fit {@code call}'s result. */
    static ExpressionError overflow(AggCall call, long count, long high, long low) {
      return new ExpressionError("integer overflow: the SUM of " + count + " values is " + DecimalSums.total(high, low)
          + ", out of the range of " + call.resultType(), call.origin());
    }

    /** SQL AVG of an integer type from its 128-bit total: an integer, truncated toward zero (it always fits a long). */
    static long average(long high, long low, long count) {
      return high == (low >> 63) ? low / count
          : DecimalSums.total(high, low).divide(java.math.BigInteger.valueOf(count)).longValue();
    }

    /** AVG of an integer type as a floating result. */
    static double floatingAverage(long high, long low, long count) {
      return (high == (low >> 63) ? (double) low : DecimalSums.total(high, low).doubleValue()) / count;
    }

    @Override
    void write(int g, FieldVector out, int row) {
      if (counts[g] == 0) {
        ColumnWriter.setNull(out, row);
      } else if (!average) {
        if (highs[g] != 0) {
          throw overflow(call, counts[g], unsignedHigh(g), sums[g]);
        }
        ColumnWriter.setLong(out, result, row, sums[g]);
      } else if (result == SqlType.FLOAT || result == SqlType.DOUBLE) {
        ColumnWriter.setDouble(out, result, row, floatingAverage(unsignedHigh(g), sums[g], counts[g]));
      } else {
        ColumnWriter.setLong(out, result, row, average(unsignedHigh(g), sums[g], counts[g]));
      }
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      out.writeLongs(sums, groups);
      long[] stored = new long[groups];
      for (int g = 0; g < groups; g++) {
        stored[g] = unsignedHigh(g);
      }
      out.writeLongs(stored, groups);
      out.writeLongs(counts, groups);
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      in.readLongs(sums, groups);
      in.readLongs(highs, groups);
      for (int g = 0; g < groups; g++) {
        highs[g] -= sums[g] >> 63;
      }
      in.readLongs(counts, groups);
    }

    @Override
    long sizeBytes() {
      return (long) sums.length * 24;
    }
  }

  /** SUM or AVG of floating-point types. */
  static final class SumDouble extends Accumulator {
    private final SqlType result;
    private final boolean average;
    private double[] sums = new double[0];
    private long[] counts = new long[0];

    SumDouble(SqlType result, boolean average) {
      this.result = result;
      this.average = average;
    }

    @Override
    protected void grow(int c) {
      sums = Arrays.copyOf(sums, c);
      counts = Arrays.copyOf(counts, c);
    }

    @Override
    void add(int g, ColumnReader arg, int row) {
      if (!arg.isNull(row)) {
        sums[g] += arg.getDouble(row);
        counts[g]++;
      }
    }

    @Override
    void addBatch(int[] groups, int[] sel, int n, ColumnReader arg, BatchScratch scratch) {
      double[] values = scratch.doubles;
      ColumnBatch.doubles(arg.vector, arg.type, sel, n, values);
      boolean[] nulls = scratch.nulls;
      boolean anyNull = ColumnBatch.nulls(arg.vector, sel, n, nulls);
      for (int i = 0; i < n; i++) {
        if (!anyNull || !nulls[i]) {
          int g = groups[i];
          sums[g] += values[i];
          counts[g]++;
        }
      }
    }

    @Override
    void merge(int g, Accumulator other, int og) {
      SumDouble o = (SumDouble) other;
      sums[g] += o.sums[og];
      counts[g] += o.counts[og];
    }

    @Override
    void write(int g, FieldVector out, int row) {
      if (counts[g] == 0) {
        ColumnWriter.setNull(out, row);
      } else {
        ColumnWriter.setDouble(out, result, row, average ? sums[g] / counts[g] : sums[g]);
      }
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

  /** MIN/MAX of long-valued types (integers, dates, timestamps, booleans). */
  static final class MinMaxLong extends Accumulator {
    private final boolean min;
    private final SqlType result;
    private long[] values = new long[0];
    private boolean[] seen = new boolean[0];

    MinMaxLong(boolean min, SqlType result) {
      this.min = min;
      this.result = result;
    }

    @Override
    protected void grow(int c) {
      values = Arrays.copyOf(values, c);
      seen = Arrays.copyOf(seen, c);
    }

    @Override
    void add(int g, ColumnReader arg, int row) {
      if (!arg.isNull(row)) {
        accept(g, arg.getLong(row));
      }
    }

    private void accept(int g, long v) {
      if (!seen[g] || (min ? v < values[g] : v > values[g])) {
        values[g] = v;
        seen[g] = true;
      }
    }

    @Override
    void addBatch(int[] groups, int[] sel, int n, ColumnReader arg, BatchScratch scratch) {
      long[] values = scratch.longs;
      ColumnBatch.longs(arg.vector, arg.type, sel, n, values);
      boolean[] nulls = scratch.nulls;
      boolean anyNull = ColumnBatch.nulls(arg.vector, sel, n, nulls);
      for (int i = 0; i < n; i++) {
        if (!anyNull || !nulls[i]) {
          accept(groups[i], values[i]);
        }
      }
    }

    @Override
    void merge(int g, Accumulator other, int og) {
      MinMaxLong o = (MinMaxLong) other;
      if (o.seen[og]) {
        accept(g, o.values[og]);
      }
    }

    @Override
    void write(int g, FieldVector out, int row) {
      if (seen[g]) {
        ColumnWriter.setLong(out, result, row, values[g]);
      } else {
        ColumnWriter.setNull(out, row);
      }
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

  /** MIN/MAX of floating-point types. */
  static final class MinMaxDouble extends Accumulator {
    private final boolean min;
    private final SqlType result;
    private double[] values = new double[0];
    private boolean[] seen = new boolean[0];

    MinMaxDouble(boolean min, SqlType result) {
      this.min = min;
      this.result = result;
    }

    @Override
    protected void grow(int c) {
      values = Arrays.copyOf(values, c);
      seen = Arrays.copyOf(seen, c);
    }

    @Override
    void add(int g, ColumnReader arg, int row) {
      if (!arg.isNull(row)) {
        accept(g, arg.getDouble(row));
      }
    }

    private void accept(int g, double v) {
      if (!seen[g] || (min ? v < values[g] : v > values[g])) {
        values[g] = v;
        seen[g] = true;
      }
    }

    @Override
    void addBatch(int[] groups, int[] sel, int n, ColumnReader arg, BatchScratch scratch) {
      double[] values = scratch.doubles;
      ColumnBatch.doubles(arg.vector, arg.type, sel, n, values);
      boolean[] nulls = scratch.nulls;
      boolean anyNull = ColumnBatch.nulls(arg.vector, sel, n, nulls);
      for (int i = 0; i < n; i++) {
        if (!anyNull || !nulls[i]) {
          accept(groups[i], values[i]);
        }
      }
    }

    @Override
    void merge(int g, Accumulator other, int og) {
      MinMaxDouble o = (MinMaxDouble) other;
      if (o.seen[og]) {
        accept(g, o.values[og]);
      }
    }

    @Override
    void write(int g, FieldVector out, int row) {
      if (seen[g]) {
        ColumnWriter.setDouble(out, result, row, values[g]);
      } else {
        ColumnWriter.setNull(out, row);
      }
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      out.writeDoubles(values, groups);
      out.writeBooleans(seen, groups);
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      in.readDoubles(values, groups);
      in.readBooleans(seen, groups);
    }

    @Override
    long sizeBytes() {
      return (long) values.length * 9;
    }
  }

  /** MIN/MAX of strings; a String is only created when a row's value replaces the current one. */
  static final class MinMaxString extends Accumulator {
    private final boolean min;
    private String[] values = new String[0];

    MinMaxString(boolean min) {
      this.min = min;
    }

    @Override
    protected void grow(int c) {
      values = Arrays.copyOf(values, c);
    }

    @Override
    void add(int g, ColumnReader arg, int row) {
      if (!arg.isNull(row)) {
        accept(g, arg.getString(row));
      }
    }

    private void accept(int g, String v) {
      String cur = values[g];
      if (cur == null || (min ? v.compareTo(cur) < 0 : v.compareTo(cur) > 0)) {
        values[g] = v;
      }
    }

    @Override
    void merge(int g, Accumulator other, int og) {
      String v = ((MinMaxString) other).values[og];
      if (v != null) {
        accept(g, v);
      }
    }

    @Override
    void write(int g, FieldVector out, int row) {
      if (values[g] == null) {
        ColumnWriter.setNull(out, row);
      } else {
        ColumnWriter.setString(out, row, values[g]);
      }
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      for (int g = 0; g < groups; g++) {
        out.writeString(values[g]);
      }
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      for (int g = 0; g < groups; g++) {
        values[g] = in.readString();
      }
    }

    @Override
    long sizeBytes() {
      long bytes = (long) values.length * 8;
      for (String v : values) {
        // a String's object, array header and (Latin-1) characters, roughly
        bytes += v == null ? 0 : 40 + v.length();
      }
      return bytes;
    }
  }

  /** COUNT(DISTINCT x): a set of (group, value) pairs; strings are interned to ids first. */
  static final class CountDistinct extends Accumulator {
    private final BytesDictionary dictionary;
    private final KeyTable pairs = new KeyTable(2);
    private final long[] pair = new long[2];
    private final byte[][] scratch = {new byte[64]};
    private long[] counts = new long[0];
    /** Whether values are string ids. */
    private final boolean strings;

    CountDistinct(BytesDictionary dictionary, boolean strings) {
      this.dictionary = dictionary;
      this.strings = strings;
    }

    @Override
    protected void grow(int c) {
      counts = Arrays.copyOf(counts, c);
    }

    @Override
    void add(int g, ColumnReader arg, int row) {
      if (arg.isNull(row)) {
        return;
      }
      long v;
      if (arg.type == SqlType.VARCHAR) {
        int length = arg.getBytes(row, scratch);
        v = dictionary.intern(scratch[0], length);
      } else {
        v = arg.getLong(row);
      }
      accept(g, v);
    }

    private void accept(int g, long v) {
      pair[0] = g;
      pair[1] = v;
      pairs.findOrInsert(pair);
      if (pairs.lastInserted()) {
        counts[g]++;
      }
    }

    @Override
    void merge(int g, Accumulator other, int og) {
      KeyTable o = ((CountDistinct) other).pairs;
      for (int id = 0; id < o.size(); id++) {
        if (o.key(id, 0) == og) {
          accept(g, o.key(id, 1));
        }
      }
    }

    @Override
    void absorb(Accumulator other, int[] map, StringRemap remap) {
      // one pass over the pairs, not one per group
      KeyTable o = ((CountDistinct) other).pairs;
      for (int id = 0; id < o.size(); id++) {
        int g = map[(int) o.key(id, 0)];
        if (g >= 0) {
          long v = o.key(id, 1);
          accept(g, strings ? remap.map(v) : v);
        }
      }
    }

    @Override
    void write(int g, FieldVector out, int row) {
      ColumnWriter.setLong(out, SqlType.BIGINT, row, counts[g]);
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      // string values are ids in the owner's dictionary, which the owner writes
      pairs.writeState(out);
      out.writeLongs(counts, groups);
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      pairs.readState(in);
      in.readLongs(counts, groups);
    }

    @Override
    long sizeBytes() {
      return pairs.sizeBytes() + (long) counts.length * 8;
    }
  }
}
