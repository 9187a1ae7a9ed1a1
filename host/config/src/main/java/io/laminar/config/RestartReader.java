package io.laminar.config;

import java.time.Duration;
import java.util.Optional;

/** Reads a restart strategy table ({@code [server.restart]}, {@code [pipeline.restart]} or inline). */
final class RestartReader {
  private static final int MAX_ATTEMPTS = 1_000_000;

  private RestartReader() {
  }

  /** The strategy under {@code owner}'s {@code restart} key, if present; errors go to the reading. */
  static Optional<RestartSettings> read(TableReader owner) {
    Optional<TableReader> table = owner.table("restart", "the restart strategy of " + owner.label());
    if (table.isEmpty()) {
      return Optional.empty();
    }
    TableReader t = table.get();
    t.allowOnly(RestartSettings.KEYS);
    RestartSettings d = RestartSettings.defaults();
    String strategy = t.choice("strategy", RestartSettings.STRATEGIES).orElse(d.strategy());
    Optional<Integer> attempts = t.intInRange("attempts", 0, MAX_ATTEMPTS, "between 0 and " + MAX_ATTEMPTS);
    Duration delay = t.duration("delay").orElse(d.delay());
    Duration initial = t.duration("initial").orElse(d.initial());
    Duration max = t.duration("max").orElse(d.max());
    Duration resetAfter = t.positiveDuration("reset_after").orElse(d.resetAfter());
    double multiplier = multiplier(t).orElse(d.multiplier());
    if (initial.compareTo(max) > 0 && t.has("initial") && t.has("max")) {
      t.error(t.valuePosition("max"), "'max' in " + t.label() + " must not be shorter than 'initial' ("
          + Durations.format(initial) + "), got " + Durations.format(max));
    }
    String only = strategy.equals("fixed_delay") ? "delay" : null;
    for (String key : new String[] {"delay", "initial", "max", "multiplier"}) {
      boolean fits = strategy.equals("fixed_delay") ? key.equals(only) : strategy.equals("exponential")
          && !key.equals("delay");
      if (t.has(key) && !fits) {
        t.error(t.keyPosition(key), "'" + key + "' in " + t.label() + " does not apply to strategy \"" + strategy
            + "\"" + (strategy.equals("none") ? "" : strategy.equals("fixed_delay")
                ? " (it takes 'attempts', 'delay' and 'reset_after')"
                : " (it takes 'attempts', 'initial', 'max', 'multiplier' and 'reset_after')"));
      }
    }
    return Optional.of(new RestartSettings(strategy, attempts, delay, initial, max, multiplier, resetAfter));
  }

  private static Optional<Double> multiplier(TableReader t) {
    Optional<Field> f = t.field("multiplier");
    if (f.isEmpty()) {
      return Optional.empty();
    }
    Object v = f.get().value();
    if (!(v instanceof Double) && !(v instanceof Long)) {
      t.error(f.get().valuePosition(), "'multiplier' in " + t.label() + " must be a number such as 2.0, got "
          + TomlValues.describe(v));
      return Optional.empty();
    }
    double m = ((Number) v).doubleValue();
    if (!(m >= 1.0) || m > 1000) {
      t.error(f.get().valuePosition(), "'multiplier' in " + t.label() + " must be between 1 and 1000, got " + v);
      return Optional.empty();
    }
    return Optional.of(m);
  }
}
