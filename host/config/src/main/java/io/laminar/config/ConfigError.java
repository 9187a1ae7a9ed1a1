package io.laminar.config;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in the configuration, with the place it refers to. Errors are values: the
 * loader collects all of them and the CLI decides how to print them and which exit code to use.
 *
 * <p>The natural order is by file name, line, column and message; {@link ConfigLoader} sorts by the
 * order in which files were given instead of by file name.
 */
public record ConfigError(Path file, int line, int column, String message) implements Comparable<ConfigError> {
  private static final Comparator<ConfigError> ORDER = Comparator
      .comparing((ConfigError e) -> e.file.toString())
      .thenComparingInt(ConfigError::line)
      .thenComparingInt(ConfigError::column)
      .thenComparing(ConfigError::message);

  /** Checks the parts are present. */
  public ConfigError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  /** An error at a position. */
  public static ConfigError at(Position position, String message) {
    return new ConfigError(position.file(), position.line(), position.column(), message);
  }

  /** Where the error is. */
  public Position position() {
    return new Position(file, line, column);
  }

  /** {@code <file>:<line>:<col>: error: <message>}, the form compilers use and editors link. */
  public String format() {
    return file + ":" + line + ":" + column + ": error: " + message;
  }

  @Override
  public int compareTo(ConfigError other) {
    return ORDER.compare(this, other);
  }
}
