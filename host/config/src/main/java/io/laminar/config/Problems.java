package io.laminar.config;

import java.util.ArrayList;
import java.util.List;

/** Collects errors while the configuration is read, so every problem is reported at once. */
final class Problems {
  private final List<ConfigError> errors = new ArrayList<>();
  private final List<ConfigError> warnings = new ArrayList<>();

  /** Something accepted but worth telling the user (the config still loads). */
  void warn(Position position, String message) {
    warnings.add(ConfigError.at(position, message));
  }

  List<ConfigError> warnings() {
    return warnings;
  }

  void add(Position position, String message) {
    errors.add(ConfigError.at(position, message));
  }

  void addAll(List<ConfigError> more) {
    errors.addAll(more);
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  int count() {
    return errors.size();
  }

  List<ConfigError> list() {
    return errors;
  }
}
