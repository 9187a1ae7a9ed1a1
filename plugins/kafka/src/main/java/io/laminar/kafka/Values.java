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
