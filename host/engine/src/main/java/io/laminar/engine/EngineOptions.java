package io.laminar.engine;

import java.time.Duration;
import java.util.Set;

/**
 * Run-time choices that are not part of the config file.
 *
 * @param resetState start without restoring the last checkpoint (after an incompatible SQL change)
 * @param checkpointTimeout how long one checkpoint may take before it is abandoned
 * @param resetSources sources whose saved offsets are forgotten (they read from their configured
 *     start); the rest of the checkpoint is restored
 */
public record EngineOptions(boolean resetState, Duration checkpointTimeout, Set<String> resetSources) {
  /** Copies the set. */
  public EngineOptions {
    resetSources = Set.copyOf(resetSources);
  }

  /** Options that forget no single source's offsets. */
  public EngineOptions(boolean resetState, Duration checkpointTimeout) {
    this(resetState, checkpointTimeout, Set.of());
  }

  /** Restore state; checkpoints may take up to a minute. */
  public static EngineOptions defaults() {
    return new EngineOptions(false, Duration.ofMinutes(1));
  }
}
