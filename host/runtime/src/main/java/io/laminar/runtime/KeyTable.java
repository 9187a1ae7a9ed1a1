package io.laminar.runtime;

import java.io.IOException;
import java.util.Arrays;

/**
 * An open-addressing hash table from fixed-width tuples of longs to dense ids 0, 1, 2, … in
 * insertion order. Keys live in one flat {@code long[]}, so lookups never allocate.
 */
final class KeyTable {
  private final int width;
  private long[] keys;
  private int[] slots;
  private int size;
  private boolean lastInserted;

  KeyTable(int width) {
    this.width = width;
    this.keys = new long[Math.max(1, width) * 16];
    this.slots = new int[32];
  }

  int size() {
    return size;
  }

  /** Whether the last {@link #findOrInsert} added a new key. */
  boolean lastInserted() {
    return lastInserted;
  }

  /** The id of {@code key[0..width)}, adding it if new. */
  int findOrInsert(long[] key) {
    int mask = slots.length - 1;
    int idx = hash(key) & mask;
    while (true) {
      int s = slots[idx];
      if (s == 0) {
        lastInserted = true;
        return insert(idx, key);
      }
      if (equalsAt(s - 1, key)) {
        lastInserted = false;
        return s - 1;
      }
      idx = (idx + 1) & mask;
    }
  }

  /** Component {@code c} of key {@code id}. */
  long key(int id, int c) {
    return keys[id * width + c];
  }

  private boolean equalsAt(int id, long[] key) {
    int base = id * width;
    for (int c = 0; c < width; c++) {
      if (keys[base + c] != key[c]) {
        return false;
      }
    }
    return true;
  }

  private int insert(int idx, long[] key) {
    int id = size++;
    if ((id + 1) * width > keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
    }
    System.arraycopy(key, 0, keys, id * width, width);
    slots[idx] = id + 1;
    if (size * 2 > slots.length) {
      rehash();
    }
    return id;
  }

  private void rehash() {
    rebuildSlots(slots.length * 2);
  }

  private void rebuildSlots(int capacity) {
    int[] bigger = new int[capacity];
    int mask = bigger.length - 1;
    long[] key = new long[width];
    for (int id = 0; id < size; id++) {
      System.arraycopy(keys, id * width, key, 0, width);
      int idx = hash(key) & mask;
      while (bigger[idx] != 0) {
        idx = (idx + 1) & mask;
      }
      bigger[idx] = id + 1;
    }
    slots = bigger;
  }

  /** Approximate heap bytes held. */
  long sizeBytes() {
    return (long) keys.length * 8 + (long) slots.length * 4;
  }

  /** Writes the keys in id order; the hash slots are rebuilt on read. */
  void writeState(StateWriter out) throws IOException {
    out.writeInt(width);
    out.writeInt(size);
    out.writeLongs(keys, size * width);
  }

  /** Reads what {@link #writeState} wrote into this empty table; ids come back unchanged. */
  void readState(StateReader in) throws IOException {
    if (size != 0) {
      throw new IllegalStateException("restore into a non-empty key table");
    }
    int w = in.readInt();
    if (w != width) {
      throw new IOException("corrupt state: key width " + w + ", expected " + width);
    }
    int n = in.readCount("key count");
    if ((long) n * width > Integer.MAX_VALUE - 16) {
      throw new IOException("corrupt state: " + n + " keys of width " + width);
    }
    keys = new long[Math.max(keys.length, n * width)];
    in.readLongs(keys, n * width);
    size = n;
    int capacity = 32;
    while (size * 2 > capacity) {
      capacity <<= 1;
    }
    rebuildSlots(capacity);
  }

  private int hash(long[] key) {
    long h = 0x9E3779B97F4A7C15L;
    for (int c = 0; c < width; c++) {
      h = (h ^ key[c]) * 0xC2B2AE3D27D4EB4FL;
      h ^= h >>> 29;
    }
    return (int) (h ^ (h >>> 32));
  }
}
