package io.laminar.engine;

import io.laminar.runtime.LateRowListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a pipeline's late-row drops into warnings: the first drop of a source is logged at once,
 * later ones at most once per {@link #INTERVAL} per source, each with the rows dropped since the
 * previous warning and how late they were. Shared by the pipeline's workers.
 */
final class LateRowWarnings implements LateRowListener {
  private static final Logger LOG = LoggerFactory.getLogger(LateRowWarnings.class);
  static final Duration INTERVAL = Duration.ofSeconds(10);

  private final String pipeline;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Consumer<String> log;
  private final Map<String, Pending> pending = new HashMap<>();

  /** Rows dropped since a source's last warning. */
  private static final class Pending {
    long lastWarning;
    boolean warned;
    long rows;
    long maxLateness;
    long totalLateness;
  }

  LateRowWarnings(String pipeline) {
    this(pipeline, INTERVAL, System::nanoTime, LOG::warn);
  }

  LateRowWarnings(String pipeline, Duration interval, LongSupplier nanoClock, Consumer<String> log) {
    this.pipeline = pipeline;
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
    this.log = log;
  }

  @Override
  public synchronized void onLateRows(String source, long rows, long maxLatenessMillis, long totalLatenessMillis) {
    Pending p = pending.computeIfAbsent(source, s -> new Pending());
    p.rows += rows;
    p.maxLateness = Math.max(p.maxLateness, maxLatenessMillis);
    p.totalLateness += totalLatenessMillis;
    long now = nanoClock.getAsLong();
    if (!p.warned || now - p.lastWarning >= intervalNanos) {
      warn(source, p, now);
    }
  }

  /** Logs what was dropped since each source's last warning (at the end of a pipeline). */
  synchronized void flush() {
    long now = nanoClock.getAsLong();
    pending.forEach((source, p) -> {
      if (p.rows > 0) {
        warn(source, p, now);
      }
    });
  }

  private void warn(String source, Pending p, long now) {
    String since = p.warned ? "in the last " + duration((now - p.lastWarning) / 1_000_000) : "so far";
    log.accept(String.format(Locale.ROOT, "pipeline '%s' dropped %,d late rows of source '%s' %s: the watermark "
        + "had passed the end of their window by up to %s (%s on average). A larger max_out_of_orderness in "
        + "[source.watermark] keeps such rows; totals per source are in /api/v1/pipelines.", pipeline, p.rows,
        source, since, duration(p.maxLateness), duration(p.totalLateness / p.rows)));
    p.warned = true;
    p.lastWarning = now;
    p.rows = 0;
    p.maxLateness = 0;
    p.totalLateness = 0;
  }

  private static String duration(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 120_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    return String.format(Locale.ROOT, "%.1f min", millis / 60_000.0);
  }
}
