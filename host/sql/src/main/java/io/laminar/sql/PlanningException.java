package io.laminar.sql;

import org.apache.calcite.sql.parser.SqlParserPos;

/** Thrown inside the plan builder for SQL it cannot plan; becomes a {@link SqlError}. */
final class PlanningException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final transient SqlParserPos position;

  PlanningException(String message, SqlParserPos position) {
    super(message, null, false, false);
    this.position = position;
  }
}
