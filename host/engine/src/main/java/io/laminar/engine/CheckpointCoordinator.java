package io.laminar.engine;

import io.laminar.api.Sink;
import io.laminar.state.CheckpointException;
import io.laminar.state.CheckpointNames;
import io.laminar.state.CheckpointStore;
import io.laminar.state.CheckpointWriter;
import io.laminar.state.CompletedCheckpoint;
import io.laminar.state.RestoredCheckpoint;
import io.laminar.plan.CompiledPipeline;
import java.util.HashMap;
import java.util.concurrent.locks.ReentrantLock;
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
 * Takes aligned checkpoints of the regions that run ({@link Region}): (1) park their sources between
 * two polls, (2) send a barrier through every worker and wait until each has processed everything
 * queued before it, (3) per region, with its threads parked: take its sources' offsets and prepare
 * its sinks' epoch, (4) write offsets and every executor's state into the checkpoint's files (not yet
 * fsynced) — the region's consistent cut is now taken, (5) make the checkpoint durable, (6) commit
 * the sinks' epoch, (7) let everything go. The checkpoint id is the sinks' epoch.
 *
 * <p><b>Early resume.</b> A region whose sinks all {@linkplain Sink#acceptsWritesWhileCommitting
 * accept writes while committing} is let go right after (4), in a periodic or requested checkpoint
 * (not in a final one): it reads and writes on while (5) and (6) run, so its sources stop only for
 * the cut. Its sinks' {@code commit}/{@code abort} then run concurrently with their writes, and its
 * sources' {@code checkpointCompleted} is handed to their own threads
 * ({@link SourceRunner#acknowledgeLater}). If (5) fails, its sinks abort the epoch and the region
 * is restarted from the previous checkpoint, as a parked one would be (what it wrote since is
 * discarded by the aborted sink instance). The lock is held until (6) ended, so the next
 * checkpoint, a region's restart or stop ({@link #exclusive}) begins only after every commit of this
 * one returned.
 *
 * <p>A region that is not running (restarting, failed) or that fails during the checkpoint (a
 * source that does not pause, a worker that does not reach the barrier, a connector call that
 * throws or does not return by the deadline) does not stop the others: the checkpoint carries its
 * files forward from the previous checkpoint, with the epoch they were taken at
 * ({@link #epochKey}), and the region is handed to the supervisor. So every checkpoint holds every
 * pipeline's last good state, and a region's state and offsets always come from one epoch. Every
 * connector call runs under the checkpoint's deadline ({@link BoundedCalls}).
 */
final class CheckpointCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);
  static final String COMPLETED = "completed";
  private static final long BARRIER_POLL_MILLIS = 20;
  private static final int COMMIT_ATTEMPTS = 3;
  private static final long COMMIT_BACKOFF_MILLIS = 200;
  /**
   * {@code -Dlaminar.checkpoint.early_resume=false} keeps every region parked to the end of the
   * commits, as before early resume: a diagnostic switch, so a benchmark can compare both in one run.
   */
  private static final boolean EARLY_RESUME = !"false".equals(System.getProperty("laminar.checkpoint.early_resume"));

  /** Where a region's failure during a checkpoint goes (the supervisor). */
  interface FailureSink {
    void failed(Region region, Region.Run run, Failure failure);
  }

  private final CheckpointStore store;
  private final List<Region> regions;
  /** Saved with every checkpoint: what each source reads ({@link SourceIdentity}). */
  private final Map<String, String> metadata;
  private final BoundedCalls calls;
  private final FailureSink failures;
  private final ReentrantLock lock = new ReentrantLock();
  private final LongAdder count;
  private final LongAdder failed;
  private volatile CheckpointResult last;
  private volatile String activity; // the external call in progress, to name it if it hangs
  private volatile long lastSuccessMillis;
  /** A checkpoint marked the input complete: the run is over, periodic checkpoints stop. */
  private volatile boolean inputCompleted;
  // status views, read without the lock (Engine#checkpointStatus)
  private volatile CheckpointStatus.Completed lastCompleted;
  private volatile CheckpointStatus.Failed lastFailure;
  private volatile long inProgress;
  /** How long the last completed checkpoint held sources parked (the longest region), ms. */
  private volatile long lastPauseMillis = -1;
  private final EngineMetrics metrics;

  CheckpointCoordinator(CheckpointStore store, List<Region> regions, Map<String, String> metadata,
      EngineMetrics metrics, BoundedCalls calls, FailureSink failures) {
    this.store = store;
    this.metadata = Map.copyOf(metadata);
    this.regions = regions;
    this.calls = calls;
    this.failures = failures;
    this.metrics = metrics;
    this.count = metrics.counter("laminar_checkpoints_total", Map.of(), "Checkpoints completed");
    this.failed = metrics.counter("laminar_checkpoint_failures_total", Map.of(), "Checkpoints that failed");
    metrics.gauge("laminar_checkpoint_duration_milliseconds", Map.of(), "Duration of the last checkpoint",
        () -> last == null ? Double.NaN : last.durationMs());
    metrics.gauge("laminar_checkpoint_size_bytes", Map.of(), "Size of the last checkpoint",
        () -> last == null ? Double.NaN : last.sizeBytes());
    metrics.gauge("laminar_checkpoint_last_success_timestamp_seconds", Map.of(),
        "When the last checkpoint completed (Unix time)", () -> last == null ? Double.NaN : lastSuccessMillis / 1000.0);
    metrics.gauge("laminar_checkpoint_last_id", Map.of(), "Id (sink epoch) of the last checkpoint that completed",
        () -> last == null ? Double.NaN : last.checkpointId());
    metrics.gauge("laminar_checkpoint_in_progress", Map.of(), "1 while a checkpoint is being taken",
        () -> inProgress != 0 ? 1 : 0);
    metrics.gauge("laminar_checkpoint_pause_milliseconds", Map.of(),
        "How long the last checkpoint kept sources parked (regions whose sinks accept writes while committing "
            + "go on before it is durable)", () -> lastPauseMillis < 0 ? Double.NaN : lastPauseMillis);
  }

  /** The last checkpoint that completed, or null. */
  CheckpointStatus.Completed lastCompleted() {
    return lastCompleted;
  }

  /** The last checkpoint that failed, or null. */
  CheckpointStatus.Failed lastFailure() {
    return lastFailure;
  }

  /** The id of the checkpoint being taken, 0 when none is. */
  long inProgress() {
    return inProgress;
  }

  long completedCount() {
    return count.sum();
  }

  long failedCount() {
    return failed.sum();
  }

  /** Whether a checkpoint marked the input complete (no periodic checkpoint follows). */
  boolean inputCompleted() {
    return inputCompleted;
  }

  /** What the coordinator is waiting on right now, if anything. */
  Optional<String> activity() {
    return Optional.ofNullable(activity);
  }

  /** The metadata key of the epoch a pipeline's files in a checkpoint were taken at. */
  static String epochKey(String pipeline) {
    return "epoch." + pipeline;
  }

  /**
   * Runs {@code body} while no checkpoint is in progress (a region's start or stop must not change
   * what a checkpoint is snapshotting).
   */
  <T, E extends Exception> T exclusive(Exclusive<T, E> body) throws E {
    lock.lock();
    try {
      return body.run();
    } finally {
      lock.unlock();
    }
  }

  /** A body for {@link #exclusive}. */
  @FunctionalInterface
  interface Exclusive<T, E extends Exception> {
    T run() throws E;
  }

  /**
   * Takes a periodic checkpoint if {@code wanted} still holds once no other checkpoint is in
   * progress, some region runs, and none marked the input complete yet; empty if it was skipped.
   */
  Optional<CheckpointResult> checkpointIf(BooleanSupplier wanted, long deadlineNanos) throws CheckpointFailure {
    lock.lock();
    try {
      if (inputCompleted || !wanted.getAsBoolean() || regions.stream().noneMatch(CheckpointCoordinator::runs)) {
        return Optional.empty();
      }
      return Optional.of(take(false, deadlineNanos, CheckpointStatus.Trigger.PERIODIC));
    } finally {
      lock.unlock();
    }
  }

  /** Takes one checkpoint; {@code completed} marks a bounded run whose input is all processed. */
  CheckpointResult checkpoint(boolean completed, long deadlineNanos) throws CheckpointFailure {
    lock.lock();
    try {
      return take(completed, deadlineNanos, CheckpointStatus.Trigger.FINAL);
    } finally {
      lock.unlock();
    }
  }

  /** As {@link #checkpoint}, but refuses at once when another checkpoint is in progress. */
  CheckpointResult checkpointUnlessBusy(long deadlineNanos) throws CheckpointFailure {
    if (!lock.tryLock()) {
      throw new Busy();
    }
    try {
      return take(false, deadlineNanos, CheckpointStatus.Trigger.REQUESTED);
    } finally {
      lock.unlock();
    }
  }

  private static boolean runs(Region r) {
    return r.state() == Region.State.RUNNING && r.run() != null;
  }

  /** A region taking part in one checkpoint, and what it contributes. */
  private static final class Part {
    final Region region;
    final Region.Run run;
    /** Per source runner (one reader of a source): its splits' offsets. */
    final Map<SourceRunner, Map<String, byte[]>> offsets = new java.util.IdentityHashMap<>();
    final List<ConnectorInstance<Sink>> prepared = new ArrayList<>();
    /** This region's sources parked for the checkpoint (resumed when it is let go). */
    final List<SourceRunner> paused = new ArrayList<>();
    /** Lets this region's queued workers go on after the barrier. */
    final CountDownLatch release = new CountDownLatch(1);
    /** Let go before the checkpoint was durable (early resume). */
    boolean resumed;
    CountDownLatch arrived;
    List<PipelineRunner> live = List.of();
    Failure dropped;

    Part(Region region, Region.Run run) {
      this.region = region;
      this.run = run;
    }

    /** Lets the region's workers and sources go on; once. */
    void letGo() {
      release.countDown();
      paused.forEach(SourceRunner::resume);
      paused.clear();
    }
  }

  /** One checkpoint; a periodic one logs at DEBUG (one INFO line per interval is noise). */
  private CheckpointResult take(boolean completed, long deadlineNanos, CheckpointStatus.Trigger trigger)
      throws CheckpointFailure {
    long t0 = System.nanoTime();
    long id;
    try {
      id = store.nextId();
    } catch (CheckpointException e) {
      failed.increment();
      String message = "cannot read the checkpoint directory: " + e.getMessage();
      lastFailure = new CheckpointStatus.Failed(0, message, System.currentTimeMillis(), trigger);
      throw new CheckpointFailure(message);
    }
    inProgress = id;
    List<Part> parts = new ArrayList<>();
    for (Region r : regions) {
      Region.Run run = r.run();
      if (runs(r)) {
        parts.add(new Part(r, run));
      }
    }
    boolean durable = false;
    pauseStartNanos = System.nanoTime();
    pauseMillis = -1;
    try {
      pauseSources(parts, deadlineNanos);
      sendBarriers(parts, id, deadlineNanos);
      awaitBarriers(parts, deadlineNanos);
      calls.each(parts.stream().filter(p -> p.dropped == null).toList(), p -> prepare(p, id, deadlineNanos));
      if (parts.stream().allMatch(p -> p.dropped != null)) {
        // nothing new to save: the previous checkpoint stays the recovery point
        throw new CheckpointFailure(parts.isEmpty() ? "no pipeline is running" : "no pipeline could take part: "
            + String.join("; ", parts.stream().map(p -> p.dropped.message()).toList())
            + "; the checkpoint is aborted, since it would not hold that pipeline's state");
      }
      // input is complete only if every region's input is in this checkpoint
      boolean complete = completed && parts.size() == regions.size()
          && parts.stream().allMatch(p -> p.dropped == null);
      CompletedCheckpoint done = write(id, complete, parts,
          EARLY_RESUME && trigger != CheckpointStatus.Trigger.FINAL);
      durable = true;
      inputCompleted |= complete;
      // The checkpoint is durable, so its epoch must be committed: a sink that hung in prepareCommit
      // must not use up the other regions' time, so committing gets a budget of its own.
      long commitDeadline = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE
          : System.nanoTime() + Math.max(0, deadlineNanos - t0);
      commitSinks(parts, id, commitDeadline);
      acknowledgeSources(parts, id, commitDeadline);
      // the longest a taking-part region stayed parked: to its early resume, else to here
      long parkedMillis = parts.stream().allMatch(p -> p.resumed || p.dropped != null) && pauseMillis >= 0
          ? pauseMillis : (System.nanoTime() - pauseStartNanos) / 1_000_000;
      lastPauseMillis = parkedMillis;
      last = new CheckpointResult(id, (System.nanoTime() - t0) / 1_000_000, done.bytes());
      lastSuccessMillis = System.currentTimeMillis();
      lastCompleted = new CheckpointStatus.Completed(id, last.durationMs(), last.sizeBytes(), lastSuccessMillis,
          trigger);
      count.increment();
      long carried = regions.size() - parts.stream().filter(p -> p.dropped == null).count();
      String line = "checkpoint {} done in {} ms ({} bytes, sources parked {} ms){}";
      String note = (complete ? ", input complete" : "") + (carried > 0 ? ", " + carried
          + " region(s) carried forward from their last good checkpoint" : "");
      if (trigger == CheckpointStatus.Trigger.PERIODIC && carried == 0) {
        LOG.debug(line, id, last.durationMs(), last.sizeBytes(), parkedMillis, note);
      } else {
        LOG.info(line, id, last.durationMs(), last.sizeBytes(), parkedMillis, note);
      }
      return last;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed.increment();
      if (durable) {
        // never abort a durable epoch: the restarted (or next started) sink commits it on open
        for (Part p : parts.stream().filter(x -> !x.prepared.isEmpty()).toList()) {
          drop(p, new Failure("io", true, "checkpoint " + id + " was interrupted while its sinks committed; "
              + "it is saved, and the restarted sink commits it"));
        }
      } else {
        abortPrepared(parts, id, deadlineNanos);
        rewind(parts, "checkpoint " + id + " was interrupted after sinks prepared their epoch");
      }
      lastFailure = new CheckpointStatus.Failed(id, "interrupted", System.currentTimeMillis(), trigger);
      throw new CheckpointFailure("interrupted");
    } catch (CheckpointFailure e) {
      failed.increment();
      lastFailure = new CheckpointStatus.Failed(id, e.getMessage(), System.currentTimeMillis(), trigger);
      LOG.warn("checkpoint {} failed: {}", id, e.getMessage());
      throw e;
    } finally {
      activity = null;
      inProgress = 0;
      parts.forEach(Part::letGo);
      for (Part p : parts) {
        if (p.dropped != null && !p.dropped.cause().equals(SELF)) {
          failures.failed(p.region, p.run, p.dropped);
        }
      }
    }
  }

  // per checkpoint, under the lock: when sources began to park, and when the last region let go early
  private long pauseStartNanos;
  private long pauseMillis;

  private static void drop(Part p, Failure f) {
    if (p.dropped == null) {
      p.dropped = f;
    }
  }

  private void pauseSources(List<Part> parts, long deadlineNanos) throws InterruptedException {
    for (Part p : parts) {
      for (SourceRunner s : p.run.sources) {
        p.paused.add(s);
        activity = "source '" + s.name() + "' poll()";
        if (!s.pause(deadlineNanos)) {
          drop(p, Failure.timeout("source '" + s.name() + "' did not pause for the checkpoint in time (its poll() "
              + "did not return)"));
          break;
        }
      }
    }
  }

  private static void sendBarriers(List<Part> parts, long id, long deadlineNanos)
      throws InterruptedException {
    for (Part p : parts) {
      if (p.dropped != null) {
        continue;
      }
      p.live = p.run.workers.stream().filter(w -> !w.finished()).toList();
      p.arrived = new CountDownLatch(p.live.size());
      for (PipelineRunner w : p.live) {
        if (!w.offer(new PipelineRunner.BarrierEvent(id, p.arrived, p.release), deadlineNanos - System.nanoTime())) {
          drop(p, w.failed() ? selfReported(List.of(w)) : Failure.timeout("pipeline '" + w.workerName()
              + "' did not take the checkpoint barrier in time"));
          break;
        }
      }
    }
  }

  /**
   * Waits until each region's workers have processed everything before the barrier. A worker that
   * took its last input before the barrier ends without reading it and counts as parked; a region
   * with a failed worker drops out at once (its failure is already reported).
   */
  private static void awaitBarriers(List<Part> parts, long deadlineNanos) throws InterruptedException {
    while (true) {
      Part waiting = null;
      for (Part p : parts) {
        if (p.dropped != null || p.arrived == null) {
          continue;
        }
        if (p.live.stream().anyMatch(PipelineRunner::failed)) {
          p.dropped = selfReported(p.live);
          continue;
        }
        if (waiting == null && p.arrived.getCount() > p.live.stream().filter(PipelineRunner::finished).count()) {
          waiting = p;
        }
      }
      if (waiting == null) {
        return;
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        for (Part p : parts) {
          if (p.dropped == null && p.arrived != null && p.arrived.getCount() > 0) {
            drop(p, Failure.timeout(p.region.name() + " did not reach the checkpoint barrier in time"));
          }
        }
        return;
      }
      // wakes early when that region is complete; a worker that fails or finishes never counts down
      waiting.arrived.await(BARRIER_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** A region that dropped out because one of its workers failed, which reports that itself. */
  private static Failure selfReported(List<PipelineRunner> workers) {
    String failed = workers.stream().filter(PipelineRunner::failed).map(PipelineRunner::workerName).findFirst()
        .orElse("?");
    return new Failure(SELF, false, "pipeline '" + failed + "' failed");
  }

  private static final String SELF = "self-reported";

  /** Offsets of a region's sources, then its sinks' prepareCommit; a failure drops the region. */
  private void prepare(Part p, long id, long deadlineNanos) {
    try {
      for (SourceRunner s : p.run.sources) {
        String label = "source '" + s.name() + "' snapshotOffsets()";
        activity = label;
        p.offsets.put(s, calls.call(label, deadlineNanos, s::snapshotOffsets));
      }
      for (ConnectorInstance<Sink> s : p.run.sinks) {
        String label = "sink '" + s.name() + "' prepareCommit(" + id + ")";
        activity = label;
        p.prepared.add(s);
        long start = System.nanoTime();
        calls.call(label, deadlineNanos, () -> {
          s.instance().prepareCommit(id);
          return null;
        });
        sinkLatency("laminar_sink_last_prepare_commit_duration_seconds", s.name(),
            "How long the sink's last prepareCommit took (flushing its epoch)", start);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drop(p, Failure.timeout("checkpoint " + id + " was interrupted"));
      abort(p, id, deadlineNanos);
    } catch (Exception e) {
      String message = e instanceof BoundedCalls.Timeout ? e.getMessage() + " (checkpoint " + id + ")"
          : "checkpoint " + id + ": " + describe(e);
      LOG.warn("{} drops out of checkpoint {}: {}", p.region.name(), id, message);
      drop(p, Failure.of(message, e));
      abort(p, id, deadlineNanos);
    }
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /**
   * Writes the checkpoint: the offsets and state of every region that takes part (its cut, while
   * its threads are parked; files fsynced only at the commit), then — once {@code resumeEarly}
   * regions whose sinks accept writes while committing were let go — the files carried forward,
   * and makes it durable. On failure the prepared sinks abort and their regions restart.
   */
  private CompletedCheckpoint write(long id, boolean completed, List<Part> parts, boolean resumeEarly)
      throws CheckpointFailure, InterruptedException {
    CheckpointWriter writer = null;
    Map<String, String> meta = new HashMap<>(metadata);
    meta.put(COMPLETED, Boolean.toString(completed));
    try {
      writer = store.begin(id);
      writer.deferFileSync();
      for (Part p : parts) {
        if (p.dropped == null) {
          writeCut(p, id, writer, meta);
        }
      }
      if (resumeEarly) {
        long parked = -1;
        for (Part p : parts) {
          if (p.dropped == null && acceptsWritesWhileCommitting(p)) {
            p.resumed = true;
            p.letGo();
            parked = (System.nanoTime() - pauseStartNanos) / 1_000_000;
          }
        }
        pauseMillis = parked;
      }
      RestoredCheckpoint previous = null;
      boolean previousRead = false;
      for (Region r : regions) {
        if (parts.stream().noneMatch(x -> x.region == r && x.dropped == null)) {
          if (!previousRead) {
            previous = store.latestValid().orElse(null);
            previousRead = true;
          }
          carryForward(r, previous, writer, meta);
        }
      }
      activity = "writing checkpoint " + id;
      CompletedCheckpoint done = writer.commit(meta);
      writer = null;
      return done;
    } catch (Exception e) {
      if (writer != null) {
        writer.abort();
      }
      // Sinks prepared this epoch and must now abort it: an exactly-once sink discards what it
      // wrote since the last checkpoint, so those regions read it again from there.
      abortPrepared(parts, id, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
      rewind(parts, "checkpoint " + id + " could not be written (" + describe(e) + ")");
      throw new CheckpointFailure(e instanceof CheckpointException ? e.getMessage() : e.toString());
    }
  }

  /** One region's cut: one offsets file per source (the splits of all its readers), each worker's state. */
  private void writeCut(Part p, long id, CheckpointWriter writer, Map<String, String> meta) throws Exception {
    Map<String, Map<String, byte[]>> bySource = new java.util.LinkedHashMap<>();
    for (SourceRunner s : p.run.sources) {
      Map<String, byte[]> o = p.offsets.get(s);
      if (o != null) {
        bySource.computeIfAbsent(s.name(), k -> new java.util.LinkedHashMap<>()).putAll(o);
      }
    }
    for (Map.Entry<String, Map<String, byte[]>> e : bySource.entrySet()) {
      writer.put(offsetsFile(e.getKey()), SplitOffsets.encode(e.getValue()));
    }
    for (PipelineRunner w : p.run.workers) {
      activity = "pipeline '" + w.workerName() + "' state snapshot";
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          writer.open(w.stateFile()), 1 << 16))) {
        w.executor().snapshot(out);
      }
    }
    p.region.pipelines().forEach(q -> meta.put(epochKey(q.name()), Long.toString(id)));
  }

  /** Whether every sink of the region lets it write on while the epoch is made durable. */
  private static boolean acceptsWritesWhileCommitting(Part p) {
    for (ConnectorInstance<Sink> s : p.run.sinks) {
      try {
        if (!s.instance().acceptsWritesWhileCommitting()) {
          return false;
        }
      } catch (RuntimeException e) {
        LOG.debug("sink '{}' acceptsWritesWhileCommitting() threw: {}", s.name(), e.toString());
        return false;
      }
    }
    return true;
  }

  /**
   * Copies a region's offsets and state files from the previous checkpoint, with the epoch they
   * were taken at; nothing when there is none (the region then starts from the beginning).
   */
  private static void carryForward(Region r, RestoredCheckpoint previous, CheckpointWriter writer,
      Map<String, String> meta) throws CheckpointException, java.io.IOException {
    if (previous == null) {
      r.pipelines().forEach(q -> meta.put(epochKey(q.name()), "0"));
      return;
    }
    for (String source : r.sources()) {
      String file = offsetsFile(source);
      if (previous.contains(file)) {
        writer.put(file, previous.read(file));
      }
    }
    for (CompiledPipeline q : r.pipelines()) {
      String prefix = statePrefix(q.name());
      for (String file : previous.fileNames()) {
        if (file.startsWith(prefix)) {
          try (var in = previous.open(file); var out = writer.open(file)) {
            in.transferTo(out);
          }
        }
      }
      meta.put(epochKey(q.name()), previous.metadata().getOrDefault(epochKey(q.name()),
          Long.toString(previous.id())));
    }
  }

  /** Hands every region that prepared sinks in a failed checkpoint to the supervisor: it reads again. */
  private static void rewind(List<Part> parts, String why) {
    for (Part p : parts) {
      if (p.dropped == null && !p.prepared.isEmpty()) {
        p.dropped = new Failure("io", true, why + "; its sinks aborted the epoch, so " + p.region.name()
            + " restarts from the last checkpoint");
      }
    }
  }

  /**
   * Commits every sink's epoch, retrying a failed commit a few times. A sink whose commit still
   * fails leaves the durable checkpoint ahead of it: its region is restarted, and the new sink's
   * {@code open(epoch)} finishes the commit. The other regions go on.
   */
  private void commitSinks(List<Part> parts, long id, long deadlineNanos) throws InterruptedException {
    calls.each(parts.stream().filter(p -> p.dropped == null).toList(), p -> commitSinks(p, id, deadlineNanos));
  }

  private void commitSinks(Part p, long id, long deadlineNanos) {
    {
      for (ConnectorInstance<Sink> s : p.run.sinks) {
        String label = "sink '" + s.name() + "' commit(" + id + ")";
        activity = label;
        Exception last = null;
        for (int attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
          try {
            long start = System.nanoTime();
            calls.call(label, deadlineNanos, () -> {
              s.instance().commit(id);
              return null;
            });
            sinkLatency("laminar_sink_last_commit_duration_seconds", s.name(),
                "How long the sink's last successful commit took", start);
            last = null;
            break;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            last = e;
            break;
          } catch (BoundedCalls.Timeout e) {
            last = e;
            break;
          } catch (Exception e) {
            last = e;
            if (attempt < COMMIT_ATTEMPTS) {
              LOG.warn("sink '{}' could not commit epoch {} (attempt {} of {}): {}; retrying", s.name(), id, attempt,
                  COMMIT_ATTEMPTS, describe(e));
              if (!backOff(attempt)) {
                break;
              }
            }
          }
        }
        if (last != null) {
          drop(p, Failure.of("sink '" + s.name() + "' could not commit epoch " + id + ": " + describe(last)
              + "; checkpoint " + id + " is saved and the restarted sink commits it", last));
          break;
        }
      }
    }
  }

  /**
   * Publishes one sink call's duration as a gauge named like the sink's own metrics
   * ({@code laminar_sink_…{sink}}), so {@code /api/v1/sinks} shows it beside them.
   */
  private void sinkLatency(String name, String sink, String description, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    metrics.gauge(name, Map.of("sink", sink), description, () -> seconds);
  }

  /** The checkpoint is durable: sources may now acknowledge their upstream up to its offsets. */
  private void acknowledgeSources(List<Part> parts, long id, long deadlineNanos) throws InterruptedException {
    for (Part p : parts) {
      if (p.dropped != null) {
        continue;
      }
      for (Map.Entry<SourceRunner, Map<String, byte[]>> e : p.offsets.entrySet()) {
        if (p.resumed) {
          e.getKey().acknowledgeLater(id, e.getValue()); // its thread polls again: it acknowledges between two polls
          continue;
        }
        String label = "source '" + e.getKey().name() + "' checkpointCompleted(" + id + ")";
        activity = label;
        try {
          calls.call(label, deadlineNanos, () -> {
            e.getKey().acknowledgeParked(e.getValue());
            return null;
          });
        } catch (InterruptedException ex) {
          throw ex;
        } catch (Exception ex) {
          LOG.warn("source '{}' could not acknowledge checkpoint {}: {}", e.getKey().name(), id, describe(ex));
        }
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

  private void abortPrepared(List<Part> parts, long id, long deadlineNanos) {
    for (Part p : parts) {
      if (p.dropped == null) {
        abort(p, id, deadlineNanos);
      }
    }
  }

  private void abort(Part p, long id, long deadlineNanos) {
    for (ConnectorInstance<Sink> s : p.prepared) {
      String label = "sink '" + s.name() + "' abort(" + id + ")";
      try {
        calls.call(label, Math.max(deadlineNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)), () -> {
          s.instance().abort(id);
          return null;
        });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        LOG.warn("sink '{}' could not abort epoch {}: {}", s.name(), id, describe(e));
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

  /** Another checkpoint is in progress. */
  static final class Busy extends CheckpointFailure {
    private static final long serialVersionUID = 1L;

    Busy() {
      super("another checkpoint is in progress");
    }
  }
}
