package io.laminar.runtime;

import io.laminar.plan.SqlType;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;

/**
 * Reads the selected rows {@code sel[0..n)} of one column into primitive arrays, one tight loop
 * per type straight over the Arrow buffers: the batch-at-a-time counterpart of
 * {@link ColumnReader}, with the same value encodings. The aggregation operators call it once per
 * column per batch instead of once per row.
 */
final class ColumnBatch {
  /** Whether an 8-byte read holds a string's first byte in its lowest bits (true on x86 and ARM). */
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private ColumnBatch() {
  }

  /**
   * Sets {@code nulls[i]} for each selected row that is NULL; returns false (leaving
   * {@code nulls} untouched) when the column has no NULL at all.
   */
  static boolean nulls(FieldVector v, int[] sel, int n, boolean[] nulls) {
    int count = v.getValueCount();
    if (Gather.noNulls(v.getValidityBuffer(), count)) {
      return false;
    }
    checkRows(v, sel, n, count);
    long validity = Direct.validity(v, count);
    for (int i = 0; i < n; i++) {
      nulls[i] = Direct.isNull(validity, sel[i]);
    }
    return true;
  }

  /**
   * Checks once per batch that rows {@code sel[0..n)} lie in {@code 0..count)} (and so within the
   * buffers that {@link Direct#data} checks for {@code count} values), so that the loops below read
   * by address without a bounds and reference-count check per value.
   */
  private static void checkRows(FieldVector v, int[] sel, int n, int count) {
    int outside = 0;
    for (int i = 0; i < n; i++) {
      // negative when sel[i] < 0 or sel[i] >= count
      outside |= sel[i] | (count - 1 - sel[i]);
    }
    if (outside < 0) {
      throw new IndexOutOfBoundsException("a selected row lies outside the " + count + " rows of vector '"
          + v.getName() + "'");
    }
  }

  /** The values as {@link ColumnReader#getLong} encodes them (VARCHAR excluded); NULL rows hold garbage. */
  static void longs(FieldVector v, SqlType type, int[] sel, int n, long[] out) {
    int count = v.getValueCount();
    switch (type.kind()) {
      case INT, DATE -> {
        checkRows(v, sel, n, count);
        long data = Direct.data(v, count, 4);
        for (int i = 0; i < n; i++) {
          out[i] = Direct.getInt(data, sel[i]);
        }
      }
      case DECIMAL -> {
        if (!type.isLongDecimal()) {
          throw new IllegalArgumentException(type + " as long");
        }
        // the unscaled value: the low 8 of 16 little-endian bytes
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = data.getLong((long) sel[i] << 4);
        }
      }
      case BIGINT, INTERVAL, TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ -> {
        checkRows(v, sel, n, count);
        long data = Direct.data(v, count, 8);
        for (int i = 0; i < n; i++) {
          out[i] = Direct.getLong(data, sel[i]);
        }
      }
      case FLOAT -> {
        checkRows(v, sel, n, count);
        long data = Direct.data(v, count, 4);
        for (int i = 0; i < n; i++) {
          out[i] = Double.doubleToLongBits(ColumnReader.normalize(Direct.getFloat(data, sel[i])));
        }
      }
      case DOUBLE -> {
        checkRows(v, sel, n, count);
        long data = Direct.data(v, count, 8);
        for (int i = 0; i < n; i++) {
          out[i] = Double.doubleToLongBits(ColumnReader.normalize(Direct.getDouble(data, sel[i])));
        }
      }
      case BOOLEAN -> {
        ArrowBuf bits = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = BitVectorHelper.get(bits, sel[i]);
        }
      }
      case VARCHAR -> throw new IllegalArgumentException("VARCHAR as long");
    }
  }

  /** The values as doubles (numeric types); NULL rows hold garbage. */
  static void doubles(FieldVector v, SqlType type, int[] sel, int n, double[] out) {
    switch (type.kind()) {
      case DOUBLE -> {
        int count = v.getValueCount();
        checkRows(v, sel, n, count);
        long data = Direct.data(v, count, 8);
        for (int i = 0; i < n; i++) {
          out[i] = Direct.getDouble(data, sel[i]);
        }
      }
      case FLOAT -> {
        int count = v.getValueCount();
        checkRows(v, sel, n, count);
        long data = Direct.data(v, count, 4);
        for (int i = 0; i < n; i++) {
          out[i] = Direct.getFloat(data, sel[i]);
        }
      }
      default -> {
        long[] longs = new long[n];
        longs(v, type, sel, n, longs);
        for (int i = 0; i < n; i++) {
          out[i] = type.isDecimal() ? Decimals.toDouble(longs[i], type.scale()) : longs[i];
        }
      }
    }
  }

  /**
   * Interns each selected non-NULL string in {@code dictionary} and writes its id to {@code out}
   * ({@code skip[i]} rows are left alone; {@code skip} may be null). Strings of up to 7 bytes are
   * read as one long and looked up without copying; longer ones go through {@code scratch}.
   */
  static void intern(FieldVector v, int[] sel, int n, boolean[] skip, BytesDictionary dictionary, long[] out,
      byte[][] scratch) {
    if (n == 0) {
      return;
    }
    int count = v.getValueCount();
    checkRows(v, sel, n, count);
    ArrowBuf offsetBuffer = v.getOffsetBuffer();
    if (offsetBuffer.capacity() < (count + 1L) << 2) {
      throw new IllegalStateException("vector '" + v.getName() + "' has room for fewer than " + (count + 1) + " offsets");
    }
    long offsets = offsetBuffer.memoryAddress();
    ArrowBuf data = v.getDataBuffer();
    long address = data.memoryAddress();
    long capacity = data.capacity();
    for (int i = 0; i < n; i++) {
      if (skip != null && skip[i]) {
        continue;
      }
      long at = offsets + ((long) sel[i] << 2);
      int start = MemoryUtil.getInt(at);
      int length = MemoryUtil.getInt(at + 4) - start;
      if (start < 0 || length < 0 || start + (long) length > capacity) {
        throw new IllegalStateException("vector '" + v.getName() + "': row " + sel[i] + " lies outside its data");
      }
      if (length <= BytesDictionary.SHORT_MAX && LITTLE_ENDIAN && start + 8L <= capacity) {
        long bytes = MemoryUtil.getLong(address + start) & ((1L << (length << 3)) - 1);
        out[i] = dictionary.internShort(bytes | ((long) length << 56));
      } else {
        if (scratch[0].length < length) {
          scratch[0] = new byte[Math.max(length, scratch[0].length * 2)];
        }
        data.getBytes(start, scratch[0], 0, length);
        out[i] = dictionary.intern(scratch[0], length);
      }
    }
  }
}
