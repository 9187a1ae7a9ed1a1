package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatherTest {
  private final RootAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  @Test
  void selectedFixedWidthRowsKeepTheirValuesAndNulls() {
    try (Float8Vector src = new Float8Vector("d", allocator); Float8Vector dst = new Float8Vector("d", allocator);
        IntVector ints = new IntVector("i", allocator); IntVector intsOut = new IntVector("i", allocator)) {
      src.allocateNew(20);
      ints.allocateNew(20);
      for (int r = 0; r < 20; r++) {
        if (r % 3 == 0) {
          src.setNull(r);
          ints.setNull(r);
        } else {
          src.set(r, r * 1.5);
          ints.set(r, -r);
        }
      }
      src.setValueCount(20);
      ints.setValueCount(20);
      int[] sel = {19, 3, 4, 4, 0, 11, 10, 1, 2, 18, 17};
      Gather.rows(src, dst, sel, sel.length);
      Gather.rows(ints, intsOut, sel, sel.length);
      dst.setValueCount(sel.length);
      intsOut.setValueCount(sel.length);
      for (int k = 0; k < sel.length; k++) {
        assertEquals(src.isNull(sel[k]), dst.isNull(k), "null at " + k);
        assertEquals(ints.isNull(sel[k]), intsOut.isNull(k), "null at " + k);
        if (!src.isNull(sel[k])) {
          assertEquals(src.get(sel[k]), dst.get(k));
          assertEquals(ints.get(sel[k]), intsOut.get(k));
        }
      }
    }
  }

  @Test
  void allRowsCopyKeepsValuesAndNullsWithNothingSetPastTheEnd() {
    try (IntVector src = new IntVector("i", allocator); IntVector dst = new IntVector("i", allocator)) {
      src.allocateNew(13);
      for (int r = 0; r < 13; r++) {
        src.set(r, r * 7);
      }
      src.setNull(5);
      src.setValueCount(13);
      Gather.rows(src, dst, null, 13);
      dst.setValueCount(13);
      assertEquals(1, dst.getNullCount());
      for (int r = 0; r < 13; r++) {
        assertEquals(src.isNull(r), dst.isNull(r));
        if (!src.isNull(r)) {
          assertEquals(r * 7, dst.get(r));
        }
      }
      assertEquals(0, dst.getValidityBuffer().getByte(1) & 0xE0, "bits past the last row stay clear");
    }
  }

  @Test
  void stringsOfEveryLengthAreGatheredExactly() {
    String[] values = {"a", "", "exactly8", "seven77", "a string well over eight bytes long", null, "ключ", "z"};
    try (VarCharVector src = strings(values); VarCharVector dst = new VarCharVector("s", allocator)) {
      // the last row's value ends at the end of the data buffer: short reads must not run past it
      int[] sel = {7, 0, 2, 2, 5, 4, 1, 6, 3, 7};
      Gather.rows(src, dst, sel, sel.length);
      dst.setValueCount(sel.length);
      for (int k = 0; k < sel.length; k++) {
        String expected = values[sel[k]];
        assertEquals(expected == null, dst.isNull(k), "null at " + k);
        if (expected != null) {
          assertEquals(expected, new String(dst.get(k), StandardCharsets.UTF_8));
        }
      }
    }
  }

  @Test
  void allStringsCopyMatchesTheSource() {
    String[] values = {"first", null, "", "a string well over eight bytes long", "last"};
    try (VarCharVector src = strings(values); VarCharVector dst = new VarCharVector("s", allocator)) {
      Gather.rows(src, dst, null, values.length);
      dst.setValueCount(values.length);
      for (int r = 0; r < values.length; r++) {
        assertEquals(values[r] == null, dst.isNull(r));
        if (values[r] != null) {
          assertArrayEquals(values[r].getBytes(StandardCharsets.UTF_8), dst.get(r));
        }
      }
    }
  }

  @Test
  void booleansAreGatheredWithNulls() {
    try (BitVector src = new BitVector("b", allocator); BitVector dst = new BitVector("b", allocator)) {
      src.allocateNew(4);
      src.set(0, 1);
      src.set(1, 0);
      src.setNull(2);
      src.set(3, 1);
      src.setValueCount(4);
      Gather.rows(src, dst, new int[] {3, 2, 1, 0}, 4);
      dst.setValueCount(4);
      assertEquals(1, dst.get(0));
      assertTrue(dst.isNull(1));
      assertEquals(0, dst.get(2));
      assertEquals(1, dst.get(3));
    }
  }

  private VarCharVector strings(String[] values) {
    VarCharVector v = new VarCharVector("s", allocator);
    v.allocateNew();
    for (int r = 0; r < values.length; r++) {
      if (values[r] == null) {
        v.setNull(r);
      } else {
        v.setSafe(r, values[r].getBytes(StandardCharsets.UTF_8));
      }
    }
    v.setValueCount(values.length);
    return v;
  }
}
