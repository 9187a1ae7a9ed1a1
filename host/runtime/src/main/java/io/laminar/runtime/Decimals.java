package io.laminar.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Exact DECIMAL(p, s) arithmetic for generated code. A DECIMAL of precision up to 18 is an unscaled
 * {@code long} (its value times 10^s) and its common operations stay primitive; wider ones are
 * {@link BigDecimal}s whose scale is the type's. Every result is brought to the scale SQL derived
 * for it (HALF_UP where digits are cut) and checked against the derived precision: a value that
 * does not fit is an {@link ExpressionError} naming the expression, like integer overflow.
 */
public final class Decimals {
  private Decimals() {
  }

  /** 10^0 … 10^18. */
  static final long[] POW10 = new long[19];
  private static final BigInteger[] BIG_POW10 = new BigInteger[39];
  private static final double[] DOUBLE_POW10 = new double[23];

  static {
    long p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
    for (int i = 0; i < BIG_POW10.length; i++) {
      BIG_POW10[i] = BigInteger.TEN.pow(i);
    }
    for (int i = 0; i < DOUBLE_POW10.length; i++) {
      DOUBLE_POW10[i] = Double.parseDouble("1e" + i);
    }
  }

  /** 10^digits as a BigInteger (digits ≤ 38). */
  static BigInteger bigPow10(int digits) {
    return BIG_POW10[digits];
  }

  // ---- unscaled longs (precision ≤ 18) ----

  /** {@code v} (unscaled) if it has at most {@code precision} digits, else an overflow error. */
  public static long fit(long v, int precision, int scale, ExprSite site) {
    if (v >= POW10[precision] || v <= -POW10[precision]) {
      throw site.decimalOverflow(BigDecimal.valueOf(v, scale));
    }
    return v;
  }

  /** Unscaled {@code v} of scale {@code from} at the larger scale {@code to}, exactly. */
  public static long up(long v, int from, int to, ExprSite site) {
    if (from == to) {
      return v;
    }
    long f = POW10[to - from];
    long r = v * f;
    if (Math.multiplyHigh(v, f) != (r >> 63)) {
      throw site.decimalOverflow(BigDecimal.valueOf(v, from));
    }
    return r;
  }

  /** Unscaled {@code v} of scale {@code from} at scale {@code to} (any), HALF_UP, not checked for precision. */
  public static long rescale(long v, int from, int to, ExprSite site) {
    if (to >= from) {
      return up(v, from, to, site);
    }
    long f = POW10[from - to];
    long q = v / f;
    long r = v - q * f;
    // HALF_UP: away from zero at .5
    if (Math.abs(r) * 2 >= f) {
      q += v < 0 ? -1 : 1;
    }
    return q;
  }

  /** CAST of unscaled v (scale {@code from}) to DECIMAL(p ≤ 18, s): HALF_UP, and an error naming v beyond p digits. */
  public static long cast(long v, int from, int precision, int scale, ExprSite site) {
    long r = rescale(v, from, scale, site);
    if (r >= POW10[precision] || r <= -POW10[precision]) {
      throw site.decimalOverflow(BigDecimal.valueOf(v, from));
    }
    return r;
  }

  /** a + b, both unscaled at the result's scale. */
  public static long add(long a, long b, int precision, int scale, ExprSite site) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0 || r >= POW10[precision] || r <= -POW10[precision]) {
      throw site.decimalOverflow(BigDecimal.valueOf(a, scale), BigDecimal.valueOf(b, scale));
    }
    return r;
  }

  /** a - b, both unscaled at the result's scale. */
  public static long subtract(long a, long b, int precision, int scale, ExprSite site) {
    long r = a - b;
    if (((a ^ b) & (a ^ r)) < 0 || r >= POW10[precision] || r <= -POW10[precision]) {
      throw site.decimalOverflow(BigDecimal.valueOf(a, scale), BigDecimal.valueOf(b, scale));
    }
    return r;
  }

  /** a × b, unscaled of scales sa and sb; the result's scale is sa + sb. */
  public static long multiply(long a, int sa, long b, int sb, int precision, ExprSite site) {
    long r = a * b;
    if (Math.multiplyHigh(a, b) != (r >> 63) || r >= POW10[precision] || r <= -POW10[precision]) {
      throw site.decimalOverflow(BigDecimal.valueOf(a, sa), BigDecimal.valueOf(b, sb));
    }
    return r;
  }

  /** Compares unscaled a (scale sa) with unscaled b (scale sb). */
  public static int compare(long a, int sa, long b, int sb) {
    if (sa == sb) {
      return Long.compare(a, b);
    }
    if (sa < sb) {
      long f = POW10[sb - sa];
      long r = a * f;
      if (Math.multiplyHigh(a, f) == (r >> 63)) {
        return Long.compare(r, b);
      }
    } else {
      long f = POW10[sa - sb];
      long r = b * f;
      if (Math.multiplyHigh(b, f) == (r >> 63)) {
        return Long.compare(a, r);
      }
    }
    return BigDecimal.valueOf(a, sa).compareTo(BigDecimal.valueOf(b, sb));
  }

  /** Unscaled v of scale s as the nearest double. */
  public static double toDouble(long v, int scale) {
    if (scale == 0) {
      return v;
    }
    if (Math.abs(v) < (1L << 53) && scale < DOUBLE_POW10.length) {
      // both exact doubles, so one correctly rounded division
      return v / DOUBLE_POW10[scale];
    }
    return BigDecimal.valueOf(v, scale).doubleValue();
  }

  /** The exact text of unscaled v of scale s: {@code 12.50}, {@code -0.05}. */
  public static String toString(long v, int scale) {
    return BigDecimal.valueOf(v, scale).toPlainString();
  }

  /** CAST of unscaled v (scale s) to INT, HALF_UP. */
  public static int toInt(long v, int scale, ExprSite site) {
    long r = rescale(v, scale, 0, site);
    if ((int) r != r) {
      throw site.decimalOverflow(BigDecimal.valueOf(v, scale));
    }
    return (int) r;
  }

  /** CAST of unscaled v (scale s) to BIGINT, HALF_UP. */
  public static long toLong(long v, int scale, ExprSite site) {
    return rescale(v, scale, 0, site);
  }

  /** CAST of a double to DECIMAL(p, s) held as an unscaled long: its shortest decimal text, HALF_UP. */
  public static long fromDouble(double d, int precision, int scale, ExprSite site) {
    return unscaledLong(fromDoubleBig(d, precision, scale, site));
  }

  /** CAST of a string to DECIMAL(p, s) held as an unscaled long, HALF_UP. */
  public static long parse(String s, int precision, int scale, ExprSite site) {
    return unscaledLong(parseBig(s, precision, scale, site));
  }

  // ---- BigDecimal (any precision) ----

  /** Unscaled v of scale s as a BigDecimal. */
  public static BigDecimal big(long v, int scale) {
    return BigDecimal.valueOf(v, scale);
  }

  /** {@code v} at scale s, HALF_UP, if it has at most p digits; else an overflow error. */
  public static BigDecimal fit(BigDecimal v, int precision, int scale, ExprSite site) {
    BigDecimal r = v.scale() == scale ? v : v.setScale(scale, RoundingMode.HALF_UP);
    if (r.unscaledValue().abs().compareTo(BIG_POW10[precision]) >= 0) {
      throw site.decimalOverflow(v);
    }
    return r;
  }

  /** {@link #fit(BigDecimal, int, int, ExprSite)} as an unscaled long (precision ≤ 18). */
  public static long fitLong(BigDecimal v, int precision, int scale, ExprSite site) {
    return fit(v, precision, scale, site).unscaledValue().longValue();
  }

  /** The unscaled long of a BigDecimal already fitted to a precision ≤ 18. */
  private static long unscaledLong(BigDecimal v) {
    return v.unscaledValue().longValueExact();
  }

  /** a / b rounded HALF_UP to scale s and checked against precision p. */
  public static BigDecimal divide(BigDecimal a, BigDecimal b, int precision, int scale, ExprSite site) {
    if (b.signum() == 0) {
      throw site.decimalDivisionByZero(a);
    }
    BigDecimal q = a.divide(b, scale, RoundingMode.HALF_UP);
    if (q.unscaledValue().abs().compareTo(BIG_POW10[precision]) >= 0) {
      throw site.decimalOverflow(a, b);
    }
    return q;
  }

  /** MOD(a, b): the remainder with a's sign, at scale s. */
  public static BigDecimal mod(BigDecimal a, BigDecimal b, int precision, int scale, ExprSite site) {
    if (b.signum() == 0) {
      throw site.decimalDivisionByZero(a);
    }
    return fit(a.remainder(b), precision, scale, site);
  }

  /** a op b fitted: the binary operations on BigDecimals ({@code op}: + - *). */
  public static BigDecimal add(BigDecimal a, BigDecimal b, int precision, int scale, ExprSite site) {
    return fitBinary(a.add(b), a, b, precision, scale, site);
  }

  public static BigDecimal subtract(BigDecimal a, BigDecimal b, int precision, int scale, ExprSite site) {
    return fitBinary(a.subtract(b), a, b, precision, scale, site);
  }

  public static BigDecimal multiply(BigDecimal a, BigDecimal b, int precision, int scale, ExprSite site) {
    return fitBinary(a.multiply(b), a, b, precision, scale, site);
  }

  private static BigDecimal fitBinary(BigDecimal r, BigDecimal a, BigDecimal b, int precision, int scale,
      ExprSite site) {
    BigDecimal v = r.scale() == scale ? r : r.setScale(scale, RoundingMode.HALF_UP);
    if (v.unscaledValue().abs().compareTo(BIG_POW10[precision]) >= 0) {
      throw site.decimalOverflow(a, b);
    }
    return v;
  }

  /** CAST of a BigDecimal to INT, HALF_UP. */
  public static int toInt(BigDecimal v, ExprSite site) {
    BigDecimal r = v.setScale(0, RoundingMode.HALF_UP);
    if (r.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0 || r.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      throw site.decimalOverflow(v);
    }
    return r.intValue();
  }

  /** CAST of a BigDecimal to BIGINT, HALF_UP. */
  public static long toLong(BigDecimal v, ExprSite site) {
    BigDecimal r = v.setScale(0, RoundingMode.HALF_UP);
    if (r.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0 || r.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw site.decimalOverflow(v);
    }
    return r.longValue();
  }

  /** CAST of a double to DECIMAL(p, s): its shortest decimal text, HALF_UP; NaN and infinities fail. */
  public static BigDecimal fromDoubleBig(double d, int precision, int scale, ExprSite site) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw site.outOfRange(d);
    }
    return fit(BigDecimal.valueOf(d), precision, scale, site);
  }

  /** CAST of a string to DECIMAL(p, s), HALF_UP. */
  public static BigDecimal parseBig(String s, int precision, int scale, ExprSite site) {
    BigDecimal v;
    try {
      v = new BigDecimal(s.trim());
    } catch (NumberFormatException e) {
      throw site.badCast(s, "a decimal number");
    }
    return fit(v, precision, scale, site);
  }
}
