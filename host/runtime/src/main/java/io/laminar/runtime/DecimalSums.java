package io.laminar.runtime;

import io.laminar.plan.AggCall;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;

/**
 * SUM and AVG of DECIMAL(p ≤ 18, s) arguments: the unscaled values are added into 128-bit totals (a
 * low and a high long per group), so no sum wraps around and taking a row back is exact. SUM's
 * result is DECIMAL(38, s); a total beyond 38 digits is an error. AVG is the total divided by the
 * count, HALF_UP at the result's scale.
 */
final class DecimalSums {
  private DecimalSums() {
  }

  /** Adds {@code v}, sign-extended, to the 128-bit total (highs[g], lows[g]). */
  static void add128(long[] lows, long[] highs, int g, long v) {
    long low = lows[g];
    long sum = low + v;
    // carry out of the low word (unsigned), plus the sign extension of v
    highs[g] += (v >> 63) + (Long.compareUnsigned(sum, low) < 0 ? 1 : 0);
    lows[g] = sum;
  }

  /** Subtracts {@code v}, sign-extended, from the 128-bit total (highs[g], lows[g]); exact for every long. */
  static void subtract128(long[] lows, long[] highs, int g, long v) {
    long low = lows[g];
    // borrow out of the low word (unsigned), minus the sign extension of v
    highs[g] -= (v >> 63) + (Long.compareUnsigned(low, v) < 0 ? 1 : 0);
    lows[g] = low - v;
  }

  /** The exact total of a 128-bit (high, low) pair. */
  static BigInteger total(long high, long low) {
    return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
  }

  /** The result of SUM (or AVG over {@code count} rows) of totals of scale {@code argScale} as {@code result}. */
  static BigDecimal result(long high, long low, long count, boolean average, int argScale, SqlType result,
      AggCall call) {
    BigDecimal v;
    if (high == (low >> 63)) {
      v = BigDecimal.valueOf(low, argScale);
    } else {
      v = new BigDecimal(total(high, low), argScale);
    }
    if (average) {
      v = v.divide(BigDecimal.valueOf(count), result.scale(), RoundingMode.HALF_UP);
    } else {
      v = v.setScale(result.scale(), RoundingMode.HALF_UP);
    }
    if (v.unscaledValue().abs().compareTo(Decimals.bigPow10(result.precision())) >= 0) {
      throw new ExpressionError("decimal overflow: the " + (average ? "AVG" : "SUM") + " of " + count + " values is "
          + v.toPlainString() + ", out of the range of " + result, call.origin());
    }
    return v;
  }

  /** The window aggregates' SUM/AVG of a DECIMAL of at most 18 digits. */
  static final class Sum extends Accumulator {
    private final AggCall call;
    private final boolean average;
    private final int argScale;
    private long[] lows = new long[0];
    private long[] highs = new long[0];
    private long[] counts = new long[0];

    Sum(AggCall call, boolean average) {
      this.call = call;
      this.average = average;
      this.argScale = call.argumentType().scale();
    }

    @Override
    protected void grow(int c) {
      lows = Arrays.copyOf(lows, c);
      highs = Arrays.copyOf(highs, c);
      counts = Arrays.copyOf(counts, c);
    }

    @Override
    void add(int g, ColumnReader arg, int row) {
      if (!arg.isNull(row)) {
        add128(lows, highs, g, arg.getLong(row));
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
          add128(lows, highs, g, values[i]);
          counts[g]++;
        }
      }
    }

    @Override
    void merge(int g, Accumulator other, int og) {
      Sum o = (Sum) other;
      long low = lows[g];
      long sum = low + o.lows[og];
      highs[g] += o.highs[og] + (Long.compareUnsigned(sum, low) < 0 ? 1 : 0);
      lows[g] = sum;
      counts[g] += o.counts[og];
    }

    @Override
    void write(int g, FieldVector out, int row) {
      if (counts[g] == 0) {
        ColumnWriter.setNull(out, row);
        return;
      }
      SqlType result = call.resultType();
      if (!average && highs[g] == (lows[g] >> 63) && result.scale() == argScale
          && result.precision() > Decimals.POW10.length) {
        // fits a long, and any long fits DECIMAL(19+, s): no BigDecimal on the common path
        ColumnWriter.setLong(out, result, row, lows[g]);
        return;
      }
      ColumnWriter.setDecimal(out, row, result(highs[g], lows[g], counts[g], average, argScale, result, call));
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      out.writeLongs(lows, groups);
      out.writeLongs(highs, groups);
      out.writeLongs(counts, groups);
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      in.readLongs(lows, groups);
      in.readLongs(highs, groups);
      in.readLongs(counts, groups);
    }

    @Override
    long sizeBytes() {
      return (long) lows.length * 24;
    }
  }

  /**
   * The updating GROUP BY's SUM/AVG of a DECIMAL of at most 18 digits; rows are taken back exactly.
   * Its results are long-encoded like every {@link Retractor}'s, so a SUM must fit 18 digits
   * (beyond that it is an error).
   */
  static final class Retracting extends Retractor {
    private final AggCall call;
    private final boolean average;
    private final int argScale;
    private long[] lows = new long[0];
    private long[] highs = new long[0];
    private long[] counts = new long[0];

    Retracting(AggCall call, boolean average) {
      this.call = call;
      this.average = average;
      this.argScale = call.argumentType().scale();
    }

    @Override
    protected void grow(int c) {
      lows = Arrays.copyOf(lows, c);
      highs = Arrays.copyOf(highs, c);
      counts = Arrays.copyOf(counts, c);
    }

    @Override
    void apply(int g, ColumnReader arg, int row, int sign) {
      if (arg.isNull(row)) {
        return;
      }
      long v = arg.getLong(row);
      if (sign < 0) {
        // |v| < 10^18, so negating never overflows
        v = -v;
      }
      add128(lows, highs, g, v);
      counts[g] += sign;
    }

    @Override
    boolean isNull(int g) {
      return counts[g] <= 0;
    }

    @Override
    long result(int g) {
      SqlType result = call.resultType();
      if (!average && highs[g] == (lows[g] >> 63) && result.scale() == argScale) {
        return lows[g];
      }
      BigDecimal v = DecimalSums.result(highs[g], lows[g], counts[g], average, argScale, result, call);
      if (v.unscaledValue().bitLength() > 63) {
        throw new ExpressionError("decimal overflow: the " + (average ? "AVG" : "SUM") + " " + v.toPlainString()
            + " of a GROUP BY without a window has more than the 18 digits it holds", call.origin());
      }
      return v.unscaledValue().longValue();
    }

    @Override
    void clear(int g) {
      lows[g] = 0;
      highs[g] = 0;
      counts[g] = 0;
    }

    @Override
    void move(int from, int to) {
      lows[to] = lows[from];
      highs[to] = highs[from];
      counts[to] = counts[from];
      clear(from);
    }

    @Override
    void copy(int g, Retractor other, int og, StringRemap strings) {
      Retracting o = (Retracting) other;
      lows[g] = o.lows[og];
      highs[g] = o.highs[og];
      counts[g] = o.counts[og];
    }

    @Override
    void writeState(StateWriter out, int groups) throws IOException {
      out.writeLongs(lows, groups);
      out.writeLongs(highs, groups);
      out.writeLongs(counts, groups);
    }

    @Override
    void readState(StateReader in, int groups) throws IOException {
      in.readLongs(lows, groups);
      in.readLongs(highs, groups);
      in.readLongs(counts, groups);
    }

    @Override
    long sizeBytes() {
      return (long) lows.length * 24;
    }
  }
}
