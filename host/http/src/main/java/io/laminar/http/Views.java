package io.laminar.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.laminar.engine.ComponentStatus;
import io.laminar.engine.PipelineStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shapes of the API; field names become snake_case. */
final class Views {
  private Views() {
  }

  record Health(String status, String version, String state, long uptimeMs, Map<String, String> pipelines) {
  }

  record Ready(boolean ready, List<Component> components) {
  }

  record Component(String kind, String name, String connector, String state) {
    static Component of(ComponentStatus c) {
      return new Component(c.kind(), c.name(), c.connector(), c.state());
    }
  }

  record Pipeline(String name, String state, String sql, List<String> sources, List<String> lookups,
      List<String> sinks, long rowsIn, long rowsOut, long lateRowsDropped, Map<String, LateRows> lateRowsBySource,
      String watermark, long restarts, String lastError, String onError, long rowErrors) {
    static Pipeline of(PipelineStatus p) {
      Map<String, LateRows> late = new TreeMap<>();
      p.lateRowsBySource().forEach((source, l) -> late.put(source, new LateRows(l.rows(), l.maxLatenessMillis())));
      return new Pipeline(p.name(), p.state(), p.sql(), p.sources().stream().sorted().toList(),
          p.lookups().stream().sorted().toList(), p.sinks(), p.rowsIn(), p.rowsOut(), p.lateRowsDropped(), late,
          watermark(p.watermark()), p.restarts(), p.lastError(), p.onError(), p.rowErrors());
    }

    /** ISO-8601, or null before the first event and after the input ended (both are sentinels). */
    private static String watermark(long ms) {
      return ms == Long.MIN_VALUE || ms == Long.MAX_VALUE ? null : Instant.ofEpochMilli(ms).toString();
    }
  }

  /**
   * Rows of one source dropped as late, and by how much at most the watermark had passed the end of
   * their window (the extra max_out_of_orderness that would have kept them all).
   */
  record LateRows(long rows, long maxLatenessMs) {
  }

  /**
   * A source, lookup or sink instance; {@code pipeline} only for sinks.
   *
   * @param metrics the gauges the connector registered without tags, by short name (finite values only)
   * @param taggedMetrics the gauges it registered with tags, by short name: one series per tag set,
   *     sorted by tags (absent when it registered none)
   * @param cache a lookup's host-side cache (lookups only)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Instance(String name, String connector, String provider, String state, String pipeline,
      Map<String, Object> properties, Map<String, Double> metrics, Map<String, List<Series>> taggedMetrics,
      LookupCache cache) {
  }

  /** One series of a tagged gauge; {@code value} null when the connector reports it as unknown (NaN). */
  record Series(Map<String, String> tags, Double value) {
  }

  /**
   * A lookup's host-side cache, all pipelines together and per pipeline: hits and misses count the
   * distinct keys of each input batch; {@code hit_ratio} is hits / (hits + misses), null before the
   * first key.
   *
   * @param size {@code [lookup.cache] size} (per pipeline worker)
   * @param ttlMs {@code [lookup.cache] ttl}
   */
  record LookupCache(long size, long ttlMs, long hits, long misses, long evictions, Double hitRatio,
      List<LookupCachePipeline> pipelines) {
  }

  /** One pipeline's caches of a lookup (all its workers). */
  record LookupCachePipeline(String pipeline, long hits, long misses, long evictions, Double hitRatio) {
  }

  /**
   * {@code GET /api/v1/checkpoint}: the last checkpoint, the last failure, the one in progress and
   * when the next periodic one is due.
   *
   * @param inProgress the id of the checkpoint being taken, null when none is
   * @param intervalMs the periodic interval, null when periodic checkpoints are off
   * @param nextDueAt ISO-8601, null when no periodic checkpoint will be taken
   */
  record CheckpointState(LastCheckpoint last, FailedCheckpoint lastFailure, long completed, long failed,
      Long inProgress, Long intervalMs, String nextDueAt, Long nextDueInMs) {
  }

  /** A completed checkpoint; {@code trigger} is periodic, requested or final. */
  record LastCheckpoint(long checkpointId, long durationMs, long sizeBytes, String completedAt, long ageMs,
      String trigger) {
  }

  /** A failed checkpoint ({@code checkpoint_id} 0 if it failed before it had one). */
  record FailedCheckpoint(long checkpointId, String message, String at, String trigger) {
  }

  record ConnectorType(String type, String kind, String provider, String providerVersion, String description,
      List<Property> properties) {
  }

  record Property(String name, String type, boolean required, @JsonProperty("default") String defaultValue,
      List<String> allowedValues, String doc) {
  }

  record Checkpoint(long checkpointId, long durationMs, long sizeBytes) {
  }

  /**
   * {@code GET /api/v1/server}: what the web console's overview shows beyond {@code /health}.
   *
   * @param checkpointIntervalMs the periodic checkpoint interval; null without {@code [checkpoint]}
   * @param checkpointsEnabled whether {@code POST /api/v1/checkpoint} can take one
   * @param authRequired whether {@code /api/*} needs the bearer token (always true when this is read
   *     with one)
   */
  record Server(String name, String version, long uptimeMs, int workers, Long checkpointIntervalMs,
      boolean checkpointsEnabled, boolean authRequired, Map<String, ServerPipeline> pipelines) {
  }

  /**
   * Where a pipeline is declared: {@code file:line:col} of its SQL text and of its {@code [[pipeline]]},
   * and its own {@code parallelism} if it sets one.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ServerPipeline(String sqlPosition, String position, Integer parallelism) {
  }
}
