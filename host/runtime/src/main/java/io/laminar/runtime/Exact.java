package io.laminar.runtime;

/**
 * Integer arithmetic that fails instead of wrapping around: the operations generated code calls for
 * INT and BIGINT. Each is a few instructions on the common path ({@code Math.*Exact} are JIT
 * intrinsics) and raises an {@link ExpressionError} naming the expression and the values otherwise.
 */
public final class Exact {
  private Exact() {
  }

  public static int add(int a, int b, ExprSite site) {
    int r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      throw site.overflow(a, b);
    }
    return r;
  }

  public static long add(long a, long b, ExprSite site) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      throw site.overflow(a, b);
    }
    return r;
  }

  public static int subtract(int a, int b, ExprSite site) {
    int r = a - b;
    if (((a ^ b) & (a ^ r)) < 0) {
      throw site.overflow(a, b);
    }
    return r;
  }

  public static long subtract(long a, long b, ExprSite site) {
    long r = a - b;
    if (((a ^ b) & (a ^ r)) < 0) {
      throw site.overflow(a, b);
    }
    return r;
  }

  public static int multiply(int a, int b, ExprSite site) {
    long r = (long) a * (long) b;
    if ((int) r != r) {
      throw site.overflow(a, b);
    }
    return (int) r;
  }

  public static long multiply(long a, long b, ExprSite site) {
    long r = a * b;
    long hi = Math.multiplyHigh(a, b);
    if ((hi != 0 || r < 0) && (hi != -1 || r >= 0)) {
      throw site.overflow(a, b);
    }
    return r;
  }

  public static int divide(int a, int b, ExprSite site) {
    if (b == 0) {
      throw site.divisionByZero(a);
    }
    if (a == Integer.MIN_VALUE && b == -1) {
      throw site.overflow(a, b);
    }
    return a / b;
  }

  public static long divide(long a, long b, ExprSite site) {
    if (b == 0) {
      throw site.divisionByZero(a);
    }
    if (a == Long.MIN_VALUE && b == -1) {
      throw site.overflow(a, b);
    }
    return a / b;
  }

  public static int mod(int a, int b, ExprSite site) {
    if (b == 0) {
      throw site.divisionByZero(a);
    }
    return a % b;
  }

  public static long mod(long a, long b, ExprSite site) {
    if (b == 0) {
      throw site.divisionByZero(a);
    }
    return a % b;
  }

  public static int negate(int a, ExprSite site) {
    if (a == Integer.MIN_VALUE) {
      throw site.overflow(a);
    }
    return -a;
  }

  public static long negate(long a, ExprSite site) {
    if (a == Long.MIN_VALUE) {
      throw site.overflow(a);
    }
    return -a;
  }

  public static int abs(int a, ExprSite site) {
    if (a == Integer.MIN_VALUE) {
      throw site.overflow(a);
    }
    return Math.abs(a);
  }

  public static long abs(long a, ExprSite site) {
    if (a == Long.MIN_VALUE) {
      throw site.overflow(a);
    }
    return Math.abs(a);
  }

  /** CAST of a BIGINT to INT. */
  public static int toInt(long a, ExprSite site) {
    if ((int) a != a) {
      throw site.overflow(a);
    }
    return (int) a;
  }

  /** CAST of a floating-point value to INT, truncating toward zero. */
  public static int toInt(double a, ExprSite site) {
    if (!(a > -2147483649.0 && a < 2147483648.0)) {
      throw site.outOfRange(a);
    }
    return (int) a;
  }

  /** CAST of a floating-point value to BIGINT, truncating toward zero. */
  public static long toLong(double a, ExprSite site) {
    if (!(a >= -9.223372036854775808E18 && a < 9.223372036854775808E18)) {
      throw site.outOfRange(a);
    }
    return (long) a;
  }

  public static int parseInt(String s, ExprSite site) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw site.badCast(s, "an integer from -2147483648 to 2147483647");
    }
  }

  public static long parseLong(String s, ExprSite site) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw site.badCast(s, "an integer from -9223372036854775808 to 9223372036854775807");
    }
  }

  public static float parseFloat(String s, ExprSite site) {
    try {
      return Float.parseFloat(s.trim());
    } catch (NumberFormatException e) {
      throw site.badCast(s, "a number");
    }
  }

  public static double parseDouble(String s, ExprSite site) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw site.badCast(s, "a number");
    }
  }

  public static boolean parseBoolean(String s, ExprSite site) {
    try {
      return Functions.parseBoolean(s);
    } catch (RuntimeException e) {
      throw site.badCast(s, "TRUE or FALSE");
    }
  }

  public static long parseTimestamp(String s, ExprSite site) {
    try {
      return Functions.parseTimestamp(s);
    } catch (RuntimeException e) {
      throw site.badCast(s, "yyyy-MM-dd HH:mm:ss[.fraction]");
    }
  }

  public static long parseTimestampMicros(String s, ExprSite site) {
    try {
      return Functions.parseTimestampMicros(s);
    } catch (RuntimeException e) {
      throw site.badCast(s, "yyyy-MM-dd HH:mm:ss[.fraction]");
    }
  }

  public static int parseDate(String s, ExprSite site) {
    try {
      return Functions.parseDate(s);
    } catch (RuntimeException e) {
      throw site.badCast(s, "yyyy-MM-dd");
    }
  }
}
