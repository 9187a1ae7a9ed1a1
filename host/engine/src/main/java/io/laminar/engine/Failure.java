package io.laminar.engine;

import io.laminar.api.ConnectorException;
import io.laminar.runtime.ExpressionError;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Why a part of the running engine failed, as the restart strategy sees it: a short cause (the
 * {@code cause} label of {@code laminar_restarts_total}) and whether the failure is transient (a
 * restart may well succeed: a connection that failed, I/O, a call that did not return in time) or
 * deterministic (the same input fails the same way again: an expression error, a connector's
 * run-time error or bug).
 *
 * @param cause {@code connection_failed}, {@code io}, {@code timeout}, {@code expression},
 *     {@code connector} or {@code internal}
 * @param message what failed, for the log and the API
 */
record Failure(String cause, boolean transientFailure, String message) {

  /** Classifies {@code error}: the first cause in its chain that says what kind it is decides. */
  static Failure of(String message, Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BoundedCalls.Timeout) {
        return new Failure("timeout", true, message);
      }
      if (t instanceof ConnectorException ce) {
        return ce.kind() == ConnectorException.Kind.CONNECTION_FAILED
            ? new Failure("connection_failed", true, message)
            : new Failure("connector", false, message);
      }
      if (t instanceof IOException || t instanceof UncheckedIOException) {
        return new Failure("io", true, message);
      }
      if (t instanceof ExpressionError) {
        return new Failure("expression", false, message);
      }
    }
    return new Failure("internal", false, message);
  }

  /** A call or wait that did not finish in time. */
  static Failure timeout(String message) {
    return new Failure("timeout", true, message);
  }
}
