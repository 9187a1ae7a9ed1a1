package io.laminar.runtime;

import java.util.Arrays;

/**
 * Translates string ids of one {@link BytesDictionary} (a snapshot being taken over) into ids of
 * another (the state taking it over), interning each string there the first time it is asked for, so
 * only strings of state that is kept are added.
 */
final class StringRemap {
  private final BytesDictionary from;
  private final BytesDictionary to;
  private int[] ids;
  private byte[] scratch = new byte[64];

  StringRemap(BytesDictionary from, BytesDictionary to) {
    this.from = from;
    this.to = to;
    this.ids = new int[0];
  }

  /** The id in the target dictionary of string {@code id} of the source dictionary. */
  long map(long id) {
    int i = (int) id;
    if (i >= ids.length) {
      int old = ids.length;
      ids = Arrays.copyOf(ids, Math.max(i + 1, Math.max(16, old * 2)));
      Arrays.fill(ids, old, ids.length, -1);
    }
    int mapped = ids[i];
    if (mapped < 0) {
      int length = from.length(i);
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      System.arraycopy(from.arena(), from.start(i), scratch, 0, length);
      mapped = to.intern(scratch, length);
      ids[i] = mapped;
    }
    return mapped;
  }

  /** The hash {@code h} with string {@code id} of the source dictionary folded in as {@link Partitioner} folds it. */
  long foldKey(long h, long id) {
    int i = (int) id;
    return Partitioner.foldBytes(h, from.arena(), from.start(i), from.length(i));
  }
}
