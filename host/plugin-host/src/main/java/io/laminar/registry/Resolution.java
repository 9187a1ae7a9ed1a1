package io.laminar.registry;

import java.util.Optional;

/** The outcome of {@link ConnectorRegistry#resolve}: the connector, or a message for the user. */
public sealed interface Resolution {

  /** The connector was found. */
  record Found(RegisteredConnector connector) implements Resolution {
  }

  /** No unique connector matched; {@code message} says why and what is installed. */
  record Failed(String message) implements Resolution {
  }

  /** The connector, if resolution succeeded. */
  default Optional<RegisteredConnector> found() {
    return this instanceof Found f ? Optional.of(f.connector()) : Optional.empty();
  }

  /** The error message, if resolution failed. */
  default Optional<String> error() {
    return this instanceof Failed f ? Optional.of(f.message()) : Optional.empty();
  }
}
