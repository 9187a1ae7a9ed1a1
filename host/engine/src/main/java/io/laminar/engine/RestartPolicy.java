package io.laminar.engine;

import io.laminar.config.RestartSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * Decides whether and when a failed part of the engine restarts ({@code [server.restart]} or a
 * pipeline's own {@code restart}): {@code fixed_delay} waits {@code delay} each time;
 * {@code exponential} waits {@code initial}, then {@code multiplier} times longer each time up to
 * {@code max}. Without {@code attempts}, transient failures restart without limit and deterministic
 * ones not at all; with it, any failure restarts at most that many times in a row. A part that ran
 * {@code reset_after} without failing starts counting again from zero. Pure: the caller keeps the
 * count and the clock.
 */
final class RestartPolicy {
  private final RestartSettings settings;

  RestartPolicy(RestartSettings settings) {
    this.settings = settings;
  }

  /** The settings this policy follows. */
  RestartSettings settings() {
    return settings;
  }

  /**
   * The wait before restart number {@code previous + 1}, or empty if the part is not restarted.
   *
   * @param previous restarts in a row so far (after a healthy {@link #resetAfter()} this is 0)
   */
  Optional<Duration> delay(Failure failure, int previous) {
    if (settings.strategy().equals("none")) {
      return Optional.empty();
    }
    int allowed = settings.attempts().orElse(failure.transientFailure() ? Integer.MAX_VALUE : 0);
    if (previous >= allowed) {
      return Optional.empty();
    }
    if (settings.strategy().equals("fixed_delay")) {
      return Optional.of(settings.delay());
    }
    double nanos = settings.initial().toNanos() * Math.pow(settings.multiplier(), Math.min(previous, 1000));
    long max = settings.max().toNanos();
    return Optional.of(Duration.ofNanos(nanos >= max || Double.isNaN(nanos) ? max : (long) nanos));
  }

  /** How long a part must run without failing before its count starts over. */
  Duration resetAfter() {
    return settings.resetAfter();
  }

  /** Why a failure is not restarted, for the log and the API. */
  String givingUp(Failure failure, int previous) {
    if (settings.strategy().equals("none")) {
      return "the restart strategy is \"none\"";
    }
    if (settings.attempts().isPresent()) {
      return previous == 0 ? "the restart strategy allows no attempts"
          : "the restart strategy's " + settings.attempts().get() + " attempts are used up";
    }
    return "a " + failure.cause() + " failure is deterministic (it would fail the same way again); set "
        + "'attempts' in the restart strategy to retry it anyway";
  }
}
