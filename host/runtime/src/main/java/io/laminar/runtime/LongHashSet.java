package io.laminar.runtime;

import java.util.Arrays;

/**
 * An immutable set of longs in one open-addressing array: what generated code probes for
 * {@code x IN (v1, …, vn)} over numbers, one hash and usually one comparison per row.
 */
public final class LongHashSet {
  private static final long EMPTY = 0L;
  private final long[] slots;
  private final int mask;
  private final boolean hasZero;

  /** A set of {@code values} (duplicates allowed). */
  public LongHashSet(long[] values) {
    int capacity = Integer.highestOneBit(Math.max(4, values.length * 2 - 1)) << 1;
    slots = new long[capacity];
    mask = capacity - 1;
    boolean zero = false;
    for (long v : values) {
      if (v == EMPTY) {
        zero = true;
        continue;
      }
      int i = slot(v);
      while (slots[i] != EMPTY && slots[i] != v) {
        i = (i + 1) & mask;
      }
      slots[i] = v;
    }
    hasZero = zero;
  }

  private int slot(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** Whether {@code v} is in the set. */
  public boolean contains(long v) {
    if (v == EMPTY) {
      return hasZero;
    }
    int i = slot(v);
    long s;
    while ((s = slots[i]) != EMPTY) {
      if (s == v) {
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  @Override
  public String toString() {
    return "LongHashSet" + Arrays.toString(Arrays.stream(slots).filter(v -> v != EMPTY).sorted().toArray())
        + (hasZero ? "+0" : "");
  }
}
