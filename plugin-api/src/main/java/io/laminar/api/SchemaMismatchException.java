package io.laminar.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configured schema does not match the external table, column by column. Thrown by
 * {@code check()}; the host reports each problem at its column's {@code [[source.schema]]} (or
 * {@code [[lookup.schema]]}) entry, or at the instance when the column is not in the config.
 */
public class SchemaMismatchException extends ConnectorException {
  private static final long serialVersionUID = 1L;

  /** One mismatch: the configured column it concerns and what is wrong, in the user's terms. */
  public record Problem(String column, String message) {
  }

  private final List<Problem> problems;

  /** Creates the exception; {@code problems} must not be empty. */
  public SchemaMismatchException(List<Problem> problems) {
    super(Kind.INVALID_PROPERTY, null, problems.stream().map(Problem::message).collect(Collectors.joining("; ")), null);
    this.problems = List.copyOf(problems);
  }

  /** Every mismatch found. */
  public List<Problem> problems() {
    return problems;
  }
}
