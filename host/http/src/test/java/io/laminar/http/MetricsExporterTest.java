package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laminar.api.ConnectorMetrics;
import io.laminar.engine.EngineMetrics;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A name whose series have different tags (a connector's total next to its per-partition gauges)
 * is exported with one label set, a missing label as the empty value; series added later with new
 * tags bind the name again instead of being rejected by the Prometheus registry.
 */
class MetricsExporterTest {
  private static Map<String, Double> series(MetricsExporter exporter, String family) {
    Map<String, Double> out = new TreeMap<>();
    PrometheusText.Family f = PrometheusText.parse(exporter.scrape()).get(family);
    if (f != null) {
      f.samples().forEach(s -> out.put(s.labels().toString(), s.value()));
    }
    return out;
  }

  @Test
  void seriesWithOtherTagsThanTheFirstAreExportedToo() {
    EngineMetrics metrics = new EngineMetrics();
    try (MetricsExporter exporter = new MetricsExporter(metrics, () -> 0L)) {
      ConnectorMetrics m = metrics.forConnector("source", "orders");
      m.gauge("lag_records", "records not yet read", () -> 12);
      assertEquals(Map.of("{source=orders}", 12.0), series(exporter, "laminar_source_lag_records"));

      m.gauge("lag_records", "records not yet read", Map.of("partition", "orders-0"), () -> 5);
      m.gauge("lag_records", "records not yet read", Map.of("partition", "orders-1"), () -> 7);
      assertEquals(Map.of("{partition=, source=orders}", 12.0, "{partition=orders-0, source=orders}", 5.0,
          "{partition=orders-1, source=orders}", 7.0), series(exporter, "laminar_source_lag_records"));

      // a second scrape with the same label set keeps the bindings
      assertEquals(3, series(exporter, "laminar_source_lag_records").size());
    }
  }
}
