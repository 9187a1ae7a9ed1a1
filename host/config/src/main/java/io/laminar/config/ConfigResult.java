package io.laminar.config;

import java.util.List;

/**
 * What {@link ConfigLoader#load} produces: the model, or every error found.
 *
 * @param config the validated model; {@code null} whenever {@code errors} is not empty
 * @param errors all problems, sorted by file order, line and column
 */
public record ConfigResult(LaminarConfig config, List<ConfigError> errors) {
  /** Copies the error list. */
  public ConfigResult {
    errors = List.copyOf(errors);
  }

  /** Whether the configuration is valid and {@link #config()} is present. */
  public boolean ok() {
    return config != null && errors.isEmpty();
  }
}
