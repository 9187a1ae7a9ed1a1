package io.laminar.runtime;

import io.laminar.plan.SqlType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The live rows of one SESSION partition over a changelog, in primitive arrays sorted by event
 * time: per distinct row its time, the aggregate inputs it carries (long-encoded; strings as
 * {@link BytesDictionary} ids; a NULL bit per input) and how many live rows are equal to it. A
 * session's bounds and aggregates are computed from these rows when it fires, so taking a row back
 * may shrink a session or split it in two.
 *
 * <p>Rows are compared by time and inputs only: two rows equal in both are interchangeable for
 * every result, so a retraction takes back any one of them.
 */
final class SessionRows {
  /** The inputs kept per row: 64 NULL bits in one long. */
  static final int MAX_INPUTS = 64;

  private final SqlType[] types;
  private long[] times = new long[4];
  private int[] counts = new int[4];
  private long[] nulls = new long[4];
  private final long[][] values;
  private int size;

  SessionRows(SqlType[] inputTypes) {
    if (inputTypes.length > MAX_INPUTS) {
      throw new IllegalArgumentException("at most " + MAX_INPUTS + " aggregated columns, not " + inputTypes.length);
    }
    this.types = inputTypes;
    this.values = new long[inputTypes.length][4];
  }

  /** Distinct rows held (each with a count of at least 1). */
  int size() {
    return size;
  }

  long time(int i) {
    return times[i];
  }

  int count(int i) {
    return counts[i];
  }

  /** The first index whose time is at least {@code t}. */
  private int lowerBound(long t) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times[mid] < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Whether a held row lies less than {@code gap} from {@code t}: a row at {@code t} would join its session. */
  boolean hasNeighbour(long t, long gap) {
    int i = lowerBound(t);
    return (i < size && times[i] - t < gap) || (i > 0 && t - times[i - 1] < gap);
  }

  private int find(int from, long t, long[] v, long nullBits) {
    for (int i = from; i < size && times[i] == t; i++) {
      if (nulls[i] == nullBits && same(i, v, nullBits)) {
        return i;
      }
    }
    return -1;
  }

  private boolean same(int i, long[] v, long nullBits) {
    for (int c = 0; c < values.length; c++) {
      if ((nullBits & (1L << c)) == 0 && values[c][i] != v[c]) {
        return false;
      }
    }
    return true;
  }

  /** Adds a row at {@code t} with inputs {@code v} (NULL where {@code nullBits} has the input's bit). */
  void add(long t, long[] v, long nullBits) {
    int from = lowerBound(t);
    int i = find(from, t, v, nullBits);
    if (i >= 0) {
      counts[i]++;
      return;
    }
    int at = from;
    while (at < size && times[at] == t) {
      at++;
    }
    if (size == times.length) {
      int n = size * 2;
      times = Arrays.copyOf(times, n);
      counts = Arrays.copyOf(counts, n);
      nulls = Arrays.copyOf(nulls, n);
      for (int c = 0; c < values.length; c++) {
        values[c] = Arrays.copyOf(values[c], n);
      }
    }
    int tail = size - at;
    System.arraycopy(times, at, times, at + 1, tail);
    System.arraycopy(counts, at, counts, at + 1, tail);
    System.arraycopy(nulls, at, nulls, at + 1, tail);
    times[at] = t;
    counts[at] = 1;
    nulls[at] = nullBits;
    for (int c = 0; c < values.length; c++) {
      System.arraycopy(values[c], at, values[c], at + 1, tail);
      values[c][at] = v[c];
    }
    size++;
  }

  /**
   * Adds every row of {@code other} (the same partition restored from another worker's snapshot),
   * its string inputs translated by {@code strings} into this operator's dictionary.
   */
  void absorb(SessionRows other, StringRemap strings) {
    long[] v = new long[values.length];
    for (int i = 0; i < other.size; i++) {
      long nullBits = other.nulls[i];
      for (int c = 0; c < values.length; c++) {
        long x = other.values[c][i];
        v[c] = (nullBits & (1L << c)) == 0 && types[c] == SqlType.VARCHAR ? strings.map(x) : x;
      }
      for (int k = other.counts[i]; k > 0; k--) {
        add(other.times[i], v, nullBits);
      }
    }
  }

  /** Takes back one row equal to the given one; false if none is held. */
  boolean remove(long t, long[] v, long nullBits) {
    int i = find(lowerBound(t), t, v, nullBits);
    if (i < 0) {
      return false;
    }
    if (--counts[i] == 0) {
      cut(i, i + 1);
    }
    return true;
  }

  /** Drops the rows {@code [from, to)}. */
  private void cut(int from, int to) {
    int tail = size - to;
    System.arraycopy(times, to, times, from, tail);
    System.arraycopy(counts, to, counts, from, tail);
    System.arraycopy(nulls, to, nulls, from, tail);
    for (long[] column : values) {
      System.arraycopy(column, to, column, from, tail);
    }
    size -= to - from;
  }

  /** Drops the first {@code n} rows (the sessions that fired). */
  void dropFirst(int n) {
    if (n > 0) {
      cut(0, n);
    }
  }

  /**
   * Reads input {@code c} of row {@code row} of {@code reader} into {@code v} and returns its NULL bit
   * ({@code 1L << c}) or 0. Strings are interned in {@code dictionary}; floats keep their exact bits;
   * a DECIMAL wider than 18 digits (only ever counted) keeps only whether it is NULL.
   */
  static long read(ColumnReader reader, int row, int c, long[] v, BytesDictionary dictionary, byte[][] scratch) {
    if (reader.isNull(row)) {
      v[c] = 0;
      return 1L << c;
    }
    SqlType t = reader.type;
    if (t == SqlType.VARCHAR) {
      int length = reader.getBytes(row, scratch);
      v[c] = dictionary.intern(scratch[0], length);
      return 0;
    }
    v[c] = switch (t.kind()) {
      case FLOAT, DOUBLE -> Double.doubleToRawLongBits(reader.getDouble(row));
      case DECIMAL -> t.isLongDecimal() ? reader.getLong(row) : 0;
      default -> reader.getLong(row);
    };
    return 0;
  }

  /** A reader of input {@code c} of these rows, indexed like them, for the aggregates. */
  ColumnReader reader(int c, BytesDictionary dictionary) {
    SqlType t = types[c];
    long bit = 1L << c;
    return new ColumnReader(null, t) {
      @Override
      boolean isNull(int row) {
        return (nulls[row] & bit) != 0;
      }

      @Override
      long getLong(int row) {
        long v = values[c][row];
        return t == SqlType.FLOAT || t == SqlType.DOUBLE
            ? Double.doubleToLongBits(normalize(Double.longBitsToDouble(v))) : v;
      }

      @Override
      double getDouble(int row) {
        long v = values[c][row];
        return switch (t.kind()) {
          case FLOAT, DOUBLE -> Double.longBitsToDouble(v);
          case DECIMAL -> Decimals.toDouble(v, t.scale());
          default -> v;
        };
      }

      @Override
      int getBytes(int row, byte[][] scratch) {
        int id = (int) values[c][row];
        int len = dictionary.length(id);
        if (scratch[0].length < len) {
          scratch[0] = new byte[Math.max(len, scratch[0].length * 2)];
        }
        System.arraycopy(dictionary.arena(), dictionary.start(id), scratch[0], 0, len);
        return len;
      }

      @Override
      BigDecimal getDecimal(int row) {
        return BigDecimal.valueOf(values[c][row], t.scale());
      }

      @Override
      String getString(int row) {
        int id = (int) values[c][row];
        return new String(dictionary.arena(), dictionary.start(id), dictionary.length(id), StandardCharsets.UTF_8);
      }
    };
  }

  /** Approximate heap bytes held. */
  long sizeBytes() {
    return 64 + (long) times.length * (8 + 4 + 8 + 8L * values.length);
  }

  void writeState(StateWriter out) throws IOException {
    out.writeInt(size);
    out.writeLongs(times, size);
    out.writeInts(counts, size);
    out.writeLongs(nulls, size);
    out.writeInt(values.length);
    for (long[] column : values) {
      out.writeLongs(column, size);
    }
  }

  /** Reads what {@link #writeState} wrote into these empty rows. */
  void readState(StateReader in) throws IOException {
    int n = in.readCount("session row count");
    int capacity = Math.max(4, n);
    times = new long[capacity];
    counts = new int[capacity];
    nulls = new long[capacity];
    in.readLongs(times, n);
    in.readInts(counts, n);
    in.readLongs(nulls, n);
    int inputs = in.readInt();
    if (inputs != values.length) {
      throw new IOException("corrupt state: session rows with " + inputs + " inputs, expected " + values.length);
    }
    for (int c = 0; c < values.length; c++) {
      values[c] = new long[capacity];
      in.readLongs(values[c], n);
    }
    for (int i = 0; i < n; i++) {
      if (counts[i] <= 0 || (i > 0 && times[i] < times[i - 1])) {
        throw new IOException("corrupt state: session rows out of order or without a count");
      }
    }
    size = n;
  }
}
