package io.laminar.runtime;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link StateWriter} wrote. A stream that ends early surfaces as
 * {@link java.io.EOFException}; a count that cannot be right (negative) as {@link IOException}.
 */
final class StateReader {
  private static final int CHUNK = 1 << 16;
  private final DataInputStream in;
  private final ByteBuffer scratch = ByteBuffer.allocate(CHUNK);

  StateReader(DataInputStream in) {
    this.in = in;
  }

  boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  int readInt() throws IOException {
    return in.readInt();
  }

  long readLong() throws IOException {
    return in.readLong();
  }

  /** A count or size, rejected if negative (a sign of a corrupt or misaligned stream). */
  int readCount(String what) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt state: negative " + what + " (" + n + ")");
    }
    return n;
  }

  /** A string written by {@link StateWriter#writeString}, possibly null. */
  String readString() throws IOException {
    int n = in.readInt();
    if (n == -1) {
      return null;
    }
    if (n < 0) {
      throw new IOException("corrupt state: negative string length (" + n + ")");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  void readBytes(byte[] b, int offset, int length) throws IOException {
    in.readFully(b, offset, length);
  }

  /** Fills {@code a[0..n)}. */
  void readLongs(long[] a, int n) throws IOException {
    for (int from = 0; from < n; from += CHUNK / 8) {
      int k = Math.min(CHUNK / 8, n - from);
      in.readFully(scratch.array(), 0, k * 8);
      scratch.clear();
      scratch.asLongBuffer().get(a, from, k);
    }
  }

  /** Fills {@code a[0..n)}. */
  void readInts(int[] a, int n) throws IOException {
    for (int from = 0; from < n; from += CHUNK / 4) {
      int k = Math.min(CHUNK / 4, n - from);
      in.readFully(scratch.array(), 0, k * 4);
      scratch.clear();
      scratch.asIntBuffer().get(a, from, k);
    }
  }

  /** Fills {@code a[0..n)}. */
  void readDoubles(double[] a, int n) throws IOException {
    for (int from = 0; from < n; from += CHUNK / 8) {
      int k = Math.min(CHUNK / 8, n - from);
      in.readFully(scratch.array(), 0, k * 8);
      scratch.clear();
      scratch.asDoubleBuffer().get(a, from, k);
    }
  }

  /** Fills {@code a[0..n)}. */
  void readBooleans(boolean[] a, int n) throws IOException {
    byte[] b = scratch.array();
    for (int from = 0; from < n; from += CHUNK) {
      int k = Math.min(CHUNK, n - from);
      in.readFully(b, 0, k);
      for (int i = 0; i < k; i++) {
        a[from + i] = b[i] != 0;
      }
    }
  }
}
