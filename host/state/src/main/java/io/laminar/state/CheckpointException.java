package io.laminar.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An I/O problem while writing, publishing or reading a checkpoint. The message always names the
 * file or directory involved. It is an {@link IOException} so that the streams handed out by
 * {@link CheckpointWriter#open(String)} and {@link RestoredCheckpoint#open(String)} can raise it too.
 */
public final class CheckpointException extends IOException {
  private final transient Path path;

  /** A problem with {@code path}; {@code what} says what was being done ("cannot fsync"). */
  public CheckpointException(String what, Path path, Throwable cause) {
    super(what + " " + path + (cause == null ? "" : " (" + describe(cause) + ")"), cause);
    this.path = Objects.requireNonNull(path, "path");
  }

  /** A problem with {@code path} that has no underlying exception. */
  public CheckpointException(String what, Path path) {
    this(what, path, null);
  }

  /** The file or directory the problem is about. */
  public Path path() {
    return path;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    String type = cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }
}
