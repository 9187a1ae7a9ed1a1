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

  private final CheckpointStore store;
  private final List<SourceRunner> sources;
  private final List<PipelineRunner> pipelines;
  private final List<ConnectorInstance<Sink>> sinks;
  private final LongAdder count;
  private final LongAdder failures;
  private volatile CheckpointResult last;
  private volatile String activity; // the external call in progress, to name it if it hangs
  private volatile long lastSuccessMillis;

  CheckpointCoordinator(CheckpointStore store, List<SourceRunner> sources, List<PipelineRunner> pipelines,
      List<ConnectorInstance<Sink>> sinks, EngineMetrics metrics) {
    this.store = store;
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
  java.util.Optional<String> activity() {
    return java.util.Optional.ofNullable(activity);
  }

  /** Takes one checkpoint; {@code completed} marks a bounded run whose input is all processed. */
  synchronized CheckpointResult checkpoint(boolean completed, long deadlineNanos) throws CheckpointFailure {
    long t0 = System.nanoTime();
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
      List<PipelineRunner> live = pipelines.stream().filter(p -> !p.finished() && !p.failed()).toList();
      CountDownLatch arrived = new CountDownLatch(live.size());
      for (PipelineRunner p : live) {
        if (!p.offer(new PipelineRunner.BarrierEvent(id, arrived, release), deadlineNanos - System.nanoTime())) {
          throw new CheckpointFailure("pipeline '" + p.name() + "' did not take the barrier in time");
        }
      }
      if (!arrived.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new CheckpointFailure("not every pipeline reached the barrier in time");
      }
      Map<SourceRunner, byte[]> offsets = new java.util.IdentityHashMap<>();
      CompletedCheckpoint done = write(id, completed, offsets);
      commitSinks(id);
      acknowledgeSources(id, offsets);
      last = new CheckpointResult(id, (System.nanoTime() - t0) / 1_000_000, done.bytes());
      lastSuccessMillis = System.currentTimeMillis();
      count.increment();
      LOG.info("checkpoint {} done in {} ms ({} bytes){}", id, last.durationMs(), last.sizeBytes(),
          completed ? ", input complete" : "");
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
        if (p.failed()) {
          continue;
        }
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
      CompletedCheckpoint done = writer.commit(Map.of(COMPLETED, Boolean.toString(completed)));
      writer = null;
      return done;
    } catch (Exception e) {
      if (writer != null) {
        writer.abort();
      }
      abortSinks(id);
      throw new CheckpointFailure(e instanceof ConnectorException || e instanceof CheckpointException
          ? e.getMessage() : e.toString());
    }
  }

  private void commitSinks(long id) throws CheckpointFailure {
    for (ConnectorInstance<Sink> s : sinks) {
      try {
        activity = "sink '" + s.name() + "' commit(" + id + ")";
        s.instance().commit(id);
      } catch (ConnectorException e) {
        // The checkpoint is durable: the sink's open(lastCommittedEpoch) finishes this commit after a restart.
        throw new CheckpointFailure("sink '" + s.name() + "' could not commit epoch " + id + ": " + e.getMessage());
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
  static final class CheckpointFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CheckpointFailure(String message) {
      super(message);
    }
  }
}
