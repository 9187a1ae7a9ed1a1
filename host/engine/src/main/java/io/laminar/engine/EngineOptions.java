package io.laminar.engine;

import java.time.Duration;

/**
 * Run-time choices that are not part of the config file.
 *
 * @param resetState start without restoring the last checkpoint (after an incompatible SQL change)
 * @param checkpointTimeout how long one checkpoint may take before it is abandoned
 */
public record EngineOptions(boolean resetState, Duration checkpointTimeout) {
  /** Restore state; checkpoints may take up to a minute. */
  public static EngineOptions defaults() {
    return new EngineOptions(false, Duration.ofMinutes(1));
  }
}
