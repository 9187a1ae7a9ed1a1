package io.laminar.runtime;

import io.laminar.plan.Expr;

/**
 * A row's value that an expression cannot compute: integer overflow, division by zero, a string that
 * is not a number. Names the expression (with its place in the pipeline's SQL, when known) and the
 * offending values. No stack trace: it describes the data, not the code.
 */
public final class ExpressionError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Expr.Origin origin;
  private final String problem;

  ExpressionError(String problem, Expr.Origin origin) {
    super(origin == null ? problem : problem + " in " + origin, null, false, false);
    this.origin = origin;
    this.problem = problem;
  }

  /** Where the failing expression is in the SQL, or null when unknown. */
  public Expr.Origin origin() {
    return origin;
  }

  /** What went wrong, with the values, without the position. */
  public String problem() {
    return problem;
  }
}
