package io.laminar.engine;

import io.laminar.config.ConfigError;
import io.laminar.config.Position;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * A problem found while constructing the engine, as a value: its {@link Kind}, a message written for
 * the person editing the config, and where in the config it points when there is such a place.
 */
public record ServerError(Kind kind, String message, Optional<Position> position) implements Comparable<ServerError> {

  /** The spec's error kinds, plus {@link #CONFIG} for the config loader's own findings. */
  public enum Kind {
    /** The file itself: syntax, unknown keys, types, names, property values. */
    CONFIG,
    /** A connector could not be created: unknown type, rejected properties. */
    CONNECTOR_CREATION,
    /** A source or lookup could not become a SQL table. */
    TABLE_REGISTRATION,
    /** A pipeline's SQL does not compile or is not supported. */
    SQL_COMPILATION,
    /** A schema the engine cannot use. */
    INVALID_SCHEMA,
    /** Sources, pipelines and sinks do not fit together. */
    INVALID_TOPOLOGY,
    /**
     * The saved state cannot be used as it is: no checkpoint verifies, or one belongs to another
     * configuration. Starting anyway would reprocess or skip input, so the user decides.
     */
    STATE,
    /** A connector's connectivity check failed. */
    CONNECTION_FAILED,
    /** A failure while running. */
    RUNTIME
  }

  private static final Comparator<ServerError> ORDER = Comparator
      .comparing((ServerError e) -> e.position.map(p -> p.file().toString()).orElse("\uffff"))
      .thenComparingInt(e -> e.position.map(Position::line).orElse(0))
      .thenComparingInt(e -> e.position.map(Position::column).orElse(0))
      .thenComparing(ServerError::message);

  /** Checks the parts are present. */
  public ServerError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(position, "position");
  }

  /** An error at a position. */
  public static ServerError at(Kind kind, Position position, String message) {
    return new ServerError(kind, message, Optional.ofNullable(position));
  }

  /** Wraps a config loader error. */
  public static ServerError of(ConfigError e) {
    return new ServerError(Kind.CONFIG, e.message(), Optional.of(e.position()));
  }

  /** {@code file:line:col: error: message}, or {@code error: message} without a position. */
  public String format() {
    return position.map(p -> p + ": error: ").orElse("error: ") + message;
  }

  @Override
  public int compareTo(ServerError o) {
    return ORDER.compare(this, o);
  }
}
