package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorMetrics;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Connector gauges with tags: one series per tag set, labelled beside the host's own label. */
class EngineMetricsTest {
  private static Map<String, Double> series(EngineMetrics metrics, String name) {
    Map<String, Double> out = new TreeMap<>();
    metrics.gaugeValues().forEach((k, v) -> {
      if (k.name().equals(name)) {
        out.put(k.tags().toString(), v);
      }
    });
    return out;
  }

  @Test
  void taggedGaugesAreOneSeriesPerTagSetNextToTheUntaggedTotal() {
    EngineMetrics metrics = new EngineMetrics();
    ConnectorMetrics kafka = metrics.forConnector("source", "orders");
    kafka.gauge("lag_records", "lag of all partitions", () -> 12);
    kafka.gauge("lag_records", "lag of one partition", Map.of("partition", "orders-0"), () -> 5);
    kafka.gauge("lag_records", "lag of one partition", Map.of("partition", "orders-1"), () -> 7);

    assertEquals(Map.of("{partition=orders-0, source=orders}", 5.0, "{partition=orders-1, source=orders}", 7.0,
        "{source=orders}", 12.0), series(metrics, "laminar_source_lag_records"));
    assertEquals("lag of all partitions", metrics.description("laminar_source_lag_records"));
  }

  @Test
  void registeringTheSameNameAndTagsAgainReplacesTheSupplier() {
    EngineMetrics metrics = new EngineMetrics();
    ConnectorMetrics m = metrics.forConnector("source", "orders");
    m.gauge("lag_records", "lag", Map.of("partition", "orders-0"), () -> 5);
    m.gauge("lag_records", "lag", Map.of("partition", "orders-0"), () -> 9);

    assertEquals(Map.of("{partition=orders-0, source=orders}", 9.0), series(metrics, "laminar_source_lag_records"));
  }

  @Test
  void emptyTagsAreTheUntaggedGauge() {
    EngineMetrics metrics = new EngineMetrics();
    ConnectorMetrics m = metrics.forConnector("sink", "out");
    m.gauge("pending_rows", "rows", () -> 1);
    m.gauge("pending_rows", "rows", Map.of(), () -> 2);

    assertEquals(Map.of("{sink=out}", 2.0), series(metrics, "laminar_sink_pending_rows"));
  }

  @Test
  void tagsThatAreNoLabelNameOrTheHostsOwnAreRefusedNamingTheConnector() {
    ConnectorMetrics m = new EngineMetrics().forConnector("source", "orders");
    IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
        () -> m.gauge("lag_records", "lag", Map.of("source", "x"), () -> 1));
    assertEquals("gauge tag 'source' of source 'orders' is the host's own label; use another name", own.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> m.gauge("lag_records", "lag", Map.of("Partition-Id", "x"), () -> 1));
    assertTrue(bad.getMessage().contains("'Partition-Id'") && bad.getMessage().contains("lower_snake_case"),
        bad.getMessage());
  }
}
