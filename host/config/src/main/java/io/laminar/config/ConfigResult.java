package io.laminar.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ConfigLoader#load} produces: the model, or every error found.
 *
 * @param config the validated model; {@code null} whenever {@code errors} is not empty
 * @param errors all problems, sorted by file order, line and column
 * @param warnings things accepted but worth saying (e.g. a trimmed {@code auth_token}), sorted likewise
 * @param partial when there are errors but the files parsed as TOML: the entries that are valid on
 *     their own, so that later checks can still run over them and report their errors in the same run
 */
public record ConfigResult(LaminarConfig config, List<ConfigError> errors, List<ConfigError> warnings,
    Optional<PartialConfig> partial) {
  /** Copies the lists. */
  public ConfigResult {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(partial, "partial");
  }

  /** A result without warnings or partial model. */
  public ConfigResult(LaminarConfig config, List<ConfigError> errors) {
    this(config, errors, List.of(), Optional.empty());
  }

  /** Whether the configuration is valid and {@link #config()} is present. */
  public boolean ok() {
    return config != null && errors.isEmpty();
  }
}
