package io.laminar.http;

import io.laminar.engine.EngineMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes the engine's metric store, JVM metrics and Arrow memory in the Prometheus text format.
 *
 * <p>Connectors and pipelines register metrics while the engine runs, so each scrape first takes a
 * snapshot of {@link EngineMetrics} and binds any key not seen before (a {@link FunctionCounter} or
 * {@link Gauge} reading that snapshot); keys that vanished are removed. Scrapes are serialized, so
 * every sample of one scrape comes from one snapshot.
 *
 * <p>Prometheus requires every series of a name to have the same label names, but a connector may
 * register a gauge both without tags (a total) and with them (one series per partition). Each name
 * is therefore bound with the union of its series' label names, a missing one as the empty value
 * (which Prometheus treats as absent); when that union changes, the name's meters are bound again.
 */
final class MetricsExporter implements AutoCloseable {
  /** The Prometheus text exposition format 0.0.4 content type. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(MetricsExporter.class);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final EngineMetrics metrics;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<EngineMetrics.Key, Meter> boundCounters = new HashMap<>();
  private final Map<EngineMetrics.Key, Meter> boundGauges = new HashMap<>();
  private final Set<String> rejectedNames = new HashSet<>();
  /** The label names each metric name is bound with (Prometheus wants one label set per name). */
  private final Map<String, Set<String>> boundLabels = new HashMap<>();
  private volatile Map<EngineMetrics.Key, Long> counters = Map.of();
  private volatile Map<EngineMetrics.Key, Double> gauges = Map.of();

  MetricsExporter(EngineMetrics metrics, LongSupplier arrowAllocatedBytes) {
    this.metrics = metrics;
    registry.config().onMeterRegistrationFailed((id, reason) -> {
      synchronized (rejectedNames) {
        if (rejectedNames.add(id.getName())) {
          LOG.warn("metric '{}' is not exported: {}", id.getName(), reason);
        }
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("laminar_arrow_allocated_bytes", arrowAllocatedBytes, s -> (double) s.getAsLong())
        .description("Bytes held by the engine's Arrow allocators")
        .strongReference(true)
        .register(registry);
  }

  /** Syncs the engine's metrics and renders everything in the text format. */
  synchronized String scrape() {
    // gauges first: a gauge that throws is counted in a counter this same scrape reports
    Map<EngineMetrics.Key, Double> g = metrics.gaugeValues();
    Map<EngineMetrics.Key, Long> c = metrics.counterValues();
    counters = c;
    gauges = g;
    Map<String, Set<String>> labels = new HashMap<>();
    for (EngineMetrics.Key key : c.keySet()) {
      labels.computeIfAbsent(key.name(), n -> new TreeSet<>()).addAll(key.tags().keySet());
    }
    for (EngineMetrics.Key key : g.keySet()) {
      labels.computeIfAbsent(key.name(), n -> new TreeSet<>()).addAll(key.tags().keySet());
    }
    for (Map.Entry<String, Set<String>> e : labels.entrySet()) {
      Set<String> before = boundLabels.put(e.getKey(), e.getValue());
      if (before != null && !before.equals(e.getValue())) {
        unbindName(boundCounters, e.getKey());
        unbindName(boundGauges, e.getKey());
      }
    }
    boundLabels.keySet().retainAll(labels.keySet());
    for (EngineMetrics.Key key : c.keySet()) {
      boundCounters.computeIfAbsent(key, k -> FunctionCounter
          .builder(k.name(), this, e -> e.counters.getOrDefault(k, 0L).doubleValue())
          .description(metrics.description(k.name()))
          .tags(tags(k, labels.get(k.name())))
          .register(registry));
    }
    for (EngineMetrics.Key key : g.keySet()) {
      boundGauges.computeIfAbsent(key, k -> Gauge
          .builder(k.name(), this, e -> e.gauges.getOrDefault(k, Double.NaN))
          .description(metrics.description(k.name()))
          .tags(tags(k, labels.get(k.name())))
          .register(registry));
    }
    unbindMissing(boundCounters, c.keySet());
    unbindMissing(boundGauges, g.keySet());
    return registry.scrape();
  }

  private void unbindMissing(Map<EngineMetrics.Key, Meter> bound, Set<EngineMetrics.Key> present) {
    List<EngineMetrics.Key> gone = new ArrayList<>();
    for (EngineMetrics.Key key : bound.keySet()) {
      if (!present.contains(key)) {
        gone.add(key);
      }
    }
    for (EngineMetrics.Key key : gone) {
      registry.remove(bound.remove(key));
    }
  }

  private void unbindName(Map<EngineMetrics.Key, Meter> bound, String name) {
    for (var it = bound.entrySet().iterator(); it.hasNext();) {
      Map.Entry<EngineMetrics.Key, Meter> e = it.next();
      if (e.getKey().name().equals(name)) {
        registry.remove(e.getValue());
        it.remove();
      }
    }
  }

  /** The key's tags, and the empty value for each other label name its metric has. */
  private static Tags tags(EngineMetrics.Key key, Set<String> labelNames) {
    List<Tag> tags = new ArrayList<>();
    for (String label : labelNames) {
      tags.add(Tag.of(label, key.tags().getOrDefault(label, "")));
    }
    return Tags.of(tags);
  }

  @Override
  public synchronized void close() {
    gc.close();
    registry.close();
  }
}
