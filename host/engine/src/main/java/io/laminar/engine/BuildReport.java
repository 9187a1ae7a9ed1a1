package io.laminar.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of construction phases 1–6: every error (sorted by position), every warning, and how
 * long each phase took.
 */
public record BuildReport(List<ServerError> errors, List<String> warnings, Map<String, Duration> phaseTimes) {
  /** Copies the lists. */
  public BuildReport {
    errors = errors.stream().sorted().toList();
    warnings = List.copyOf(warnings);
    phaseTimes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phaseTimes));
  }

  /** Whether construction may proceed to build and start. */
  public boolean ok() {
    return errors.isEmpty();
  }
}
