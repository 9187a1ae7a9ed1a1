package io.laminar.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A restart strategy: {@code [server] restart} for every pipeline, or {@code [pipeline] restart} for
 * one.
 *
 * @param strategy {@code exponential} (the default), {@code fixed_delay} or {@code none}
 * @param attempts how many restarts in a row are allowed for any failure; absent = unlimited for
 *     transient failures (a connection that failed, I/O, a call that timed out) and none for
 *     deterministic ones (an expression error, a connector's bug), which would only fail again
 * @param delay {@code fixed_delay}: the wait before each restart
 * @param initial {@code exponential}: the wait before the first restart
 * @param max {@code exponential}: the longest wait
 * @param multiplier {@code exponential}: each wait is the previous one times this (at least 1)
 * @param resetAfter {@code exponential}: after running this long without a failure the next wait is
 *     {@code initial} again and the attempt count starts over (also used by {@code fixed_delay})
 */
public record RestartSettings(String strategy, Optional<Integer> attempts, Duration delay, Duration initial,
    Duration max, double multiplier, Duration resetAfter) {
  /** The strategies accepted. */
  public static final List<String> STRATEGIES = List.of("exponential", "fixed_delay", "none");
  /** The keys of a restart table. */
  public static final List<String> KEYS = List.of("strategy", "attempts", "delay", "initial", "max", "multiplier",
      "reset_after");

  /** Exponential from 1 s to 1 min, doubling, reset after 10 min without a failure. */
  public static RestartSettings defaults() {
    return new RestartSettings("exponential", Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofMinutes(1), 2.0, Duration.ofMinutes(10));
  }
}
