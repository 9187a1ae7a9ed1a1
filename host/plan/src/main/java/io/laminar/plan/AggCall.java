package io.laminar.plan;

/**
 * One aggregate of a window aggregation. {@code argument} is an input column index, or -1 for
 * {@code COUNT(*)}. {@code origin} is where the aggregate is in the SQL (null when unknown), for
 * run-time errors such as a SUM that no longer fits its type.
 */
public record AggCall(Kind kind, int argument, boolean distinct, SqlType argumentType, SqlType resultType,
    String name, Expr.Origin origin) {

  /** An aggregate with no known origin. */
  public AggCall(Kind kind, int argument, boolean distinct, SqlType argumentType, SqlType resultType, String name) {
    this(kind, argument, distinct, argumentType, resultType, name, null);
  }

  /** Aggregate functions. */
  public enum Kind {
    /** COUNT(*) or COUNT(x). */
    COUNT,
    /** SUM(x); integer sums are BIGINT, exact: a total beyond BIGINT is an error, not a wrapped value. */
    SUM,
    /** MIN(x). */
    MIN,
    /** MAX(x). */
    MAX,
    /** AVG(x), in the argument's type as SQL says (integer AVG truncates). */
    AVG
  }

  @Override
  public String toString() {
    String arg = argument < 0 ? "*" : (distinct ? "DISTINCT $" : "$") + argument;
    return name + "=" + kind + "(" + arg + "):" + resultType;
  }
}
