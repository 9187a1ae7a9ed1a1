package io.laminar.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery policy of a running engine: takes every region's failure (from its threads or from
 * the checkpoint coordinator), stops the region, and either restarts it after the wait its
 * {@link RestartPolicy} gives or marks it FAILED. All of that runs on one thread of its own, so a
 * failing thread never waits for its own cleanup and two failures of one region are handled in
 * order; a report from an earlier run of the region than the current one is ignored. The engine
 * provides the mechanics ({@link Engine#stopRun}, {@link Engine#restartRun}); the supervisor holds
 * no lock the engine's threads need.
 */
final class Supervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  private final Engine engine;
  private final EngineMetrics metrics;
  private final boolean exitOnFailure;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "laminar-supervisor");
    t.setDaemon(true);
    return t;
  });

  Supervisor(Engine engine, EngineMetrics metrics, boolean exitOnFailure) {
    this.engine = engine;
    this.metrics = metrics;
    this.exitOnFailure = exitOnFailure;
  }

  /**
   * Reports that {@code run} of {@code region} failed. Returns at once; the first report of a run
   * turns the region RESTARTING (so checkpoints leave it out and readiness turns 503) and queues
   * its handling.
   */
  void failed(Region region, Region.Run run, Failure failure) {
    synchronized (region) {
      if (run == null || region.run() != run || region.state() != Region.State.RUNNING) {
        LOG.debug("{}: late failure report ignored: {}", region.name(), failure.message());
        return;
      }
      region.failedWith(failure);
      region.state(Region.State.RESTARTING);
    }
    if (engine.state() == Engine.State.FAILED) {
      LOG.debug("{} stopped with the failed engine: {}", region.name(), failure.message());
      region.state(Region.State.STOPPED);
      return;
    }
    if (engine.state() != Engine.State.RUNNING) {
      // Stopping: nothing restarts; the stop cleans the region up.
      LOG.error("{} failed while the engine is {}: {}", region.name(),
          engine.state().name().toLowerCase(java.util.Locale.ROOT), failure.message());
      region.state(Region.State.FAILED);
      engine.regionFailedWhileStopping(region, failure);
      return;
    }
    submit(() -> handle(region, run, failure));
  }

  /** Runs {@code task} on the supervisor's thread (unless it is closed). */
  void submit(Runnable task) {
    try {
      thread.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.error("supervisor task failed", e);
          engine.fail("internal error while handling a failure: " + e, e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("supervisor closed; task dropped");
    }
  }

  private void handle(Region region, Region.Run run, Failure failure) {
    long now = System.nanoTime();
    if (region.attemptsInRow > 0 && now - region.healthySinceNanos >= region.policy().resetAfter().toNanos()) {
      region.attemptsInRow = 0;
    }
    Optional<Duration> delay = region.policy().delay(failure, region.attemptsInRow);
    engine.stopRun(region, run);
    if (delay.isEmpty() || engine.state() != Engine.State.RUNNING) {
      giveUp(region, failure, delay.isEmpty() ? region.policy().givingUp(failure, region.attemptsInRow)
          : "the engine is stopping");
      return;
    }
    region.attemptsInRow++;
    region.countRestart();
    for (var p : region.pipelines()) {
      metrics.counter("laminar_restarts_total", Map.of("pipeline", p.name(), "cause", failure.cause()),
          "Restarts of a pipeline after a failure, by cause").increment();
    }
    LOG.warn("{} failed ({}): {}; restarting from the last checkpoint in {} (attempt {})", region.name(),
        failure.cause(), failure.message(), format(delay.get()), region.attemptsInRow);
    try {
      thread.schedule(() -> restart(region), delay.get().toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("supervisor closed; restart of {} dropped", region.name());
    }
  }

  private void restart(Region region) {
    if (engine.state() != Engine.State.RUNNING) {
      region.state(Region.State.STOPPED);
      return;
    }
    try {
      long from = engine.restartRun(region);
      region.healthySinceNanos = System.nanoTime();
      LOG.info("{} restarted from {}", region.name(), from == 0 ? "the beginning (no checkpoint yet)"
          : "checkpoint " + from);
    } catch (StartFailure e) {
      Failure again = Failure.of(e.error().message(), e.getCause() == null ? e : e.getCause());
      Region.Run partial = region.run();
      synchronized (region) {
        region.failedWith(again);
      }
      handle(region, partial, again);
    }
  }

  private void giveUp(Region region, Failure failure, String why) {
    region.state(Region.State.FAILED);
    String message = region.name() + " failed: " + failure.message();
    LOG.error("{}; not restarted: {}", message, why);
    if (exitOnFailure) {
      engine.fail(message + " (on_pipeline_failure = \"exit\")", null);
    } else {
      engine.checkEnd();
    }
  }

  private static String format(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + " ms" : String.format(java.util.Locale.ROOT, "%.1f s",
        d.toMillis() / 1000.0);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
