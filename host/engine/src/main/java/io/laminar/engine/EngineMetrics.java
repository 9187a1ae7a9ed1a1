package io.laminar.engine;

import io.laminar.api.ConnectorMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The engine's metric store: counters and gauges keyed by name and tags. The HTTP layer exports
 * it (Prometheus names: {@code laminar_…_total}, units in names); connectors reach it through a
 * {@link ConnectorMetrics} view that prefixes their names and tags them with the instance.
 */
public final class EngineMetrics {
  /** A metric's identity: a Prometheus-style name and its label set. */
  public record Key(String name, Map<String, String> tags) implements Comparable<Key> {
    /** Copies the tags in sorted order. */
    public Key {
      tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    @Override
    public int compareTo(Key o) {
      int c = name.compareTo(o.name);
      return c != 0 ? c : tags.toString().compareTo(o.tags.toString());
    }
  }

  private final Map<Key, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<Key, LongSupplier> functionCounters = new ConcurrentHashMap<>();
  private final Map<Key, DoubleSupplier> gauges = new ConcurrentHashMap<>();
  private final Map<String, String> help = new ConcurrentHashMap<>();

  /** A counter, created on first use. */
  public LongAdder counter(String name, Map<String, String> tags, String description) {
    help.putIfAbsent(name, description);
    return counters.computeIfAbsent(new Key(name, tags), k -> new LongAdder());
  }

  /** Registers a counter whose value is read from elsewhere on every scrape (must never decrease). */
  public void functionCounter(String name, Map<String, String> tags, String description, LongSupplier value) {
    help.putIfAbsent(name, description);
    functionCounters.put(new Key(name, tags), value);
  }

  /** Registers a gauge (replacing one with the same key). */
  public void gauge(String name, Map<String, String> tags, String description, DoubleSupplier value) {
    help.putIfAbsent(name, description);
    gauges.put(new Key(name, tags), value);
  }

  /** Current counter values, sorted by key. */
  public Map<Key, Long> counterValues() {
    Map<Key, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    functionCounters.forEach((k, v) -> out.put(k, v.getAsLong()));
    return out;
  }

  /**
   * Current gauge values, sorted by key. Each gauge is read with the thread context class loader of
   * the code that registered it (a plugin's loader for a plugin's gauge); one that throws reads as
   * NaN and is counted in {@code laminar_metric_errors_total{metric}}, so a broken gauge never
   * breaks a scrape.
   */
  public Map<Key, Double> gaugeValues() {
    Map<Key, Double> out = new TreeMap<>();
    gauges.forEach((k, v) -> out.put(k, read(k, v)));
    return out;
  }

  private double read(Key key, DoubleSupplier gauge) {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    ClassLoader own = gauge.getClass().getClassLoader();
    try {
      if (own != null) {
        thread.setContextClassLoader(own);
      }
      return gauge.getAsDouble();
    } catch (RuntimeException | LinkageError e) {
      LongAdder errors = counter("laminar_metric_errors_total", Map.of("metric", key.name()),
          "Metric reads that threw (the value is reported as NaN)");
      if (errors.sum() == 0) {
        org.slf4j.LoggerFactory.getLogger(EngineMetrics.class).warn("gauge {}{} threw {}; reported as NaN",
            key.name(), key.tags(), e.toString());
      }
      errors.increment();
      return Double.NaN;
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  /** The description given when a metric name was first registered. */
  public String description(String name) {
    return help.getOrDefault(name, "");
  }

  /**
   * A view for one connector instance: names become {@code laminar_<kind>_<name>{<kind>="<instance>"}}; a
   * tagged gauge adds its tags as labels ({@code laminar_source_lag_records{partition="t-0",source="k"}}),
   * one series per tag set.
   */
  public ConnectorMetrics forConnector(String kind, String instance) {
    String prefix = "laminar_" + kind + "_";
    Map<String, String> tags = Map.of(kind, instance);
    return new ConnectorMetrics() {
      @Override
      public Counter counter(String name, String description) {
        LongAdder adder = EngineMetrics.this.counter(prefix + name, tags, description);
        return adder::add;
      }

      @Override
      public void gauge(String name, String description, DoubleSupplier value) {
        EngineMetrics.this.gauge(prefix + name, tags, description, value);
      }

      @Override
      public void gauge(String name, String description, Map<String, String> series, DoubleSupplier value) {
        EngineMetrics.this.gauge(prefix + name, withSeries(kind, instance, series), description, value);
      }
    };
  }

  private static final java.util.regex.Pattern LABEL = java.util.regex.Pattern.compile("[a-z][a-z0-9_]*");

  /**
   * The host's label ({@code kind=instance}) and a connector's own tags. A connector's tag must be
   * a lower_snake_case label name other than the host's and must have a value.
   */
  static Map<String, String> withSeries(String kind, String instance, Map<String, String> series) {
    Map<String, String> all = new TreeMap<>();
    for (Map.Entry<String, String> e : series.entrySet()) {
      String key = e.getKey();
      if (key == null || !LABEL.matcher(key).matches()) {
        throw new IllegalArgumentException("gauge tag '" + key + "' of " + kind + " '" + instance
            + "' is not a lower_snake_case name");
      }
      if (key.equals(kind)) {
        throw new IllegalArgumentException("gauge tag '" + key + "' of " + kind + " '" + instance
            + "' is the host's own label; use another name");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("gauge tag '" + key + "' of " + kind + " '" + instance + "' has no value");
      }
      all.put(key, e.getValue());
    }
    all.put(kind, instance);
    return all;
  }
}
