package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics: Prometheus text 0.0.4 with engine, JVM and Arrow metrics. */
class MetricsTest {
  @TempDir static Path dir;
  private static LaminarFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = LaminarFixture.start(dir, Optional.empty(), null);
    fx.awaitRows();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private static Map<String, PrometheusText.Family> scrape() throws Exception {
    HttpResponse<String> r = fx.get("/metrics");
    assertEquals(200, r.statusCode());
    return PrometheusText.parse(r.body());
  }

  private static double value(Map<String, PrometheusText.Family> families, String family, String label, String value) {
    PrometheusText.Family f = families.get(family);
    assertNotNull(f, family + " missing; have " + families.keySet());
    return f.samples().stream().filter(s -> value.equals(s.labels().get(label))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + family + "{" + label + "=\"" + value + "\"}")).value();
  }

  @Test
  void contentTypeIsTextFormat004() throws Exception {
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        fx.get("/metrics").headers().firstValue("content-type").orElse(""));
  }

  @Test
  void everyLineParsesStrictly() throws Exception {
    Map<String, PrometheusText.Family> families = scrape();
    assertTrue(families.size() > 20, families.keySet().toString());
  }

  @Test
  void everyCounterEndsInTotalAndEveryFamilyHasHelp() throws Exception {
    for (PrometheusText.Family f : scrape().values()) {
      if (f.type().equals("counter")) {
        assertTrue(f.name().endsWith("_total"), f.name());
      }
      assertNotNull(f.help(), "no HELP for " + f.name());
    }
  }

  @Test
  void pipelineRowsInTotalIsPositiveForARunningPipeline() throws Exception {
    Map<String, PrometheusText.Family> families = scrape();
    assertEquals("counter", families.get("laminar_pipeline_rows_in_total").type());
    assertEquals("Rows fed into the pipeline", families.get("laminar_pipeline_rows_in_total").help());
    assertTrue(value(families, "laminar_pipeline_rows_in_total", "pipeline", "cheap") > 0);
  }

  @Test
  void countersKeepRisingAcrossScrapes() throws Exception {
    double first = value(scrape(), "laminar_pipeline_rows_in_total", "pipeline", "cheap");
    long deadline = System.nanoTime() + 10_000_000_000L;
    double later;
    do {
      Thread.sleep(50);
      later = value(scrape(), "laminar_pipeline_rows_in_total", "pipeline", "cheap");
    } while (later <= first && System.nanoTime() < deadline);
    assertTrue(later > first, first + " -> " + later);
  }

  /** Once the engine stopped nothing moves: each figure must equal what it counts, exactly. */
  @Test
  void connectorAndArrowMetricsEqualWhatTheyCountOnceTheEngineStopped(@TempDir Path own) throws Exception {
    try (LaminarFixture stopped = LaminarFixture.start(own, Optional.empty(), null)) {
      stopped.awaitRows();
      stopped.stopEngine();
      HttpResponse<String> r = stopped.get("/metrics");
      assertEquals(200, r.statusCode());
      Map<String, PrometheusText.Family> families = PrometheusText.parse(r.body());
      double rowsOut = value(families, "laminar_pipeline_rows_out_total", "pipeline", "cheap");
      assertEquals(rowsOut, value(families, "laminar_sink_rows_discarded_total", "sink", "cheap_out"),
          "the blackhole sink counts every row its pipeline emitted");
      double read = value(families, "laminar_source_rows_read_total", "source", "trades");
      assertTrue(read > 0, "rows were read: " + read);
      assertEquals(read, value(families, "laminar_pipeline_rows_in_total", "pipeline", "cheap"),
          "every row read reached the pipeline after the drain");
      assertEquals((double) stopped.allocator.getAllocatedMemory(),
          families.get("laminar_arrow_allocated_bytes").samples().get(0).value());
    }
  }

  @Test
  void metricsRegisteredAfterStartAppearOnTheNextScrape() throws Exception {
    assertFalse(scrape().containsKey("laminar_test_late_events_total"));
    fx.engine.metrics().counter("laminar_test_late_events_total", Map.of("source", "late"), "Registered late")
        .add(7);
    fx.engine.metrics().gauge("laminar_test_lag_seconds", Map.of("source", "late"), "A late gauge", () -> 2.5);
    Map<String, PrometheusText.Family> families = scrape();
    assertEquals(7.0, value(families, "laminar_test_late_events_total", "source", "late"));
    assertEquals("gauge", families.get("laminar_test_lag_seconds").type());
    assertEquals(2.5, value(families, "laminar_test_lag_seconds", "source", "late"));
  }

  @Test
  void aConnectorGaugeThatThrowsReadsAsNaNIsCountedAndTheScrapeSucceeds() throws Exception {
    fx.engine.metrics().forConnector("source", "broken").gauge("lag_seconds", "A gauge that throws", () -> {
      throw new IllegalStateException("client not connected");
    });
    HttpResponse<String> r = fx.get("/metrics");
    assertEquals(200, r.statusCode());
    Map<String, PrometheusText.Family> families = PrometheusText.parse(r.body());
    assertTrue(Double.isNaN(value(families, "laminar_source_lag_seconds", "source", "broken")), r.body());
    assertTrue(value(families, "laminar_metric_errors_total", "metric", "laminar_source_lag_seconds") >= 1, r.body());
    assertTrue(families.containsKey("laminar_pipeline_rows_in_total"), "the other metrics are still there");
  }

  @Test
  void jvmProcessAndArrowMetricsArePresent() throws Exception {
    Map<String, PrometheusText.Family> families = scrape();
    for (String name : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_gc_memory_allocated_bytes_total",
        "process_uptime_seconds", "system_cpu_count", "laminar_arrow_allocated_bytes"}) {
      assertTrue(families.containsKey(name), name + " missing; have " + families.keySet());
    }
    assertEquals("gauge", families.get("laminar_arrow_allocated_bytes").type());
  }
}
