package io.laminar.kafka;

/** One record could not be turned into a row; the message says why, in the user's terms. */
final class DecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  DecodeException(String message) {
    super(message, null, false, false);
  }
}
