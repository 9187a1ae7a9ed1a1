package io.laminar.runtime;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * Reads and writes fixed-width vector values by address, for generated loops (public because
 * generated code calls it). The caller takes a vector's addresses once per batch through
 * {@link #data} and {@link #validity}, which check there that the buffers hold every row the loop
 * will touch; the per-row accessors then do no bounds or reference-count check, which the
 * {@code ArrowBuf} accessors repeat for every value.
 */
public final class Direct {
  private Direct() {
  }

  /**
   * Allocates {@code v} (new, fixed-width, {@code width} bytes per value) for {@code rows} values
   * written through {@link #data}: a data buffer of exactly that size, not cleared (the loop writes
   * every row it keeps), and a cleared validity buffer, so a row never written is NULL. Unlike
   * {@code allocateNew} it does not round up to twice the size and clear all of it.
   */
  public static void allocate(FieldVector v, int rows, int width) {
    BufferAllocator allocator = v.getAllocator();
    try (ArrowBuf data = allocator.buffer(Math.max(1L, (long) rows * width))) {
      // an empty validity buffer and every row NULL: Arrow's loader makes a cleared one; v retains data
      v.loadFieldBuffers(new ArrowFieldNode(rows, rows), List.of(allocator.getEmpty(), data));
    }
  }

  /** The data buffer's address of {@code v}, checked to hold {@code rows} values of {@code width} bytes. */
  public static long data(FieldVector v, int rows, int width) {
    ArrowBuf data = v.getDataBuffer();
    long need = (long) rows * width;
    if (data.capacity() < need) {
      throw new IllegalStateException("vector '" + v.getName() + "' has " + data.capacity() + " data bytes for "
          + rows + " rows of " + width + " bytes");
    }
    return data.memoryAddress();
  }

  /** The validity buffer's address of {@code v}, checked to hold {@code rows} bits. */
  public static long validity(FieldVector v, int rows) {
    ArrowBuf validity = v.getValidityBuffer();
    long need = (rows + 7L) >>> 3;
    if (validity.capacity() < need) {
      throw new IllegalStateException("vector '" + v.getName() + "' has " + validity.capacity()
          + " validity bytes for " + rows + " rows");
    }
    return validity.memoryAddress();
  }

  /** Whether rows {@code 0..rows)} of {@code v} may hold a NULL (false: none does, the loop skips the bit test). */
  public static boolean mayHaveNulls(FieldVector v, int rows) {
    return !Gather.noNulls(v.getValidityBuffer(), rows);
  }

  public static boolean isNull(long validity, int row) {
    return (MemoryUtil.getByte(validity + (row >>> 3)) & (1 << (row & 7))) == 0;
  }

  /** Marks {@code row} non-null. */
  public static void setValid(long validity, int row) {
    long at = validity + (row >>> 3);
    MemoryUtil.putByte(at, (byte) (MemoryUtil.getByte(at) | (1 << (row & 7))));
  }

  public static long getLong(long data, int row) {
    return MemoryUtil.getLong(data + ((long) row << 3));
  }

  public static int getInt(long data, int row) {
    return MemoryUtil.getInt(data + ((long) row << 2));
  }

  public static double getDouble(long data, int row) {
    return Double.longBitsToDouble(MemoryUtil.getLong(data + ((long) row << 3)));
  }

  public static float getFloat(long data, int row) {
    return Float.intBitsToFloat(MemoryUtil.getInt(data + ((long) row << 2)));
  }

  public static void putLong(long data, int row, long value) {
    MemoryUtil.putLong(data + ((long) row << 3), value);
  }

  public static void putInt(long data, int row, int value) {
    MemoryUtil.putInt(data + ((long) row << 2), value);
  }

  /** As {@code ArrowBuf.setDouble}: the raw bits. */
  public static void putDouble(long data, int row, double value) {
    MemoryUtil.putLong(data + ((long) row << 3), Double.doubleToRawLongBits(value));
  }

  public static void putFloat(long data, int row, float value) {
    MemoryUtil.putInt(data + ((long) row << 2), Float.floatToRawIntBits(value));
  }
}
