package io.laminar.kafka;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Renders rows as JSON objects (column names as keys; timestamps as ISO-8601 UTC strings, dates as
 * ISO dates, non-finite floats as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}),
 * and a key column's value as UTF-8 text. The source's decoder reads all of these back.
 */
final class RowEncoder {
  /** {@code '0'..'9','A'..'F'}: the digits of a {@code \\u00XX} escape, uppercase as Jackson writes them. */
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  /**
   * Per ASCII byte: 0 = written as is, 'u' = {@code \\u00XX}, else the letter after a backslash —
   * Jackson's standard escapes ({@code "}, {@code \\}, {@code \\b \\t \\n \\f \\r}, other controls).
   */
  private static final byte[] ESCAPES = new byte[128];
  private static final byte[] NULL = bytes("null");
  private static final byte[] TRUE = bytes("true");
  private static final byte[] FALSE = bytes("false");

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = 'u';
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
  }

  /** The row being encoded; grown as needed and reused for every row. */
  private byte[] buf = new byte[256];
  private int pos;
  /** The root whose vectors and quoted field names are bound, to bind once per batch, not per row. */
  private VectorSchemaRoot bound;
  private FieldVector[] vectors = new FieldVector[0];
  /** Per column: its kind (how its cells are written), or null for the general text path. */
  private ColumnKind[] kinds = new ColumnKind[0];
  /** Per column: {@code "name":}, with a leading comma from the second column on. */
  private byte[][] names = new byte[0][];
  /** The epoch second whose date and time of day {@link #secondText} holds, for {@link #writeTimestamp}. */
  private long cachedSecond = Long.MIN_VALUE;
  /** {@code yyyy-MM-ddTHH:mm:ss} of {@link #cachedSecond}, {@link #secondTextLength} bytes (0: not formattable). */
  private final byte[] secondText = new byte[40];
  private int secondTextLength;

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Row {@code row} of {@code root} as one JSON object: written straight from the vectors into one
   * reused buffer (no generator, no per-cell objects), byte for byte what Jackson's generator writes
   * for the same values ({@code RowEncoderTest} compares them).
   */
  byte[] json(VectorSchemaRoot root, int row) {
    if (root != bound) {
      bind(root);
    }
    pos = 0;
    put((byte) '{');
    for (int c = 0; c < vectors.length; c++) {
      put(names[c]);
      writeValue(vectors[c], kinds[c], row);
    }
    put((byte) '}');
    return Arrays.copyOf(buf, pos);
  }

  private void bind(VectorSchemaRoot root) {
    List<FieldVector> list = root.getFieldVectors();
    vectors = list.toArray(FieldVector[]::new);
    kinds = new ColumnKind[vectors.length];
    names = new byte[vectors.length][];
    for (int c = 0; c < vectors.length; c++) {
      kinds[c] = ColumnKind.of(vectors[c].getField().getType()).orElse(null);
      pos = 0;
      if (c > 0) {
        put((byte) ',');
      }
      writeString(vectors[c].getName());
      put((byte) ':');
      names[c] = Arrays.copyOf(buf, pos);
    }
    bound = root;
  }

  /**
   * One cell. The null check is made on the vector's own class (one known method to inline), not
   * through the {@code FieldVector} interface, whose call site sees every column's class.
   */
  private void writeValue(FieldVector v, ColumnKind kind, int row) {
    if (kind == null) {
      if (v.isNull(row)) {
        put(NULL);
      } else {
        writeString(textOf(v, row));
      }
      return;
    }
    switch (kind) {
      case VARCHAR -> {
        VarCharVector s = (VarCharVector) v;
        if (s.isNull(row)) {
          put(NULL);
        } else {
          writeUtf8String(s, row);
        }
      }
      case INT -> {
        IntVector i = (IntVector) v;
        if (i.isNull(row)) {
          put(NULL);
        } else {
          writeLong(i.get(row));
        }
      }
      case BIGINT -> {
        BigIntVector l = (BigIntVector) v;
        if (l.isNull(row)) {
          put(NULL);
        } else {
          writeLong(l.get(row));
        }
      }
      case DOUBLE -> {
        Float8Vector d = (Float8Vector) v;
        if (d.isNull(row)) {
          put(NULL);
        } else {
          writeDouble(d.get(row));
        }
      }
      case TIMESTAMP, TIMESTAMP_MICROS -> {
        TimeStampVector t = (TimeStampVector) v;
        if (t.isNull(row)) {
          put(NULL);
        } else {
          writeTimestamp(t, row, kind == ColumnKind.TIMESTAMP_MICROS);
        }
      }
      default -> writeOther(v, kind, row);
    }
  }

  /** The kinds rarer in streams: FLOAT, DECIMAL, BOOLEAN, DATE. */
  private void writeOther(FieldVector v, ColumnKind kind, int row) {
    if (v.isNull(row)) {
      put(NULL);
      return;
    }
    switch (kind) {
      case FLOAT -> writeDouble(((Float4Vector) v).get(row));
      // the exact digits as a JSON number, never in exponent form
      case DECIMAL -> writeAscii(((org.apache.arrow.vector.DecimalVector) v).getObject(row).toPlainString());
      case BOOLEAN -> put(((BitVector) v).get(row) != 0 ? TRUE : FALSE);
      default -> writeString(textOf(v, row));
    }
  }

  /**
   * An instant as {@link Values#formatInstant} writes it (as {@code Instant.toString()}), quoted. The
   * date and time of day are formatted once per second and reused for the next cells in that
   * second, as a stream's rows mostly are; only the fraction is written per cell.
   */
  private void writeTimestamp(TimeStampVector v, int row, boolean micros) {
    long t = v.get(row);
    long second = micros ? Math.floorDiv(t, 1_000_000L) : Math.floorDiv(t, 1000L);
    int nanos = micros ? (int) Math.floorMod(t, 1_000_000L) * 1000 : (int) Math.floorMod(t, 1000L) * 1_000_000;
    if (second != cachedSecond) {
      int n = Values.formatInstant(second, 0, secondText);
      secondTextLength = n > 0 ? n - 1 : 0; // without its 'Z'
      cachedSecond = second;
    }
    if (secondTextLength == 0) {
      writeString(textOf(v, row)); // beyond year 9999 or before year 0
      return;
    }
    ensure(secondTextLength + 13);
    buf[pos++] = '"';
    System.arraycopy(secondText, 0, buf, pos, secondTextLength); // ASCII digits and separators: nothing to escape
    pos += secondTextLength;
    if (nanos > 0) {
      // as few groups of three digits as show the fraction exactly, as Instant.toString
      buf[pos++] = '.';
      if (nanos % 1_000_000 == 0) {
        putDigits(nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        putDigits(nanos / 1000, 6);
      } else {
        putDigits(nanos, 9);
      }
    }
    buf[pos++] = 'Z';
    buf[pos++] = '"';
  }

  /** {@code value} as {@code width} zero-padded decimal digits (room ensured by the caller). */
  private void putDigits(int value, int width) {
    for (int i = pos + width - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    pos += width;
  }

  private void writeDouble(double d) {
    if (Double.isFinite(d)) {
      if (!writeShortDouble(d)) {
        // shortest round-tripping digits (Schubfach), as Jackson's USE_FAST_DOUBLE_WRITER
        writeAscii(NumberOutput.toString(d, true));
      }
    } else {
      writeString(Double.toString(d)); // JSON numbers have no NaN or Infinity
    }
  }

  /**
   * A double with at most 3 decimals in the plain range (1e-3 to 1e7), such as a price, without
   * Schubfach's general path. {@code d} is such a value when the thousandths {@code m = round(|d| *
   * 1000)} parse back to it ({@code m / 1000.0 == |d|}: the division of two exact doubles is correctly
   * rounded, so it is the parse). Decimals of at most 3 digits differ by at least 0.001, far more than
   * a double's spacing below 1e7, so that decimal is the only one of at most 3 digits that parses to
   * {@code d}, and without its trailing zeros it is the shortest one that does — what Schubfach
   * writes, in the same form ({@code 57.0}, {@code 0.001}). False when {@code d} is not such a value
   * (the caller writes it the general way).
   */
  private boolean writeShortDouble(double d) {
    double a = Math.abs(d);
    if (!(a >= 1e-3 && a < 1e7)) {
      return false;
    }
    long m = Math.round(a * 1000);
    if (m / 1000.0 != a) {
      return false;
    }
    ensure(24);
    if (d < 0) {
      buf[pos++] = '-';
    }
    writeLong(m / 1000);
    buf[pos++] = '.';
    int fraction = (int) (m % 1000);
    if (fraction == 0) {
      buf[pos++] = '0';
      return true;
    }
    int digits = 3;
    while (fraction % 10 == 0) {
      fraction /= 10;
      digits--;
    }
    putDigits(fraction, digits);
    return true;
  }

  private void writeLong(long x) {
    if (x == Long.MIN_VALUE) {
      writeAscii("-9223372036854775808");
      return;
    }
    ensure(20);
    if (x < 0) {
      buf[pos++] = '-';
      x = -x;
    }
    int digits = 1;
    for (long p = 10; digits < 19 && x >= p; p *= 10) {
      digits++;
    }
    int end = pos + digits;
    for (int i = end - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + (int) (x % 10));
      x /= 10;
    }
    pos = end;
  }

  /** Text known to be ASCII with nothing to escape (digits, signs, points), unquoted. */
  private void writeAscii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
  }

  /** A VARCHAR cell: its UTF-8 bytes, quoted, with ASCII controls, quotes and backslashes escaped. */
  private void writeUtf8String(VarCharVector v, int row) {
    org.apache.arrow.memory.ArrowBuf data = v.getDataBuffer();
    int start = v.getStartOffset(row);
    int n = v.getEndOffset(row) - start;
    ensure(n + 2);
    buf[pos++] = '"';
    data.getBytes(start, buf, pos, n);
    int end = pos + n;
    // escaping is rare: scan the copied bytes in place and only redo the tail from the first escape
    for (int i = pos; i < end; i++) {
      byte b = buf[i];
      if (b >= 0 && ESCAPES[b] != 0) {
        byte[] tail = Arrays.copyOfRange(buf, i, end);
        pos = i;
        escapeBytes(tail, 0, tail.length);
        put((byte) '"');
        return;
      }
    }
    pos = end;
    buf[pos++] = '"';
  }

  /** A string, quoted and escaped as Jackson's {@code writeString} does. */
  private void writeString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    put((byte) '"');
    escapeBytes(utf8, 0, utf8.length);
    put((byte) '"');
  }

  private void escapeBytes(byte[] src, int from, int to) {
    ensure(to - from);
    for (int i = from; i < to; i++) {
      byte b = src[i];
      int e = b >= 0 ? ESCAPES[b] : 0;
      if (e == 0) {
        ensure(1);
        buf[pos++] = b;
      } else if (e == 'u') {
        ensure(6);
        buf[pos++] = '\\';
        buf[pos++] = 'u';
        buf[pos++] = '0';
        buf[pos++] = '0';
        buf[pos++] = HEX[b >> 4];
        buf[pos++] = HEX[b & 0xF];
      } else {
        ensure(2);
        buf[pos++] = '\\';
        buf[pos++] = (byte) e;
      }
    }
  }

  private void put(byte b) {
    ensure(1);
    buf[pos++] = b;
  }

  private void put(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  /** A cell as UTF-8 text, or null when the cell is null. */
  static byte[] text(FieldVector v, int row) {
    if (v.isNull(row)) {
      return null;
    }
    if (v instanceof VarCharVector s) {
      return s.get(row);
    }
    return textOf(v, row).getBytes(StandardCharsets.UTF_8);
  }

  /** A cell as text (ISO-8601 instants and dates, plain decimals): the general path of both encoders. */
  static String textOf(FieldVector v, int row) {
    if (v instanceof TimeStampVector tv) {
      // TIMESTAMP(6) vectors hold microseconds: all of them are written
      return v instanceof org.apache.arrow.vector.TimeStampMicroVector
          ? Instant.EPOCH.plus(tv.get(row), java.time.temporal.ChronoUnit.MICROS).toString()
          : Instant.ofEpochMilli(tv.get(row)).toString();
    }
    if (v instanceof DateDayVector dv) {
      return LocalDate.ofEpochDay(dv.get(row)).toString();
    }
    if (v instanceof org.apache.arrow.vector.DecimalVector dv) {
      return dv.getObject(row).toPlainString();
    }
    return String.valueOf(v.getObject(row));
  }
}
