package io.laminar.runtime;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.VarCharVector;

/**
 * Builds the values of a freshly allocated {@link VarCharVector} row by row, writing UTF-8 bytes
 * straight into its data buffer: a generated projection appends a value's parts (constant bytes,
 * integers as decimal digits, another vector's value, a string) and then ends the row, with no
 * {@code String} or {@code byte[]} per row. Rows are written in order {@code 0, 1, …}; the data
 * buffer grows (doubling) when a value does not fit. Public because generated code uses it.
 */
public final class VarCharWriter {
  private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

  private final VarCharVector vector;
  private final long offsets;
  private final long validity;
  private long data;
  private long capacity;
  /** Bytes written so far: where the next byte goes. */
  private long end;

  /**
   * For {@code vector}, allocated (not written) with room for {@code rows} rows; checks once that
   * its offset and validity buffers hold them.
   */
  public VarCharWriter(VarCharVector vector, int rows) {
    this.vector = vector;
    ArrowBuf offsetBuffer = vector.getOffsetBuffer();
    if (offsetBuffer.capacity() < (rows + 1L) * 4) {
      throw new IllegalStateException("vector '" + vector.getName() + "' has room for fewer than " + rows + " offsets");
    }
    this.offsets = offsetBuffer.memoryAddress();
    this.validity = Direct.validity(vector, rows);
    MemoryUtil.putInt(offsets, 0);
    refresh();
  }

  private void refresh() {
    ArrowBuf buffer = vector.getDataBuffer();
    data = buffer.memoryAddress();
    capacity = buffer.capacity();
  }

  private void ensure(long bytes) {
    if (end + bytes > capacity) {
      grow(end + bytes);
    }
  }

  private void grow(long needed) {
    if (needed > Integer.MAX_VALUE) {
      throw new IllegalStateException("a batch's strings in vector '" + vector.getName() + "' exceed 2 GiB");
    }
    long size = Math.max(capacity, 16);
    while (size < needed) {
      size <<= 1;
    }
    vector.reallocDataBuffer(size); // copies the bytes written so far
    refresh();
  }

  /** Appends bytes (a constant's UTF-8). */
  public void appendBytes(byte[] bytes) {
    int length = bytes.length;
    ensure(length);
    long at = data + end;
    if (length <= 8) {
      // a short constant (a prefix such as 'S'): byte stores beat a general copy from the heap
      for (int i = 0; i < length; i++) {
        MemoryUtil.putByte(at + i, bytes[i]);
      }
    } else {
      MemoryUtil.copyToMemory(bytes, 0, at, length);
    }
    end += length;
  }

  /** Appends the decimal digits of {@code value}, as {@code Long.toString}. */
  public void appendDigits(long value) {
    if (value >= 0 && value < 1000) {
      // the common short case, small enough to be inlined into the generated loop
      ensure(3);
      long at = data + end;
      int v = (int) value;
      if (v < 10) {
        MemoryUtil.putByte(at, (byte) ('0' + v));
        end += 1;
      } else if (v < 100) {
        MemoryUtil.putByte(at, (byte) ('0' + v / 10));
        MemoryUtil.putByte(at + 1, (byte) ('0' + v % 10));
        end += 2;
      } else {
        MemoryUtil.putByte(at, (byte) ('0' + v / 100));
        MemoryUtil.putByte(at + 1, (byte) ('0' + v / 10 % 10));
        MemoryUtil.putByte(at + 2, (byte) ('0' + v % 10));
        end += 3;
      }
      return;
    }
    appendLongDigits(value);
  }

  private void appendLongDigits(long value) {
    if (value == Long.MIN_VALUE) {
      appendBytes(LONG_MIN);
      return;
    }
    ensure(20);
    if (value < 0) {
      MemoryUtil.putByte(data + end++, (byte) '-');
      value = -value;
    }
    int digits = 1;
    for (long bound = 10; digits < 19 && value >= bound; bound *= 10) {
      digits++;
    }
    long at = data + end + digits;
    do {
      long q = value / 10;
      MemoryUtil.putByte(--at, (byte) ('0' + (value - q * 10)));
      value = q;
    } while (value != 0);
    end += digits;
  }

  /** Appends row {@code row} of {@code source} (not null). */
  public void appendValue(VarCharVector source, int row) {
    ArrowBuf from = source.getOffsetBuffer();
    int start = from.getInt((long) row << 2);
    int length = from.getInt(((long) row << 2) + 4) - start;
    ArrowBuf bytes = source.getDataBuffer();
    if (start < 0 || length < 0 || start + (long) length > bytes.capacity()) {
      throw new IllegalStateException("vector '" + source.getName() + "': row " + row + " lies outside its data");
    }
    ensure(length);
    MemoryUtil.copyMemory(bytes.memoryAddress() + start, data + end, length);
    end += length;
  }

  /** Appends {@code s} as UTF-8 (as {@code s.getBytes(UTF_8)}). */
  public void appendString(String s) {
    int length = s.length();
    ensure(length);
    for (int k = 0; k < length; k++) {
      char c = s.charAt(k);
      if (c >= 0x80) {
        // not ASCII from here on: the JDK's encoder for the rest (unpaired surrogates become '?')
        end += k;
        appendBytes(s.substring(k).getBytes(StandardCharsets.UTF_8));
        return;
      }
      MemoryUtil.putByte(data + end + k, (byte) c);
    }
    end += length;
  }

  /** Ends row {@code row}: its value is what was appended since the previous row ended. */
  public void end(int row) {
    MemoryUtil.putInt(offsets + (((long) row + 1) << 2), (int) end);
    Direct.setValid(validity, row);
    vector.setLastSet(row);
  }

  /** Row {@code row} is NULL (call it before appending anything to the row). */
  public void setNull(int row) {
    MemoryUtil.putInt(offsets + (((long) row + 1) << 2), (int) end);
    vector.setLastSet(row);
  }
}
