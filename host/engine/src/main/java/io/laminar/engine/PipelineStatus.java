package io.laminar.engine;

import io.laminar.runtime.ExecutorMetrics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A pipeline's live view: state, SQL, where it reads from and writes to, counters and watermark.
 *
 * @param lateRowsBySource the rows dropped as late, per source they came from (all workers together)
 * @param watermark epoch ms; {@link Long#MIN_VALUE} before the first event, {@link Long#MAX_VALUE}
 *     once all input has ended
 * @param state CREATED, RUNNING, RESTARTING (failed, waiting to restart or restarting from the last
 *     checkpoint), FAILED (not restarted), STOPPING, STOPPED or FINISHED
 * @param restarts how often the pipeline was restarted after a failure in this process
 * @param lastError the last failure's message (null if it never failed)
 * @param onError the pipeline's {@code on.error} ({@code fail}, {@code skip}, {@code dead_letter})
 * @param rowErrors rows whose expression failed, groups whose aggregate did not fit and rows a sink rejected, that were skipped or dead-lettered
 */
public record PipelineStatus(String name, String state, String sql, Set<String> sources, Set<String> lookups,
    List<String> sinks, long rowsIn, long rowsOut, long lateRowsDropped,
    Map<String, ExecutorMetrics.LateRows> lateRowsBySource, long watermark, String explain, long restarts,
    String lastError, String onError, long rowErrors) {

  /** Copies the map. */
  public PipelineStatus {
    lateRowsBySource = Map.copyOf(lateRowsBySource);
  }

  /** The workers' late rows per source, added up. */
  static Map<String, ExecutorMetrics.LateRows> lateRowsBySource(List<ExecutorMetrics> workers) {
    Map<String, ExecutorMetrics.LateRows> all = new TreeMap<>();
    for (ExecutorMetrics w : workers) {
      w.lateRowsBySource().forEach((source, late) -> all.merge(source, late, ExecutorMetrics.LateRows::plus));
    }
    return all;
  }
}
