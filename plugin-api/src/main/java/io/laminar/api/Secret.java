package io.laminar.api;

import java.util.Objects;

/**
 * A {@link PropertyType#PASSWORD} value. {@link #toString()} never reveals it; call
 * {@link #reveal()} only where the secret is handed to a client library.
 */
public final class Secret {
  private final String value;

  /** Wraps a secret value. */
  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The secret in clear text. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "****";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret && ((Secret) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
