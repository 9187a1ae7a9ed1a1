package io.laminar.runtime;

import java.io.IOException;
import java.util.Arrays;

/**
 * Interns strings as UTF-8 bytes to dense ids, so string group keys become longs without creating a
 * Java object per row. Bytes live in one growing arena.
 */
final class BytesDictionary {
  private byte[] arena = new byte[1024];
  private int used;
  private int[] offsets = new int[17];
  private int[] slots = new int[32];
  private int size;

  /** The id of {@code bytes[0..length)}, adding it if new. */
  int intern(byte[] bytes, int length) {
    int mask = slots.length - 1;
    int h = hash(bytes, 0, length);
    int idx = h & mask;
    while (true) {
      int s = slots[idx];
      if (s == 0) {
        return insert(idx, bytes, length);
      }
      int id = s - 1;
      if (Arrays.equals(arena, offsets[id], offsets[id + 1], bytes, 0, length)) {
        return id;
      }
      idx = (idx + 1) & mask;
    }
  }

  byte[] arena() {
    return arena;
  }

  int start(int id) {
    return offsets[id];
  }

  int length(int id) {
    return offsets[id + 1] - offsets[id];
  }

  private int insert(int idx, byte[] bytes, int length) {
    int id = size++;
    while (used + length > arena.length) {
      arena = Arrays.copyOf(arena, arena.length * 2);
    }
    System.arraycopy(bytes, 0, arena, used, length);
    used += length;
    if (id + 2 > offsets.length) {
      offsets = Arrays.copyOf(offsets, offsets.length * 2);
    }
    offsets[id + 1] = used;
    slots[idx] = id + 1;
    if (size * 2 > slots.length) {
      rebuildSlots(slots.length * 2);
    }
    return id;
  }

  private void rebuildSlots(int capacity) {
    int[] bigger = new int[capacity];
    int mask = bigger.length - 1;
    for (int i = 0; i < size; i++) {
      int j = hash(arena, offsets[i], offsets[i + 1] - offsets[i]) & mask;
      while (bigger[j] != 0) {
        j = (j + 1) & mask;
      }
      bigger[j] = i + 1;
    }
    slots = bigger;
  }

  /** Approximate heap bytes held. */
  long sizeBytes() {
    return arena.length + (long) offsets.length * 4 + (long) slots.length * 4;
  }

  /** Writes the strings in id order; the hash slots are rebuilt on read. */
  void writeState(StateWriter out) throws IOException {
    out.writeInt(size);
    out.writeInts(offsets, size + 1);
    out.writeBytes(arena, 0, used);
  }

  /** Reads what {@link #writeState} wrote into this empty dictionary; ids come back unchanged. */
  void readState(StateReader in) throws IOException {
    if (size != 0) {
      throw new IllegalStateException("restore into a non-empty dictionary");
    }
    int n = in.readCount("dictionary size");
    int[] o = new int[Math.max(offsets.length, n + 2)];
    in.readInts(o, n + 1);
    int bytes = o[n];
    if (o[0] != 0 || bytes < 0) {
      throw new IOException("corrupt state: dictionary offsets");
    }
    byte[] a = new byte[Math.max(arena.length, bytes)];
    in.readBytes(a, 0, bytes);
    offsets = o;
    arena = a;
    used = bytes;
    size = n;
    int capacity = 32;
    while (size * 2 > capacity) {
      capacity <<= 1;
    }
    rebuildSlots(capacity);
  }

  private static int hash(byte[] b, int from, int length) {
    int h = 0x811C9DC5;
    for (int i = from; i < from + length; i++) {
      h = (h ^ b[i]) * 0x01000193;
    }
    return h ^ (h >>> 16);
  }
}
