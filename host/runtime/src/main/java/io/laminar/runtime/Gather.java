package io.laminar.runtime;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Copies rows of one vector into a new vector of the same type in bulk, straight between the
 * Arrow buffers: one allocation of the exact size, no per-row {@code setSafe}, no Java objects.
 * Used for columns passed through unchanged by filters, projections and window assignment
 * (public because generated code calls it).
 */
public final class Gather {
  private Gather() {
  }

  /**
   * Allocates {@code dst} and fills its rows {@code 0..count)} with rows {@code sel[0..count)} of
   * {@code src} (rows may repeat); {@code sel == null} means rows {@code 0..count)}. Does not set
   * the value count.
   */
  public static void rows(FieldVector src, FieldVector dst, int[] sel, int count) {
    if (src instanceof BaseVariableWidthVector s) {
      variableWidth(s, (BaseVariableWidthVector) dst, sel, count);
    } else if (src instanceof BitVector s) {
      bits(s, (BitVector) dst, sel, count);
    } else {
      fixedWidth((BaseFixedWidthVector) src, (BaseFixedWidthVector) dst, sel, count);
    }
  }

  /**
   * Makes {@code dst} (new, unallocated, of {@code src}'s type) hold rows {@code 0..count)} of
   * {@code src} without copying: a slice sharing {@code src}'s buffers, reference counted, so either
   * vector may be closed first (as {@link UnionOperator} shares its input). For a column a
   * projection without a filter passes through unchanged; neither vector may be written afterwards.
   */
  public static void share(FieldVector src, FieldVector dst, int count) {
    src.makeTransferPair(dst).splitAndTransfer(0, count);
  }

  private static void fixedWidth(BaseFixedWidthVector src, BaseFixedWidthVector dst, int[] sel, int count) {
    dst.allocateNew(Math.max(count, 1));
    int width = src.getTypeWidth();
    ArrowBuf from = src.getDataBuffer();
    ArrowBuf to = dst.getDataBuffer();
    if (sel == null) {
      to.setBytes(0, from, 0, (long) count * width);
    } else if (width == 8) {
      for (int k = 0; k < count; k++) {
        to.setLong((long) k << 3, from.getLong((long) sel[k] << 3));
      }
    } else if (width == 4) {
      for (int k = 0; k < count; k++) {
        to.setInt((long) k << 2, from.getInt((long) sel[k] << 2));
      }
    } else {
      for (int k = 0; k < count; k++) {
        to.setBytes((long) k * width, from, (long) sel[k] * width, width);
      }
    }
    validity(src, dst.getValidityBuffer(), sel, count);
  }

  private static void variableWidth(BaseVariableWidthVector src, BaseVariableWidthVector dst, int[] sel, int count) {
    ArrowBuf offsets = src.getOffsetBuffer();
    ArrowBuf from = src.getDataBuffer();
    if (sel == null) {
      int base = count == 0 ? 0 : offsets.getInt(0);
      int bytes = count == 0 ? 0 : offsets.getInt((long) count << 2) - base;
      dst.allocateNew(Math.max(bytes, 1), Math.max(count, 1));
      ArrowBuf toOffsets = dst.getOffsetBuffer();
      dst.getDataBuffer().setBytes(0, from, base, bytes);
      if (base == 0) {
        toOffsets.setBytes(0, offsets, 0, (long) (count + 1) << 2);
      } else {
        for (int k = 0; k <= count; k++) {
          toOffsets.setInt((long) k << 2, offsets.getInt((long) k << 2) - base);
        }
      }
    } else {
      long bytes = 0;
      for (int k = 0; k < count; k++) {
        long at = (long) sel[k] << 2;
        bytes += offsets.getInt(at + 4) - offsets.getInt(at);
      }
      // 8 bytes of slack let short values be copied as one long
      dst.allocateNew(bytes + 8, Math.max(count, 1));
      ArrowBuf to = dst.getDataBuffer();
      ArrowBuf toOffsets = dst.getOffsetBuffer();
      long fromCapacity = from.capacity();
      long toCapacity = to.capacity();
      int pos = 0;
      toOffsets.setInt(0, 0);
      for (int k = 0; k < count; k++) {
        long at = (long) sel[k] << 2;
        int start = offsets.getInt(at);
        int length = offsets.getInt(at + 4) - start;
        if (length <= 8 && start + 8L <= fromCapacity && pos + 8L <= toCapacity) {
          // most keys are short: one 8-byte move beats a general memory copy; the bytes past
          // length are overwritten by the next value or lie beyond the end
          to.setLong(pos, from.getLong(start));
        } else {
          to.setBytes(pos, from, start, length);
        }
        pos += length;
        toOffsets.setInt((long) (k + 1) << 2, pos);
      }
    }
    validity(src, dst.getValidityBuffer(), sel, count);
    dst.setLastSet(count - 1);
  }

  private static void bits(BitVector src, BitVector dst, int[] sel, int count) {
    dst.allocateNew(Math.max(count, 1));
    for (int k = 0; k < count; k++) {
      int r = sel == null ? k : sel[k];
      if (!src.isNull(r)) {
        dst.set(k, src.get(r));
      }
    }
  }

  /** Marks rows {@code 0..count)} of a validity buffer non-null (and leaves the bits after them clear). */
  static void allValid(ArrowBuf validity, int count) {
    int fullBytes = count >>> 3;
    int tail = count & 7;
    int i = 0;
    for (; i + 8 <= fullBytes; i += 8) {
      validity.setLong(i, -1L);
    }
    for (; i < fullBytes; i++) {
      validity.setByte(i, 0xFF);
    }
    if (tail != 0) {
      validity.setByte(fullBytes, (1 << tail) - 1);
    }
  }

  /**
   * Whether rows {@code 0..count)} are all non-null, reading the validity buffer a long at a time
   * (cheaper than {@code getNullCount()}, which counts every bit).
   */
  static boolean noNulls(ArrowBuf validity, int count) {
    int longs = count >>> 6;
    for (int i = 0; i < longs; i++) {
      if (validity.getLong((long) i << 3) != -1L) {
        return false;
      }
    }
    for (int r = longs << 6; r < count; r++) {
      if (((validity.getByte(r >>> 3) >>> (r & 7)) & 1) == 0) {
        return false;
      }
    }
    return true;
  }

  /** Writes the validity bits of rows {@code 0..count)}, a byte at a time. */
  private static void validity(FieldVector src, ArrowBuf to, int[] sel, int count) {
    int fullBytes = count >>> 3;
    int tail = count & 7;
    ArrowBuf from = src.getValidityBuffer();
    if (noNulls(from, src.getValueCount())) {
      allValid(to, count);
      return;
    }
    if (sel == null) {
      to.setBytes(0, from, 0, fullBytes);
      if (tail != 0) {
        to.setByte(fullBytes, from.getByte(fullBytes) & ((1 << tail) - 1));
      }
      return;
    }
    for (int k = 0; k < count; k += 8) {
      int b = 0;
      int end = Math.min(8, count - k);
      for (int bit = 0; bit < end; bit++) {
        int r = sel[k + bit];
        b |= ((from.getByte(r >>> 3) >>> (r & 7)) & 1) << bit;
      }
      to.setByte(k >>> 3, b);
    }
  }
}
