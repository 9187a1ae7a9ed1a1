package io.laminar.api;

import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Where a connector publishes its own metrics; the host prefixes names with the connector kind and
 * tags them with the instance name. Names are lower_snake_case, units in the name
 * ({@code "lag_records"}, {@code "bytes_read_total"}).
 */
public interface ConnectorMetrics {

  /** A monotonically increasing counter. */
  interface Counter {
    /** Adds {@code delta} (≥ 0). */
    void increment(long delta);
  }

  /** Registers (or returns the existing) counter. */
  Counter counter(String name, String description);

  /** Registers a gauge read on every scrape. */
  void gauge(String name, String description, DoubleSupplier value);

  /**
   * Registers one series of a gauge that has several, told apart by {@code tags} (lower_snake_case
   * keys, e.g. {@code {"partition": "orders-3"}} for a per-partition {@code "lag_records"}); the host
   * adds them as labels next to its own. Registering the same name and tags again replaces the
   * supplier. A host that cannot label series ignores the call (the default).
   */
  default void gauge(String name, String description, Map<String, String> tags, DoubleSupplier value) {
  }

  /** A metrics group that records nothing, for tests. */
  static ConnectorMetrics noop() {
    return new ConnectorMetrics() {
      @Override
      public Counter counter(String name, String description) {
        return delta -> { };
      }

      @Override
      public void gauge(String name, String description, DoubleSupplier value) {
      }
    };
  }
}
