package io.laminar.runtime;

import java.io.IOException;
import java.util.Arrays;

/**
 * Interns strings as UTF-8 bytes to dense ids, so string group keys become longs without creating a
 * Java object per row. Bytes live in one growing arena.
 */
final class BytesDictionary {
  /** Strings up to this many UTF-8 bytes can be looked up packed in a long ({@link #internShort}). */
  static final int SHORT_MAX = 7;

  private byte[] arena = new byte[1024];
  private int used;
  private int[] offsets = new int[17];
  private int[] slots = new int[32];
  private int size;
  /**
   * A cache in front of the arena for short strings: packed bytes → id + 1 (0 = empty slot), so
   * the common short key costs one long hash probe. Not persisted; it refills as strings recur.
   */
  private long[] shortKeys = new long[32];
  private int[] shortIds = new int[32];
  private int shortSize;

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

  /**
   * The id of a string of at most {@link #SHORT_MAX} bytes given packed: byte i in bits
   * {@code 8i..8i+7}, the length in bits 56..63. Adds it if new.
   */
  int internShort(long packed) {
    // the probe only, small enough to be inlined into the caller's loop; a miss goes out of line
    long[] keys = shortKeys;
    int[] ids = shortIds;
    int mask = keys.length - 1;
    int idx = mix(packed) & mask;
    int s;
    while ((s = ids[idx]) != 0) {
      if (keys[idx] == packed) {
        return s - 1;
      }
      idx = (idx + 1) & mask;
    }
    return addShort(packed, idx);
  }

  /** A short string not in the cache yet: interns its bytes and caches it at empty slot {@code idx}. */
  private int addShort(long packed, int idx) {
    int length = (int) (packed >>> 56);
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (packed >>> (i << 3));
    }
    int id = intern(bytes, length);
    shortKeys[idx] = packed;
    shortIds[idx] = id + 1;
    if (++shortSize * 2 > shortKeys.length) {
      growShort();
    }
    return id;
  }

  private void growShort() {
    long[] keys = new long[shortKeys.length * 2];
    int[] ids = new int[keys.length];
    int mask = keys.length - 1;
    for (int i = 0; i < shortKeys.length; i++) {
      if (shortIds[i] != 0) {
        int idx = mix(shortKeys[i]) & mask;
        while (ids[idx] != 0) {
          idx = (idx + 1) & mask;
        }
        keys[idx] = shortKeys[i];
        ids[idx] = shortIds[i];
      }
    }
    shortKeys = keys;
    shortIds = ids;
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
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
    return arena.length + (long) offsets.length * 4 + (long) slots.length * 4 + (long) shortKeys.length * 12;
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
