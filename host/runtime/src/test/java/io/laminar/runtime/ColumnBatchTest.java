package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.SqlType;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batch readers read selected rows by address: same values as the row readers, rows outside refused. */
class ColumnBatchTest {
  private final RootAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private static String value(int r) {
    // lengths 0..12: both sides of the packed short-string path
    return "x".repeat(r % 13) + (r % 3 == 0 ? "" : Integer.toString(r % 7));
  }

  @Test
  void internsSelectedStringsOfEveryLengthAsTheirBytes() {
    try (VarCharVector v = new VarCharVector("s", allocator)) {
      int rows = 300;
      v.allocateNew(rows);
      for (int r = 0; r < rows; r++) {
        if (r % 11 == 5) {
          v.setNull(r);
        } else {
          v.setSafe(r, value(r).getBytes(StandardCharsets.UTF_8));
        }
      }
      v.setValueCount(rows);
      int[] sel = new int[rows / 2];
      for (int i = 0; i < sel.length; i++) {
        sel[i] = (i * 7) % rows;
      }
      boolean[] nulls = new boolean[sel.length];
      assertTrue(ColumnBatch.nulls(v, sel, sel.length, nulls));
      BytesDictionary dictionary = new BytesDictionary();
      long[] ids = new long[sel.length];
      ColumnBatch.intern(v, sel, sel.length, nulls, dictionary, ids, new byte[][] {new byte[1]});
      for (int i = 0; i < sel.length; i++) {
        assertEquals(sel[i] % 11 == 5, nulls[i], "row " + sel[i]);
        if (!nulls[i]) {
          byte[] b = value(sel[i]).getBytes(StandardCharsets.UTF_8);
          assertEquals(dictionary.intern(b, b.length), ids[i], "row " + sel[i]);
          int id = (int) ids[i];
          assertEquals(value(sel[i]), new String(dictionary.arena(), dictionary.start(id), dictionary.length(id),
              StandardCharsets.UTF_8));
        }
      }
    }
  }

  @Test
  void readsSelectedNumbersAndRefusesRowsOutsideTheVector() {
    try (BigIntVector big = new BigIntVector("b", allocator); IntVector small = new IntVector("i", allocator);
        Float8Vector d = new Float8Vector("d", allocator); VarCharVector s = new VarCharVector("s", allocator)) {
      int rows = 100;
      big.allocateNew(rows);
      small.allocateNew(rows);
      d.allocateNew(rows);
      s.allocateNew(rows);
      for (int r = 0; r < rows; r++) {
        big.set(r, r * 1_000_000_007L);
        small.set(r, -r);
        d.set(r, r / 4.0);
        s.setSafe(r, value(r).getBytes(StandardCharsets.UTF_8));
      }
      big.setValueCount(rows);
      small.setValueCount(rows);
      d.setValueCount(rows);
      s.setValueCount(rows);
      int[] sel = {99, 0, 42, 42, 7};
      long[] out = new long[sel.length];
      ColumnBatch.longs(big, SqlType.BIGINT, sel, sel.length, out);
      assertArrayEquals(new long[] {99 * 1_000_000_007L, 0, 42 * 1_000_000_007L, 42 * 1_000_000_007L, 7 * 1_000_000_007L},
          out);
      ColumnBatch.longs(small, SqlType.INT, sel, sel.length, out);
      assertArrayEquals(new long[] {-99, 0, -42, -42, -7}, out);
      double[] doubles = new double[sel.length];
      ColumnBatch.doubles(d, SqlType.DOUBLE, sel, sel.length, doubles);
      assertArrayEquals(new double[] {24.75, 0, 10.5, 10.5, 1.75}, doubles);
      assertFalse(ColumnBatch.nulls(big, sel, sel.length, new boolean[sel.length]));
      for (int[] outside : new int[][] {{3, rows}, {-1, 2}}) {
        assertThrows(IndexOutOfBoundsException.class, () -> ColumnBatch.longs(big, SqlType.BIGINT, outside, 2, out));
        assertThrows(IndexOutOfBoundsException.class, () -> ColumnBatch.doubles(d, SqlType.DOUBLE, outside, 2, doubles));
        assertThrows(IndexOutOfBoundsException.class, () -> ColumnBatch.intern(s, outside, 2, null,
            new BytesDictionary(), out, new byte[][] {new byte[1]}));
      }
    }
  }
}
