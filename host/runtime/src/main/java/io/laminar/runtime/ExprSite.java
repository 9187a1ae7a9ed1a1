package io.laminar.runtime;

import io.laminar.plan.Expr;
import io.laminar.plan.SqlType;

/**
 * One expression of generated code that can fail at run time, and how to describe its failure. The
 * generated class holds one per such expression and hands it to the {@link Exact} helpers; an error
 * is only built when a value really fails, so the common path pays nothing but the check.
 */
public final class ExprSite {
  private final Expr.Origin origin;
  private final String operator;
  private final SqlType type;

  ExprSite(Expr.Op op, SqlType type, Expr.Origin origin) {
    this.origin = origin;
    this.operator = symbol(op);
    this.type = type;
  }

  private static String symbol(Expr.Op op) {
    return switch (op) {
      case PLUS -> "+";
      case MINUS -> "-";
      case TIMES -> "*";
      case DIVIDE -> "/";
      case MOD -> "MOD";
      case NEGATE -> "-";
      default -> op.name();
    };
  }

  /** {@code a op b} does not fit the result type. */
  public ExpressionError overflow(long a, long b) {
    String values = operator.equals("MOD") ? "MOD(" + a + ", " + b + ")" : a + " " + operator + " " + b;
    return new ExpressionError("integer overflow: " + values + " is out of the range of " + type, origin);
  }

  /** A one-argument operator (negation, ABS, CAST) of {@code a} does not fit the result type. */
  public ExpressionError overflow(long a) {
    String values = switch (operator) {
      case "-" -> "-(" + a + ")";
      case "CAST", "TRY_CAST" -> a + "";
      default -> operator + "(" + a + ")";
    };
    return new ExpressionError("integer overflow: " + values + " is out of the range of " + type, origin);
  }

  /** {@code a op b} of decimals does not fit the DECIMAL result type. */
  public ExpressionError decimalOverflow(java.math.BigDecimal a, java.math.BigDecimal b) {
    String values = operator.equals("MOD") ? "MOD(" + a.toPlainString() + ", " + b.toPlainString() + ")"
        : a.toPlainString() + " " + operator + " " + b.toPlainString();
    return new ExpressionError("decimal overflow: " + values + " is out of the range of " + type, origin);
  }

  /** A one-argument operator (negation, ABS, CAST) of decimal {@code a} does not fit the result type. */
  public ExpressionError decimalOverflow(java.math.BigDecimal a) {
    String text = a.toPlainString();
    String values = switch (operator) {
      case "-" -> "-(" + text + ")";
      case "CAST", "TRY_CAST" -> text;
      default -> operator + "(" + text + ")";
    };
    return new ExpressionError("decimal overflow: " + values + " is out of the range of " + type, origin);
  }

  /** A decimal {@code a / 0} or {@code MOD(a, 0)}. */
  public ExpressionError decimalDivisionByZero(java.math.BigDecimal a) {
    String text = a.toPlainString();
    return new ExpressionError("division by zero: " + (operator.equals("MOD") ? "MOD(" + text + ", 0)" : text + " "
        + operator + " 0"), origin);
  }

  /** A floating-point {@code value} cast to an integer type is out of its range (or NaN). */
  public ExpressionError outOfRange(double value) {
    return new ExpressionError("value " + value + " is out of the range of " + type, origin);
  }

  /** {@code a / 0} or {@code MOD(a, 0)}. */
  public ExpressionError divisionByZero(long a) {
    return new ExpressionError("division by zero: " + (operator.equals("MOD") ? "MOD(" + a + ", 0)" : a + " "
        + operator + " 0"), origin);
  }

  /** A string that does not convert to the target type; {@code expected} says what would. */
  public ExpressionError badCast(String value, String expected) {
    return new ExpressionError("cannot cast '" + value + "' to " + type + " (expected " + expected + ")", origin);
  }
}
