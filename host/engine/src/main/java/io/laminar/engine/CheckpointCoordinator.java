package io.laminar.engine;

import io.laminar.api.ConnectorException;
import io.laminar.api.Sink;
import io.laminar.state.CheckpointException;
import io.laminar.state.CheckpointNames;
import io.laminar.state.CheckpointStore;
import io.laminar.state.CheckpointWriter;
import io.laminar.state.CompletedCheckpoint;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes aligned checkpoints: (1) park every source between two polls, (2) send a barrier through
 * every running pipeline and wait until each has processed everything queued before it, (3) with
 * all pipeline threads parked, write source offsets and every executor's state, (4) prepare the
 * sinks' epoch, (5) make the checkpoint durable, (6) commit the sinks' epoch, (7) let everything go.
 * The checkpoint id is the sinks' epoch, so a sink that commits per epoch gets exactly-once output.
 */
final class CheckpointCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);
  static final String COMPLETED = "completed";
  private static final long BARRIER_POLL_MILLIS = 20;
  private static final int COMMIT_ATTEMPTS = 3;
  private static final long COMMIT_BACKOFF_MILLIS = 200;

  private final CheckpointStore store;
  private final List<SourceRunner> sources;
  private final List<PipelineRunner> pipelines;
  private final List<ConnectorInstance<Sink>> sinks;
  /** Saved with every checkpoint: what each source reads ({@link SourceIdentity}). */
  private final Map<String, String> metadata;
  private final LongAdder count;
  private final LongAdder failures;
  private volatile CheckpointResult last;
  private volatile String activity; // the external call in progress, to name it if it hangs
  private volatile long lastSuccessMillis;
  /** Set once a sink's commit failed for good: no checkpoint may follow (it would skip that epoch). */
  private volatile String uncommitted;
  /** A checkpoint marked the input complete: the run is over, periodic checkpoints stop. */
  private boolean inputCompleted;

  CheckpointCoordinator(CheckpointStore store, List<SourceRunner> sources, List<PipelineRunner> pipelines,
      List<ConnectorInstance<Sink>> sinks, Map<String, String> metadata, EngineMetrics metrics) {
    this.store = store;
    this.metadata = Map.copyOf(metadata);
    this.sources = sources;
    this.pipelines = pipelines;
    this.sinks = sinks;
    this.count = metrics.counter("laminar_checkpoints_total", Map.of(), "Checkpoints completed");
    this.failures = metrics.counter("laminar_checkpoint_failures_total", Map.of(), "Checkpoints that failed");
    metrics.gauge("laminar_checkpoint_duration_milliseconds", Map.of(), "Duration of the last checkpoint",
        () -> last == null ? Double.NaN : last.durationMs());
    metrics.gauge("laminar_checkpoint_size_bytes", Map.of(), "Size of the last checkpoint",
        () -> last == null ? Double.NaN : last.sizeBytes());
    metrics.gauge("laminar_checkpoint_last_success_timestamp_seconds", Map.of(),
        "When the last checkpoint completed (Unix time)", () -> last == null ? Double.NaN : lastSuccessMillis / 1000.0);
  }

  /** What the coordinator is waiting on right now, if anything. */
  Optional<String> activity() {
    return Optional.ofNullable(activity);
  }

  /**
   * Takes a periodic checkpoint if {@code wanted} still holds once no other checkpoint is in
   * progress, and none marked the input complete yet; empty if it was skipped.
   */
  synchronized Optional<CheckpointResult> checkpointIf(BooleanSupplier wanted, long deadlineNanos)
      throws CheckpointFailure {
    if (inputCompleted || !wanted.getAsBoolean()) {
      return Optional.empty();
    }
    return Optional.of(take(false, deadlineNanos, true));
  }

  /** Takes one checkpoint; {@code completed} marks a bounded run whose input is all processed. */
  synchronized CheckpointResult checkpoint(boolean completed, long deadlineNanos) throws CheckpointFailure {
    return take(completed, deadlineNanos, false);
  }

  /** One checkpoint; a periodic one logs at DEBUG (one INFO line per interval is noise). */
  private CheckpointResult take(boolean completed, long deadlineNanos, boolean periodic) throws CheckpointFailure {
    long t0 = System.nanoTime();
    if (uncommitted != null) {
      failures.increment();
      throw new CheckpointFailure(uncommitted + "; no further checkpoint is taken before a restart commits it");
    }
    long id;
    try {
      id = store.nextId();
    } catch (CheckpointException e) {
      failures.increment();
      throw new CheckpointFailure("cannot read the checkpoint directory: " + e.getMessage());
    }
    List<SourceRunner> paused = new ArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    try {
      for (SourceRunner s : sources) {
        paused.add(s);
        if (!s.pause(deadlineNanos)) {
          throw new CheckpointFailure("source '" + s.name() + "' did not pause in time");
        }
      }
      requireNoFailedPipeline();
      List<PipelineRunner> live = pipelines.stream().filter(p -> !p.finished()).toList();
      CountDownLatch arrived = new CountDownLatch(live.size());
      for (PipelineRunner p : live) {
        if (!p.offer(new PipelineRunner.BarrierEvent(id, arrived, release), deadlineNanos - System.nanoTime())) {
          requireNoFailedPipeline();
          throw new CheckpointFailure("pipeline '" + p.name() + "' did not take the barrier in time");
        }
      }
      while (!arrived.await(BARRIER_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        requireNoFailedPipeline(); // a failed pipeline never arrives: abort now, not at the deadline
        // A pipeline that took its last input before the barrier ends without reading it; one that
        // reached the barrier cannot end before the release. So once the missing arrivals are all
        // pipelines that ended, every other one is parked.
        if (arrived.getCount() <= live.stream().filter(PipelineRunner::finished).count()) {
          break;
        }
        if (System.nanoTime() - deadlineNanos > 0) {
          throw new CheckpointFailure("not every pipeline reached the barrier in time");
        }
      }
      Map<SourceRunner, byte[]> offsets = new java.util.IdentityHashMap<>();
      CompletedCheckpoint done = write(id, completed, offsets);
      inputCompleted |= completed;
      commitSinks(id);
      acknowledgeSources(id, offsets);
      last = new CheckpointResult(id, (System.nanoTime() - t0) / 1_000_000, done.bytes());
      lastSuccessMillis = System.currentTimeMillis();
      count.increment();
      String line = "checkpoint {} done in {} ms ({} bytes){}";
      if (periodic) {
        LOG.debug(line, id, last.durationMs(), last.sizeBytes(), "");
      } else {
        LOG.info(line, id, last.durationMs(), last.sizeBytes(), completed ? ", input complete" : "");
      }
      return last;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.increment();
      throw new CheckpointFailure("interrupted");
    } catch (CheckpointFailure e) {
      failures.increment();
      LOG.warn("checkpoint {} failed: {}", id, e.getMessage());
      throw e;
    } finally {
      activity = null;
      release.countDown();
      paused.forEach(SourceRunner::resume);
    }
  }

  private CompletedCheckpoint write(long id, boolean completed, Map<SourceRunner, byte[]> offsets)
      throws CheckpointFailure {
    CheckpointWriter writer = null;
    try {
      writer = store.begin(id);
      for (SourceRunner s : sources) {
        activity = "source '" + s.name() + "' snapshotOffsets()";
        byte[] position = s.source().snapshotOffsets();
        offsets.put(s, position);
        writer.put(offsetsFile(s.name()), position);
      }
      for (PipelineRunner p : pipelines) {
        requireNoFailedPipeline();
        activity = "pipeline '" + p.workerName() + "' state snapshot";
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
            writer.open(p.stateFile()), 1 << 16))) {
          p.executor().snapshot(out);
        }
      }
      for (ConnectorInstance<Sink> s : sinks) {
        activity = "sink '" + s.name() + "' prepareCommit(" + id + ")";
        s.instance().prepareCommit(id);
      }
      activity = "writing checkpoint " + id;
      Map<String, String> meta = new java.util.HashMap<>(metadata);
      meta.put(COMPLETED, Boolean.toString(completed));
      CompletedCheckpoint done = writer.commit(meta);
      writer = null;
      return done;
    } catch (Exception e) {
      if (writer != null) {
        writer.abort();
      }
      abortSinks(id);
      throw e instanceof CheckpointFailure f ? f : new CheckpointFailure(
          e instanceof ConnectorException || e instanceof CheckpointException ? e.getMessage() : e.toString());
    }
  }

  /**
   * A checkpoint holds every pipeline's state or none: one without a failed pipeline's state would
   * let the sources resume past rows that pipeline had consumed, and restart it empty.
   */
  private void requireNoFailedPipeline() throws CheckpointFailure {
    for (PipelineRunner p : pipelines) {
      if (p.failed()) {
        throw new CheckpointFailure("pipeline '" + p.workerName() + "' failed; the checkpoint is aborted, "
            + "since it would not hold that pipeline's state");
      }
    }
  }

  /**
   * Commits every sink's epoch, retrying a failed commit a few times. A commit that still fails
   * leaves the durable checkpoint ahead of the sink: no later checkpoint may be taken (it would
   * skip that epoch), so {@link CommitFailure} tells the engine to stop; the sink's
   * {@code open(lastCommittedEpoch)} finishes the commit after a restart.
   */
  private void commitSinks(long id) throws CommitFailure {
    for (ConnectorInstance<Sink> s : sinks) {
      activity = "sink '" + s.name() + "' commit(" + id + ")";
      ConnectorException last = null;
      for (int attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
        try {
          s.instance().commit(id);
          last = null;
          break;
        } catch (ConnectorException e) {
          last = e;
          if (attempt < COMMIT_ATTEMPTS) {
            LOG.warn("sink '{}' could not commit epoch {} (attempt {} of {}): {}; retrying", s.name(), id, attempt,
                COMMIT_ATTEMPTS, e.getMessage());
            if (!backOff(attempt)) {
              break;
            }
          }
        }
      }
      if (last != null) {
        uncommitted = "sink '" + s.name() + "' has not committed epoch " + id;
        throw new CommitFailure("sink '" + s.name() + "' could not commit epoch " + id + ": " + last.getMessage()
            + ". Checkpoint " + id + " is saved; the run stops so that the next start commits that epoch");
      }
    }
  }

  /** The checkpoint is durable: sources may now acknowledge their upstream up to its offsets. */
  private void acknowledgeSources(long id, Map<SourceRunner, byte[]> offsets) {
    for (Map.Entry<SourceRunner, byte[]> e : offsets.entrySet()) {
      try {
        activity = "source '" + e.getKey().name() + "' checkpointCompleted(" + id + ")";
        e.getKey().source().checkpointCompleted(e.getValue());
      } catch (ConnectorException | RuntimeException ex) {
        LOG.warn("source '{}' could not acknowledge checkpoint {}: {}", e.getKey().name(), id, ex.getMessage());
      }
    }
  }

  /** Waits before the next commit attempt; false if interrupted (a shutdown is in progress). */
  private static boolean backOff(int attempt) {
    try {
      TimeUnit.MILLISECONDS.sleep(COMMIT_BACKOFF_MILLIS * attempt); // a pause between attempts, not a wait for a condition
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void abortSinks(long id) {
    for (ConnectorInstance<Sink> s : sinks) {
      try {
        s.instance().abort(id);
      } catch (ConnectorException | RuntimeException e) {
        LOG.warn("sink '{}' could not abort epoch {}: {}", s.name(), id, e.getMessage());
      }
    }
  }

  static String offsetsFile(String source) {
    return "source-" + CheckpointNames.escape(source) + ".offsets";
  }

  /** The state file of one worker of a pipeline; a single-worker pipeline keeps the plain name. */
  static String stateFile(String pipeline, int worker, int workers) {
    String base = "pipeline-" + CheckpointNames.escape(pipeline);
    return workers == 1 ? base + ".state" : base + ".w" + worker + "of" + workers + ".state";
  }

  /** The prefix every state file of a pipeline starts with, whatever its worker count. */
  static String statePrefix(String pipeline) {
    return "pipeline-" + CheckpointNames.escape(pipeline) + ".";
  }

  /** A checkpoint that did not complete; the previous one stays the recovery point. */
  static class CheckpointFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CheckpointFailure(String message) {
      super(message);
    }
  }

  /**
   * The checkpoint is durable but a sink could not commit its epoch: the run must stop, and the
   * next start commits the epoch (an exactly-once sink's {@code open(lastCommittedEpoch)}).
   */
  static final class CommitFailure extends CheckpointFailure {
    private static final long serialVersionUID = 1L;

    CommitFailure(String message) {
      super(message);
    }
  }
}
