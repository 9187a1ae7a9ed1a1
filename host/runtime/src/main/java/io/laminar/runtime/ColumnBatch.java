package io.laminar.runtime;

import io.laminar.plan.SqlType;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
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
    ArrowBuf validity = v.getValidityBuffer();
    if (Gather.noNulls(validity, v.getValueCount())) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int r = sel[i];
      nulls[i] = ((validity.getByte(r >>> 3) >>> (r & 7)) & 1) == 0;
    }
    return true;
  }

  /** The values as {@link ColumnReader#getLong} encodes them (VARCHAR excluded); NULL rows hold garbage. */
  static void longs(FieldVector v, SqlType type, int[] sel, int n, long[] out) {
    switch (type.kind()) {
      case INT, DATE -> {
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = data.getInt((long) sel[i] << 2);
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
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = data.getLong((long) sel[i] << 3);
        }
      }
      case FLOAT -> {
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = Double.doubleToLongBits(ColumnReader.normalize(data.getFloat((long) sel[i] << 2)));
        }
      }
      case DOUBLE -> {
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = Double.doubleToLongBits(ColumnReader.normalize(data.getDouble((long) sel[i] << 3)));
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
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = data.getDouble((long) sel[i] << 3);
        }
      }
      case FLOAT -> {
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = data.getFloat((long) sel[i] << 2);
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
    ArrowBuf offsets = v.getOffsetBuffer();
    ArrowBuf data = v.getDataBuffer();
    long capacity = data.capacity();
    for (int i = 0; i < n; i++) {
      if (skip != null && skip[i]) {
        continue;
      }
      long at = (long) sel[i] << 2;
      int start = offsets.getInt(at);
      int length = offsets.getInt(at + 4) - start;
      if (length <= BytesDictionary.SHORT_MAX && LITTLE_ENDIAN && start + 8L <= capacity) {
        long bytes = data.getLong(start) & ((1L << (length << 3)) - 1);
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
