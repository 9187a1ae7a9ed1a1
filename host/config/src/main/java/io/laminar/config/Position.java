package io.laminar.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A place in a configuration file: 1-based line and column (0:0 when a problem has no better place,
 * such as an unreadable file). The file is kept as the user gave it, not absolutized, so messages
 * read like the command line that produced them.
 */
public record Position(Path file, int line, int column) {
  /** Checks the file is present. */
  public Position {
    Objects.requireNonNull(file, "file");
  }

  /** The first character of {@code file}. */
  public static Position startOf(Path file) {
    return new Position(file, 1, 1);
  }

  /** The same line, {@code delta} columns further right. */
  Position shifted(int delta) {
    return new Position(file, line, column + delta);
  }

  /** {@code file:line:col}. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
