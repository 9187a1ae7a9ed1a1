package io.laminar.runtime;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes operator state to a stream: scalars as {@link DataOutputStream} does (big-endian), arrays
 * in bulk through one reusable 64 KiB buffer, so a large state streams without ever being held as
 * one byte array. {@link StateReader} reads it back.
 */
final class StateWriter {
  private static final int CHUNK = 1 << 16;
  private final DataOutputStream out;
  private final ByteBuffer scratch = ByteBuffer.allocate(CHUNK);

  StateWriter(DataOutputStream out) {
    this.out = out;
  }

  void writeBoolean(boolean v) throws IOException {
    out.writeBoolean(v);
  }

  void writeInt(int v) throws IOException {
    out.writeInt(v);
  }

  void writeLong(long v) throws IOException {
    out.writeLong(v);
  }

  /** A length-prefixed UTF-8 string; null is written as length -1. */
  void writeString(String s) throws IOException {
    if (s == null) {
      writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeInt(b.length);
    writeBytes(b, 0, b.length);
  }

  void writeBytes(byte[] b, int offset, int length) throws IOException {
    out.write(b, offset, length);
  }

  /** {@code a[0..n)}, without a length (the reader knows it). */
  void writeLongs(long[] a, int n) throws IOException {
    for (int from = 0; from < n; from += CHUNK / 8) {
      int k = Math.min(CHUNK / 8, n - from);
      scratch.clear();
      scratch.asLongBuffer().put(a, from, k);
      out.write(scratch.array(), 0, k * 8);
    }
  }

  /** {@code a[0..n)}, without a length. */
  void writeInts(int[] a, int n) throws IOException {
    for (int from = 0; from < n; from += CHUNK / 4) {
      int k = Math.min(CHUNK / 4, n - from);
      scratch.clear();
      scratch.asIntBuffer().put(a, from, k);
      out.write(scratch.array(), 0, k * 4);
    }
  }

  /** {@code a[0..n)}, without a length. */
  void writeDoubles(double[] a, int n) throws IOException {
    for (int from = 0; from < n; from += CHUNK / 8) {
      int k = Math.min(CHUNK / 8, n - from);
      scratch.clear();
      scratch.asDoubleBuffer().put(a, from, k);
      out.write(scratch.array(), 0, k * 8);
    }
  }

  /** {@code a[0..n)} one byte each, without a length. */
  void writeBooleans(boolean[] a, int n) throws IOException {
    byte[] b = scratch.array();
    for (int from = 0; from < n; from += CHUNK) {
      int k = Math.min(CHUNK, n - from);
      for (int i = 0; i < k; i++) {
        b[i] = (byte) (a[from + i] ? 1 : 0);
      }
      out.write(b, 0, k);
    }
  }
}
