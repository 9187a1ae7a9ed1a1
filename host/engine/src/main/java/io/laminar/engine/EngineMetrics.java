package io.laminar.engine;

import io.laminar.api.ConnectorMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The engine's metric store: counters and gauges by full name. The HTTP layer exports it; connectors
 * reach it through a {@link ConnectorMetrics} view that prefixes their names.
 */
public final class EngineMetrics {
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();
  private final Map<String, String> help = new ConcurrentHashMap<>();

  /** A counter, created on first use. */
  public LongAdder counter(String name, String description) {
    help.putIfAbsent(name, description);
    return counters.computeIfAbsent(name, n -> new LongAdder());
  }

  /** Registers a gauge (replacing one of the same name). */
  public void gauge(String name, String description, DoubleSupplier value) {
    help.putIfAbsent(name, description);
    gauges.put(name, value);
  }

  /** Current counter values, sorted by name. */
  public Map<String, Long> counterValues() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Current gauge values, sorted by name. */
  public Map<String, Double> gaugeValues() {
    Map<String, Double> out = new TreeMap<>();
    gauges.forEach((k, v) -> out.put(k, v.getAsDouble()));
    return out;
  }

  /** The description given when a metric was registered. */
  public String description(String name) {
    return help.getOrDefault(name, "");
  }

  /** A view for one connector instance: names become {@code laminar_<kind>_<name>{instance}}. */
  public ConnectorMetrics forConnector(String kind, String instance) {
    String prefix = "laminar_" + kind + "_";
    String suffix = "{" + kind + "=\"" + instance + "\"}";
    return new ConnectorMetrics() {
      @Override
      public Counter counter(String name, String description) {
        LongAdder adder = EngineMetrics.this.counter(prefix + name + suffix, description);
        return adder::add;
      }

      @Override
      public void gauge(String name, String description, DoubleSupplier value) {
        EngineMetrics.this.gauge(prefix + name + suffix, description, value);
      }
    };
  }
}
