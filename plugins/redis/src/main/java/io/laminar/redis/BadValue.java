package io.laminar.redis;

/**
 * A stored value that does not parse as its column's type. Thrown per value on the decode path and
 * caught per row, so it carries no stack trace.
 */
final class BadValue extends Exception {
  private static final long serialVersionUID = 1L;

  BadValue(String message) {
    super(message, null, false, false);
  }
}
