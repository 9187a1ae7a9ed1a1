package io.laminar.kafka;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/** Parses the textual forms of timestamps and dates that records carry. */
final class Values {
  private Values() {
  }

  /**
   * Epoch milliseconds of an ISO-8601 date-time: with an offset or zone ({@code 2026-01-01T10:00:00Z},
   * {@code …+02:00}) or without one, which is read as UTC; a space may stand for the {@code T}.
   */
  static long parseTimestamp(String text) throws DecodeException {
    return instant(text).toEpochMilli();
  }

  /** Epoch microseconds of an ISO-8601 timestamp, as {@link #parseTimestamp} reads it. */
  static long parseTimestampMicros(String text) throws DecodeException {
    Instant i = instant(text);
    try {
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw new DecodeException("'" + text + "' is out of range");
    }
  }

  /** What {@link TimestampReader#read} returns for text it leaves to {@link #parseTimestamp}. */
  static final long NOT_FAST = Long.MIN_VALUE;

  private static final int[] DAYS_BEFORE_MONTH = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  /** The longest text {@link TimestampReader} reads: {@code yyyy-MM-ddTHH:mm:ss.fffffffff+HH:MM}. */
  private static final int FAST_MAX_LENGTH = 35;
  /** Reads 8 bytes of a byte[] at once, for comparing a timestamp's date and hour with the last one. */
  private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
      long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * Reads the common shape of an ISO-8601 timestamp straight from its ASCII bytes (UTF-8: other
   * bytes are never this shape): {@code yyyy-MM-dd(T| )HH:mm[:ss[.f…]][Z|±HH:MM]} (no offset = UTC),
   * as epoch milliseconds ({@code micros} false) or microseconds; {@link #NOT_FAST} for anything else
   * (another shape, an invalid field), which {@link #parseTimestamp} then reads or rejects. Where
   * both read a text, they give the same value. It remembers the last text's date, hour and minute:
   * consecutive records mostly share {@code yyyy-MM-ddTHH:mm}, whose epoch second is then reused
   * when the text's first 16 bytes equal the last ones. One per column (one thread's), so columns do
   * not evict each other's minute.
   */
  static final class TimestampReader {
    /** The first 16 bytes of the last text whose date, hour and minute were valid (bytes 0–7, 8–15). */
    private long minuteHead;
    private long minuteTail;
    private boolean minuteKnown;
    /** Epoch second of that minute (UTC, before any offset). */
    private long minuteSeconds;
    /** Characters as bytes, for {@link #read(char[], int, int, boolean)}. */
    private final byte[] ascii = new byte[FAST_MAX_LENGTH];

    /** The timestamp in the {@code len} bytes at {@code off}, or {@link #NOT_FAST}. */
    long read(byte[] a, int off, int len, boolean micros) {
      return fastTimestamp(a, off, len, micros, this);
    }

    /** The same of characters (a parser's text): copied as ASCII bytes, anything else is not fast. */
    long read(char[] a, int off, int len, boolean micros) {
      if (len > FAST_MAX_LENGTH) {
        return NOT_FAST;
      }
      for (int i = 0; i < len; i++) {
        char ch = a[off + i];
        if (ch >= 0x80) {
          return NOT_FAST;
        }
        ascii[i] = (byte) ch;
      }
      return fastTimestamp(ascii, 0, len, micros, this);
    }
  }

  private static long fastTimestamp(byte[] a, int off, int len, boolean micros, TimestampReader reader) {
    if (len < 16 || len > FAST_MAX_LENGTH) {
      return NOT_FAST;
    }
    long minuteStart;
    long head = (long) LONGS.get(a, off);
    long tail = (long) LONGS.get(a, off + 8);
    if (reader.minuteKnown && head == reader.minuteHead && tail == reader.minuteTail) {
      minuteStart = reader.minuteSeconds;
    } else {
      minuteStart = minuteStart(a, off);
      if (minuteStart == NOT_FAST) {
        return NOT_FAST;
      }
      reader.minuteHead = head;
      reader.minuteTail = tail;
      reader.minuteSeconds = minuteStart;
      reader.minuteKnown = true;
    }
    int i = off + 16;
    int end = off + len;
    int second = 0;
    long nanos = 0;
    if (i < end && a[i] == ':') {
      second = i + 3 <= end ? digits(a, i + 1, 2) : -1;
      if (second < 0 || second > 59) {
        return NOT_FAST;
      }
      i += 3;
      if (i < end && a[i] == '.') {
        int start = ++i;
        while (i < end && i - start < 9 && a[i] >= '0' && a[i] <= '9') {
          nanos = nanos * 10 + (a[i] - '0');
          i++;
        }
        if (i == start) {
          return NOT_FAST;
        }
        for (int k = i - start; k < 9; k++) {
          nanos *= 10;
        }
      }
    }
    int offsetSeconds = 0;
    if (i < end) {
      byte sign = a[i];
      if (sign == 'Z' && i + 1 == end) {
        i++;
      } else if ((sign == '+' || sign == '-') && i + 6 == end && a[i + 3] == ':') {
        int oh = digits(a, i + 1, 2);
        int om = digits(a, i + 4, 2);
        if (oh < 0 || oh > 17 || om < 0 || om > 59) {
          return NOT_FAST;
        }
        offsetSeconds = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        i += 6;
      } else {
        return NOT_FAST;
      }
    }
    long seconds = minuteStart + second - offsetSeconds;
    return micros ? seconds * 1_000_000 + nanos / 1000 : seconds * 1000 + nanos / 1_000_000;
  }

  /**
   * Epoch second of {@code yyyy-MM-dd(T| )HH:mm} at {@code off} (read as UTC), or {@link #NOT_FAST}
   * if invalid: separators included, so 16 bytes equal to valid ones are valid.
   */
  private static long minuteStart(byte[] a, int off) {
    if (a[off + 4] != '-' || a[off + 7] != '-' || (a[off + 10] != 'T' && a[off + 10] != ' ') || a[off + 13] != ':') {
      return NOT_FAST;
    }
    int year = digits(a, off, 4);
    int month = digits(a, off + 5, 2);
    int day = digits(a, off + 8, 2);
    int hour = digits(a, off + 11, 2);
    int minute = digits(a, off + 14, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return NOT_FAST;
    }
    boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    int monthLength = month == 2 ? (leap ? 29 : 28) : (month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31);
    if (day > monthLength) {
      return NOT_FAST;
    }
    long y = year;
    // days from 1970-01-01 to the first of the year (leap days of the years between), then into the year
    long days = 365 * (y - 1970) + Math.floorDiv(y - 1969, 4) - Math.floorDiv(y - 1901, 100)
        + Math.floorDiv(y - 1601, 400) + DAYS_BEFORE_MONTH[month - 1] + (leap && month > 2 ? 1 : 0) + day - 1;
    return days * 86_400 + hour * 3600L + minute * 60L;
  }

  /**
   * Writes the instant {@code epochSecond} + {@code nanos} as {@link Instant#toString} does
   * ({@code 2026-01-01T09:30:00.123Z}: the fraction in 3, 6 or 9 digits, none when zero) into
   * {@code out} and returns its length, or 0 for a year outside 0–9999, which it leaves to
   * {@code Instant.toString}.
   */
  static int formatInstant(long epochSecond, int nanos, byte[] out) {
    long days = Math.floorDiv(epochSecond, 86_400L);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    // civil date from days since 1970-01-01 (eras of 400 years from 0000-03-01)
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
      return 0;
    }
    int n = 0;
    n = put(out, n, (int) year, 4);
    out[n++] = '-';
    n = put(out, n, month, 2);
    out[n++] = '-';
    n = put(out, n, day, 2);
    out[n++] = 'T';
    n = put(out, n, secondOfDay / 3600, 2);
    out[n++] = ':';
    n = put(out, n, secondOfDay / 60 % 60, 2);
    out[n++] = ':';
    n = put(out, n, secondOfDay % 60, 2);
    if (nanos > 0) {
      out[n++] = '.';
      if (nanos % 1_000_000 == 0) {
        n = put(out, n, nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        n = put(out, n, nanos / 1000, 6);
      } else {
        n = put(out, n, nanos, 9);
      }
    }
    out[n++] = 'Z';
    return n;
  }

  /** Writes {@code value} as {@code width} decimal digits (zero-padded) at {@code at}; returns the end. */
  private static int put(byte[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }

  /** The value of {@code n} decimal digits at {@code from}, or -1 if one is not a digit. */
  private static int digits(byte[] a, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      int d = a[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static Instant instant(String text) throws DecodeException {
    String s = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
    try {
      TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
      Instant instant = t instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
      instant.toEpochMilli(); // in range
      return instant;
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new DecodeException("'" + text + "' is not an ISO-8601 timestamp");
    }
  }

  /** Days since the epoch of an ISO date ({@code 2026-01-31}). */
  static int parseDate(String text) throws DecodeException {
    try {
      return Math.toIntExact(LocalDate.parse(text).toEpochDay());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new DecodeException("'" + text + "' is not an ISO-8601 date");
    }
  }

  /** The special float spellings a JSON string may carry (JSON numbers cannot). */
  static boolean isSpecialDouble(String text) {
    return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
  }
}
