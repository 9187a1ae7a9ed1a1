package io.laminar.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Human durations: one or more {@code <number><unit>} parts such as {@code "250ms"}, {@code "1.5s"}
 * or {@code "1m30s"}; units {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m},
 * {@code h}, {@code d}. Values are kept exactly to the nanosecond; a value that is not a whole
 * number of nanoseconds, or negative, is rejected rather than rounded. {@code "0"} alone is zero.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");
  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  private Durations() {
  }

  /** The largest duration that can be written: about 292 years. */
  public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

  /**
   * Why {@code text} is not a duration, for a message after "is not a valid duration"-style context:
   * either it is too large (with the maximum), or it is not written as one.
   */
  public static String problem(String text) {
    String s = text == null ? "" : text.strip();
    Optional<BigDecimal> nanos = nanos(s);
    if (nanos.isPresent() && nanos.get().compareTo(new BigDecimal(MAX_NANOS)) > 0) {
      return "is too large: \"" + s + "\" exceeds the maximum duration " + format(MAX) + " (about 292 years)";
    }
    if (nanos.isPresent() && nanos.get().stripTrailingZeros().scale() > 0) {
      return "is not a whole number of nanoseconds: \"" + s + "\"";
    }
    return "is not a valid duration: \"" + s + "\" (use a number and a unit: ns, us, ms, s, m, h, d,"
        + " e.g. \"250ms\", \"1.5s\", \"1m30s\")";
  }

  /** The duration written in {@code text}, or empty if it is not a valid duration. */
  public static Optional<Duration> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.strip();
    if (s.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    Optional<BigDecimal> nanos = nanos(s);
    if (nanos.isEmpty()) {
      return Optional.empty();
    }
    BigInteger whole;
    try {
      whole = nanos.get().toBigIntegerExact();
    } catch (ArithmeticException fractionalNanos) {
      return Optional.empty();
    }
    if (whole.compareTo(MAX_NANOS) > 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(whole.longValueExact()));
  }

  /** The exact number of nanoseconds {@code s} spells, however large, or empty if it is not a duration. */
  private static Optional<BigDecimal> nanos(String s) {
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        return Optional.empty();
      }
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPer(m.group(2)))));
      at = m.end();
    }
    return Optional.of(nanos);
  }

  /**
   * A compact rendering that {@link #parse} reads back to the same value: {@code "1m30s"},
   * {@code "250ms"}, {@code "1s500ms"}, {@code "0s"}. Negative durations get a leading '-'.
   */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    Duration d = duration;
    if (d.isNegative()) {
      out.append('-');
      d = d.negated();
    }
    long seconds = d.getSeconds();
    long nanos = d.getNano();
    append(out, seconds / 86_400, "d");
    append(out, seconds % 86_400 / 3_600, "h");
    append(out, seconds % 3_600 / 60, "m");
    append(out, seconds % 60, "s");
    append(out, nanos / 1_000_000, "ms");
    append(out, nanos % 1_000_000 / 1_000, "us");
    append(out, nanos % 1_000, "ns");
    return out.toString();
  }

  private static void append(StringBuilder out, long amount, String unit) {
    if (amount != 0) {
      out.append(amount).append(unit);
    }
  }

  private static long nanosPer(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "µs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      case "d":
        return 86_400_000_000_000L;
      default:
        throw new IllegalArgumentException(unit);
    }
  }
}
