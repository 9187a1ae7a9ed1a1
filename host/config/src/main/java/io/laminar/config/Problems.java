package io.laminar.config;

import java.util.ArrayList;
import java.util.List;

/** Collects errors while the configuration is read, so every problem is reported at once. */
final class Problems {
  private final List<ConfigError> errors = new ArrayList<>();

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
