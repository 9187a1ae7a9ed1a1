package io.laminar.config;

import io.laminar.api.ConnectorProperties;
import java.util.List;

/**
 * The result of checking a connector instance's properties against its spec.
 *
 * @param properties typed values with defaults filled in (only the valid ones when there are errors)
 * @param errors every problem found, in property order
 */
public record ValidatedProperties(ConnectorProperties properties, List<ConfigError> errors) {
  /** Copies the error list. */
  public ValidatedProperties {
    errors = List.copyOf(errors);
  }

  /** Whether the properties are valid. */
  public boolean ok() {
    return errors.isEmpty();
  }
}
