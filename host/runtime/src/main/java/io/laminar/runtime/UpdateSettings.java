package io.laminar.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How an updating (non-windowed) GROUP BY emits and forgets, from the pipeline's config.
 *
 * @param emitInterval emit the changes of this long together (coalesced: a group changed many
 *     times in between yields one update); zero = after every input batch
 * @param stateTtl forget a group not updated for this long (zero = never), so that state over an
 *     unbounded key space stays bounded; a forgotten group's output row stays as last emitted
 * @param clock processing time in epoch milliseconds
 */
public record UpdateSettings(Duration emitInterval, Duration stateTtl, LongSupplier clock) {
  /** Emit per batch, keep every group, wall-clock time. */
  public static final UpdateSettings DEFAULT = new UpdateSettings(Duration.ZERO, Duration.ZERO,
      System::currentTimeMillis);

  /** Validates. */
  public UpdateSettings {
    Objects.requireNonNull(emitInterval, "emitInterval");
    Objects.requireNonNull(stateTtl, "stateTtl");
    Objects.requireNonNull(clock, "clock");
    if (emitInterval.isNegative() || stateTtl.isNegative()) {
      throw new IllegalArgumentException("emit_interval and state_ttl must not be negative");
    }
  }
}
