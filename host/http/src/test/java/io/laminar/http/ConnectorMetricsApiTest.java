package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the console's connector rows and overview read: tagged connector gauges (per-partition lag
 * next to the total) in {@code /api/v1/sources} and {@code /metrics}, a CDC snapshot's gauges, the
 * lookup cache's hits and misses, the sinks' commit durations and {@code GET /api/v1/checkpoint}.
 */
class ConnectorMetricsApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static LaminarFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = LaminarFixture.start(dir, Optional.empty(), null, LaminarFixture.WITH_GAUGES);
    fx.awaitRows();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private static JsonNode json(String path) throws Exception {
    HttpResponse<String> r = fx.get(path);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static JsonNode named(JsonNode list, String name) {
    for (JsonNode n : list) {
      if (n.path("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no '" + name + "' in " + list);
  }

  private static List<PrometheusText.Sample> samples(String family) throws Exception {
    Map<String, PrometheusText.Family> families = PrometheusText.parse(fx.get("/metrics").body());
    PrometheusText.Family f = families.get(family);
    assertNotNull(f, family + " missing; have " + families.keySet());
    return f.samples();
  }

  @Test
  void taggedGaugesAreSeriesWithTheirTagsBesideTheUntaggedTotal() throws Exception {
    JsonNode vault = named(json("/api/v1/sources"), "vault");
    assertEquals(13.0, vault.path("metrics").path("lag_records").asDouble(), vault.toString());
    JsonNode lag = vault.path("tagged_metrics").path("lag_records");
    Map<String, String> series = new TreeMap<>();
    lag.forEach(s -> series.put(s.path("tags").toString(), s.path("value").isNull() ? "unknown"
        : String.valueOf(s.path("value").asDouble())));
    assertEquals(Map.of("{\"partition\":\"orders-0\"}", "5.0", "{\"partition\":\"orders-1\"}", "7.0",
        "{\"partition\":\"orders-10\"}", "1.0", "{\"partition\":\"orders-2\"}", "unknown"), series);
    assertFalse(named(json("/api/v1/sources"), "trades").has("tagged_metrics"), "absent without tagged gauges");

    Map<String, Double> prometheus = new TreeMap<>();
    for (PrometheusText.Sample s : samples("laminar_source_lag_records")) {
      prometheus.put(s.labels().toString(), s.value());
    }
    assertEquals(13.0, prometheus.get("{partition=, source=vault}"), prometheus.toString());
    assertEquals(5.0, prometheus.get("{partition=orders-0, source=vault}"), prometheus.toString());
    assertEquals(1.0, prometheus.get("{partition=orders-10, source=vault}"), prometheus.toString());
    assertTrue(prometheus.get("{partition=orders-2, source=vault}").isNaN(), prometheus.toString());
    assertEquals(4 + 1, prometheus.size(), prometheus.toString());
  }

  @Test
  void aSnapshotsProgressRowsAndEstimateAreTheSourcesMetrics() throws Exception {
    JsonNode metrics = named(json("/api/v1/sources"), "vault").path("metrics");
    assertEquals(0.4, metrics.path("snapshot_progress").asDouble(), metrics.toString());
    assertEquals(VaultSourceFactory.SNAPSHOT_ROWS, metrics.path("snapshot_rows").asDouble());
    assertEquals(VaultSourceFactory.SNAPSHOT_ROWS_ESTIMATED, metrics.path("snapshot_rows_estimated").asDouble());
  }

  @Test
  void theLookupShowsItsCacheHitsMissesAndHitRatio() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode cache;
    do {
      cache = named(json("/api/v1/lookups"), "names").path("cache");
      assertTrue(System.nanoTime() < deadline, "no cache hit after 30 s: " + cache);
      Thread.sleep(20);
    } while (cache.path("hits").asLong() == 0);
    assertEquals(10_000, cache.path("size").asLong(), cache.toString());
    assertEquals(60_000, cache.path("ttl_ms").asLong(), cache.toString());
    long hits = cache.path("hits").asLong();
    long misses = cache.path("misses").asLong();
    // every worker of the pipeline has its own cache, which fetches the four symbols once
    double workers = samples("laminar_pipeline_workers").stream().filter(w -> "enriched".equals(w.labels().get("pipeline")))
        .findFirst().orElseThrow().value();
    assertTrue(misses >= 4 && misses <= 4 * workers && misses % 4 == 0, misses + " misses on " + workers + " workers");
    assertEquals(0, cache.path("evictions").asLong());
    assertEquals((double) hits / (hits + misses), cache.path("hit_ratio").asDouble(), 1e-9);
    JsonNode enriched = cache.path("pipelines").get(0);
    assertEquals("enriched", enriched.path("pipeline").asText(), cache.toString());
    assertEquals(hits, enriched.path("hits").asLong());

    List<String> series = new ArrayList<>();
    for (String family : List.of("laminar_lookup_cache_hits_total", "laminar_lookup_cache_misses_total",
        "laminar_lookup_cache_evictions_total")) {
      for (PrometheusText.Sample s : samples(family)) {
        series.add(family + s.labels());
      }
    }
    assertEquals(List.of("laminar_lookup_cache_hits_total{lookup=names, pipeline=enriched}",
        "laminar_lookup_cache_misses_total{lookup=names, pipeline=enriched}",
        "laminar_lookup_cache_evictions_total{lookup=names, pipeline=enriched}"), series);
    assertTrue(samples("laminar_lookup_cache_misses_total").get(0).value() >= misses);
  }

  @Test
  void checkpointStatusShowsTheLastOneAndWhenTheNextIsDueAndSinksTheirCommitDuration() throws Exception {
    try (HttpApi api = fx.startAnother(Optional.empty(), CheckpointTrigger.of(fx.engine))) {
      HttpResponse<String> taken = fx.send(api, "POST", "/api/v1/checkpoint", null);
      assertEquals(200, taken.statusCode(), taken.body());
      long id = JSON.readTree(taken.body()).path("checkpoint_id").asLong();

      JsonNode status = json("/api/v1/checkpoint");
      JsonNode last = status.path("last");
      assertEquals(id, last.path("checkpoint_id").asLong(), status.toString());
      assertEquals("requested", last.path("trigger").asText());
      assertTrue(last.path("size_bytes").asLong() > 0, status.toString());
      assertTrue(last.path("age_ms").asLong() >= 0, status.toString());
      assertFalse(Instant.parse(last.path("completed_at").asText()).isAfter(Instant.now()), status.toString());
      assertTrue(status.path("last_failure").isNull(), status.toString());
      assertTrue(status.path("in_progress").isNull(), status.toString());
      assertEquals(3_600_000, status.path("interval_ms").asLong());
      Instant next = Instant.parse(status.path("next_due_at").asText());
      assertTrue(next.isAfter(Instant.now()) && next.isBefore(Instant.now().plus(Duration.ofHours(1)).plusSeconds(1)),
          status.toString());
      assertTrue(status.path("completed").asLong() >= 1);

      assertEquals((double) id, samples("laminar_checkpoint_last_id").get(0).value());
      assertEquals(next.toEpochMilli() / 1000.0,
          samples("laminar_checkpoint_next_due_timestamp_seconds").get(0).value(), 2.0);
      JsonNode sink = named(json("/api/v1/sinks"), "cheap_out").path("metrics");
      assertTrue(sink.path("last_commit_duration_seconds").asDouble(-1) >= 0, sink.toString());
      assertTrue(sink.path("last_prepare_commit_duration_seconds").asDouble(-1) >= 0, sink.toString());
    }
  }
}
