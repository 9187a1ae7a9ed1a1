package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.AggCall;
import io.laminar.plan.SqlType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.math.BigInteger;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.junit.jupiter.api.Test;

/**
 * The integer SUM/AVG accumulator against BigInteger: random values biased to the long range's
 * ends (so low words wrap both ways and totals cross zero often), added row by row and column-wide,
 * merged, and carried through a state round trip — every group's result must be the exact total,
 * or the overflow error when the total does not fit BIGINT.
 */
class SumLongOracleTest {
  private static final int GROUPS = 40;
  private static final int ROWS = 4000;

  @Test
  void sumAndAverageAreExactThroughAddMergeAndState() throws Exception {
    Random random = new Random(20261202);
    for (int round = 0; round < 20; round++) {
      try (RootAllocator allocator = new RootAllocator();
          BigIntVector values = new BigIntVector("v", allocator);
          BigIntVector sumOut = new BigIntVector("sum", allocator);
          BigIntVector avgOut = new BigIntVector("avg", allocator);
          Float8Vector floatAvgOut = new Float8Vector("favg", allocator)) {
        values.allocateNew(ROWS);
        int[] groups = new int[ROWS];
        int[] sel = new int[ROWS];
        BigInteger[] total = new BigInteger[GROUPS];
        long[] count = new long[GROUPS];
        java.util.Arrays.fill(total, BigInteger.ZERO);
        for (int r = 0; r < ROWS; r++) {
          long v = value(random);
          values.set(r, v);
          groups[r] = random.nextInt(GROUPS);
          sel[r] = r;
          total[groups[r]] = total[groups[r]].add(BigInteger.valueOf(v));
          count[groups[r]]++;
        }
        values.setValueCount(ROWS);
        ColumnReader reader = ColumnReader.of(values, SqlType.BIGINT);

        Accumulator.SumLong sum = sumLong(false);
        Accumulator.SumLong avg = sumLong(true);
        Accumulator.SumLong floatAvg = new Accumulator.SumLong(call(AggCall.Kind.AVG, SqlType.DOUBLE), true);
        Accumulator.SumLong[] halves = {sumLong(false), sumLong(false)};
        for (Accumulator a : new Accumulator[] {sum, avg, floatAvg, halves[0], halves[1]}) {
          a.ensure(GROUPS);
        }
        int split = ROWS / 2;
        sum.addBatch(groups, sel, split, reader, scratch());
        for (int r = split; r < ROWS; r++) {
          sum.add(groups[r], reader, r);
        }
        avg.addBatch(groups, sel, ROWS, reader, scratch());
        floatAvg.addBatch(groups, sel, ROWS, reader, scratch());
        for (int r = 0; r < ROWS; r++) {
          halves[r % 2].add(groups[r], reader, r);
        }
        Accumulator.SumLong merged = sumLong(false);
        merged.ensure(GROUPS);
        for (int g = 0; g < GROUPS; g++) {
          merged.merge(g, halves[0], g);
          merged.merge(g, halves[1], g);
        }
        Accumulator.SumLong restored = roundTrip(sum);
        // the checkpointed form is DecimalSums' (unsigned low word), as before the fast path
        long[] lows = new long[GROUPS];
        long[] highs = new long[GROUPS];
        for (int r = 0; r < ROWS; r++) {
          DecimalSums.add128(lows, highs, groups[r], values.get(r));
        }
        ByteArrayOutputStream expectedState = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(expectedState)) {
          StateWriter writer = new StateWriter(out);
          writer.writeLongs(lows, GROUPS);
          writer.writeLongs(highs, GROUPS);
          writer.writeLongs(count, GROUPS);
        }
        assertArrayEquals(expectedState.toByteArray(), state(sum), "state bytes");

        sumOut.allocateNew(GROUPS);
        avgOut.allocateNew(GROUPS);
        floatAvgOut.allocateNew(GROUPS);
        for (int g = 0; g < GROUPS; g++) {
          BigInteger expected = total[g];
          boolean fits = expected.bitLength() < 64;
          for (Accumulator.SumLong a : new Accumulator.SumLong[] {sum, merged, restored}) {
            int group = g;
            if (fits) {
              a.write(g, sumOut, g);
              assertEquals(expected.longValueExact(), sumOut.get(g), "SUM of group " + g);
            } else {
              ExpressionError e = assertThrows(ExpressionError.class, () -> a.write(group, sumOut, group));
              assertTrue(e.getMessage().contains(expected.toString()), e.getMessage());
            }
          }
          avg.write(g, avgOut, g);
          assertEquals(expected.divide(BigInteger.valueOf(count[g])).longValueExact(), avgOut.get(g), "AVG of group " + g);
          floatAvg.write(g, floatAvgOut, g);
          assertEquals(expected.doubleValue() / count[g], floatAvgOut.get(g), Math.ulp(floatAvgOut.get(g)) * 4,
              "floating AVG of group " + g);
        }
      }
    }
  }

  /** Mostly values near Long.MIN_VALUE / MAX_VALUE, some small ones of either sign. */
  private static long value(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> Long.MAX_VALUE - random.nextInt(1000);
      case 1 -> Long.MIN_VALUE + random.nextInt(1000);
      case 2 -> random.nextLong();
      default -> random.nextInt(2001) - 1000;
    };
  }

  private static BatchScratch scratch() {
    BatchScratch scratch = new BatchScratch();
    scratch.ensure(ROWS, 0);
    return scratch;
  }

  private static AggCall call(AggCall.Kind kind, SqlType result) {
    return new AggCall(kind, 0, false, SqlType.BIGINT, result, kind.name().toLowerCase());
  }

  private static Accumulator.SumLong sumLong(boolean average) {
    return new Accumulator.SumLong(call(average ? AggCall.Kind.AVG : AggCall.Kind.SUM, SqlType.BIGINT), average);
  }

  private static byte[] state(Accumulator.SumLong a) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      a.writeState(new StateWriter(out), GROUPS);
    }
    return bytes.toByteArray();
  }

  private static Accumulator.SumLong roundTrip(Accumulator.SumLong a) throws Exception {
    Accumulator.SumLong back = sumLong(false);
    back.ensure(GROUPS);
    back.readState(new StateReader(new DataInputStream(new ByteArrayInputStream(state(a)))), GROUPS);
    return back;
  }
}
