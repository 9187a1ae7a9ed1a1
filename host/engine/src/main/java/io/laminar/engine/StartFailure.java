package io.laminar.engine;

/** The engine could not start; the error says why (and its kind decides the exit code). */
public final class StartFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient ServerError error;

  StartFailure(ServerError error, Throwable cause) {
    super(error.message(), cause);
    this.error = error;
  }

  /** What went wrong. */
  public ServerError error() {
    return error;
  }
}
