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

  /**
   * Classifies {@code error} by its cause chain: transient if anything in it says so (a
   * {@code CONNECTION_FAILED} connector exception, I/O, a timeout — ours, the JDK's, or a client
   * library's {@code …TimeoutException} — or an exception a client library marks retriable:
   * Kafka's {@code RetriableException}, JDBC's {@code SQLTransientException} and
   * {@code SQLRecoverableException}); otherwise deterministic, named after the first telling cause.
   */
  static Failure of(String message, Throwable error) {
    String deterministic = null;
    int depth = 0;
    for (Throwable t = error; t != null && depth < 64; t = t.getCause() == t ? null : t.getCause(), depth++) {
      if (t instanceof BoundedCalls.Timeout || t instanceof java.util.concurrent.TimeoutException) {
        return new Failure("timeout", true, message);
      }
      if (t instanceof ConnectorException ce && ce.kind() == ConnectorException.Kind.CONNECTION_FAILED) {
        return new Failure("connection_failed", true, message);
      }
      if (t instanceof IOException || t instanceof UncheckedIOException) {
        return new Failure("io", true, message);
      }
      String transientKind = libraryTransient(t.getClass());
      if (transientKind != null) {
        return new Failure(transientKind, true, message);
      }
      if (deterministic == null && t instanceof ExpressionError) {
        deterministic = "expression";
      } else if (deterministic == null && t instanceof ConnectorException) {
        deterministic = "connector";
      }
    }
    return new Failure(deterministic == null ? "internal" : deterministic, false, message);
  }

  /** "timeout" or "connection_failed" for a client library's transient exception (by class name: the host cannot see plugin classes). */
  private static String libraryTransient(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      String name = c.getSimpleName();
      if (name.endsWith("TimeoutException")) {
        return "timeout";
      }
      if (name.equals("RetriableException") || name.equals("SQLTransientException")
          || name.equals("SQLRecoverableException")) {
        return "connection_failed";
      }
    }
    return null;
  }

  /** A call or wait that did not finish in time. */
  static Failure timeout(String message) {
    return new Failure("timeout", true, message);
  }
}
