package io.laminar.runtime;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.regex.Pattern;

/** SQL functions the generated code calls; SQL semantics, not Java's. */
public final class Functions {
  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter(Locale.ROOT);

  private Functions() {
  }

  /** SUBSTRING(s FROM start) with 1-based start. */
  public static String substring(String s, int start) {
    return substring(s, start, Integer.MAX_VALUE);
  }

  /** SUBSTRING(s FROM start FOR length): positions before 1 count against the length. */
  public static String substring(String s, int start, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative substring length " + length);
    }
    long end = (long) start + length;
    int from = Math.max(start, 1);
    long to = Math.min(end, (long) s.length() + 1);
    if (to <= from) {
      return "";
    }
    return s.substring(from - 1, (int) to - 1);
  }

  /** The regular expression for a LIKE pattern; {@code escape} may be null. */
  public static Pattern like(String pattern, String escape) {
    char esc = escape == null || escape.isEmpty() ? 0 : escape.charAt(0);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (esc != 0 && c == esc && i + 1 < pattern.length()) {
        b.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        b.append(".*");
      } else if (c == '_') {
        b.append('.');
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(b.toString(), Pattern.DOTALL);
  }

  /** CAST(timestamp AS VARCHAR). */
  public static String timestampToString(long millis) {
    LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    return t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT));
  }

  /** CAST(TIMESTAMP(6) AS VARCHAR): all six fraction digits. */
  public static String timestampMicrosToString(long micros) {
    LocalDateTime t = LocalDateTime.ofInstant(Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS),
        ZoneOffset.UTC);
    return t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT));
  }

  /** CAST(varchar AS TIMESTAMP(6)): epoch microseconds (digits beyond the sixth are dropped). */
  public static long parseTimestampMicros(String s) {
    Instant i = LocalDateTime.parse(s.trim(), TIMESTAMP).toInstant(ZoneOffset.UTC);
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  /** CAST(date AS VARCHAR). */
  public static String dateToString(int days) {
    return LocalDate.ofEpochDay(days).toString();
  }

  /** CAST(varchar AS TIMESTAMP). */
  public static long parseTimestamp(String s) {
    return LocalDateTime.parse(s.trim(), TIMESTAMP).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** CAST(varchar AS DATE). */
  public static int parseDate(String s) {
    return (int) LocalDate.parse(s.trim()).toEpochDay();
  }

  /** CAST(varchar AS BOOLEAN). */
  public static boolean parseBoolean(String s) {
    String t = s.trim();
    if (t.equalsIgnoreCase("true")) {
      return true;
    }
    if (t.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("invalid boolean '" + s + "'");
  }

  /** CAST(boolean AS VARCHAR). */
  public static String booleanToString(boolean b) {
    return b ? "TRUE" : "FALSE";
  }
}
