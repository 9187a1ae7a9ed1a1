package io.laminar.plan;

/**
 * One aggregate of a window aggregation. {@code argument} is an input column index, or -1 for
 * {@code COUNT(*)}.
 */
public record AggCall(Kind kind, int argument, boolean distinct, SqlType argumentType, SqlType resultType,
    String name) {

  /** Aggregate functions. */
  public enum Kind {
    /** COUNT(*) or COUNT(x). */
    COUNT,
    /** SUM(x); integer sums are BIGINT. */
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
