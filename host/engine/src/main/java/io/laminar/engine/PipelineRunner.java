package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import io.laminar.api.Sink;
import io.laminar.plan.CompiledPipeline;
import io.laminar.config.PipelineConfig;
import io.laminar.runtime.KeyGroups;
import io.laminar.runtime.LookupCache;
import io.laminar.runtime.OutputCallback;
import io.laminar.runtime.PipelineExecutor;
import io.laminar.runtime.UpdateSettings;
import io.laminar.runtime.WindowMerger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Owns one pipeline worker's executor and sinks. Queued (the usual case): on a thread of its own,
 * sources hand it events through a bounded queue, which is the engine's backpressure — a slow
 * pipeline makes its sources wait. Inline ({@link #inline}): the worker has no thread or queue; the
 * one {@link SourceRunner} that reads its splits calls {@link #offer} and the event is processed on
 * that thread at once, so a batch crosses no queue. Other threads offer an inline worker events only
 * while its source thread is parked for a checkpoint or has ended.
 */
final class PipelineRunner implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
  private static final int QUEUE_CAPACITY = 16;

  /** What a source sends: a batch, the end of its input, or (from the engine) stop. */
  sealed interface Event permits BatchEvent, EndEvent, IdleEvent, SplitsEvent, SplitEndEvent, BarrierEvent,
      StopEvent {
  }

  /** A split produced nothing for its {@code idle_timeout}: it stops holding back the watermark. */
  record IdleEvent(String source, String split) implements Event {
  }

  /** Splits of a source this worker will see rows of: each holds the watermark from now on. */
  record SplitsEvent(String source, List<String> splits) implements Event {
  }

  /** A split handed out its last row: it no longer holds the watermark back. */
  record SplitEndEvent(String source, String split) implements Event {
  }

  /**
   * A checkpoint barrier: the pipeline says it has processed everything queued before it, then
   * waits while the coordinator snapshots its executor and drives its sinks — until the region's
   * cut is taken when its sinks accept writes while committing, else until they committed.
   */
  record BarrierEvent(long checkpointId, java.util.concurrent.CountDownLatch arrived,
      java.util.concurrent.CountDownLatch release) implements Event {
  }

  /**
   * Rows of a source batch. {@code share} is what this worker processes: the whole batch
   * ({@code share == full}), its hash partition of it, or nothing ({@code null}); in every case the
   * worker observes the whole batch's event times so that all workers' watermarks move together.
   */
  record BatchEvent(String source, String split, SharedBatch full, SharedBatch share) implements Event {
  }

  record EndEvent(String source) implements Event {
  }

  record StopEvent() implements Event {
  }

  private final CompiledPipeline pipeline;
  private final String workerName;
  private final String stateFile;
  private final List<ConnectorInstance<Sink>> sinks;
  /** Per sink (as {@link #sinks}): whether it lets this worker write while others do. */
  private final boolean[] concurrentWrites;
  private final PipelineExecutor executor;
  private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Engine engine;
  private volatile boolean finished;
  private volatile boolean failed;
  private volatile boolean completedInput;
  /** Driven by its source's thread instead of a queue of its own. */
  private boolean inline;
  /** The thread that runs this worker (its own, or its source's when inline). */
  private volatile Thread thread;
  /** Held while an inline worker handles an event (a hand-over between threads, never contended in a run). */
  private final java.util.concurrent.locks.ReentrantLock inlineLock = new java.util.concurrent.locks.ReentrantLock();
  private LateRowWarnings lateRows;
  private final RowErrorRecorder rowErrors;

  PipelineRunner(CompiledPipeline pipeline, int worker, int workers, BufferAllocator allocator,
      Map<String, LookupSource> lookups, Map<String, LookupCache.Config> lookupCaches,
      List<ConnectorInstance<Sink>> sinks, Engine engine) {
    this(pipeline, worker, workers, allocator, lookups, lookupCaches, sinks, engine, null);
  }

  /**
   * As above; with a {@code merger} (a two-phase window aggregation on several workers, shared by
   * all of them) this worker's window aggregate hands its partial windows to it.
   */
  PipelineRunner(CompiledPipeline pipeline, int worker, int workers, BufferAllocator allocator,
      Map<String, LookupSource> lookups, Map<String, LookupCache.Config> lookupCaches,
      List<ConnectorInstance<Sink>> sinks, Engine engine, WindowMerger merger) {
    this.pipeline = pipeline;
    this.workerName = workers == 1 ? pipeline.name() : pipeline.name() + "#" + worker;
    this.stateFile = CheckpointCoordinator.stateFile(pipeline.name(), worker, workers);
    this.sinks = sinks;
    this.concurrentWrites = new boolean[sinks.size()];
    for (int i = 0; i < sinks.size(); i++) {
      concurrentWrites[i] = acceptsConcurrentWrites(sinks.get(i));
    }
    this.engine = engine;
    PipelineConfig config = engine.builder().config().pipelines().stream()
        .filter(c -> c.name().equals(pipeline.name())).findFirst().orElse(null);
    UpdateSettings settings = config == null ? UpdateSettings.DEFAULT
        : new UpdateSettings(config.emitInterval().orElse(Duration.ZERO), config.stateTtl().orElse(Duration.ZERO),
            System::currentTimeMillis);
    this.executor = new PipelineExecutor(pipeline, allocator, lookups, new OutputCallback() {
      @Override
      public void onOutput(VectorSchemaRoot batch) {
        write(batch, null);
      }

      @Override
      public void onOutput(VectorSchemaRoot batch, TinyIntVector rowKinds) {
        write(batch, rowKinds);
      }
    }, lookup -> lookupCaches.getOrDefault(lookup, LookupCache.Config.DEFAULT), settings);
    // rows reach worker i by the key groups it owns (Partitioner), and its state is theirs
    executor.keyGroups(KeyGroups.range(worker, workers));
    if (merger != null) {
      executor.twoPhase(merger, worker);
    }
    this.rowErrors = RowErrorRecorder.of(config, engine.builder());
    if (rowErrors != null) {
      executor.onRowErrors(rowErrors);
    }
  }

  String name() {
    return pipeline.name();
  }

  /** Logs this worker's late-row drops through {@code warnings} (shared by the pipeline's workers). */
  void warnAboutLateRows(LateRowWarnings warnings) {
    this.lateRows = warnings;
    executor.onLateRows(warnings);
  }

  CompiledPipeline pipeline() {
    return pipeline;
  }

  /** The pipeline name, with {@code #i} when the pipeline runs on several workers. */
  String workerName() {
    return workerName;
  }

  /** The checkpoint file holding this worker's state. */
  String stateFile() {
    return stateFile;
  }

  PipelineExecutor executor() {
    return executor;
  }

  boolean finished() {
    return finished;
  }

  boolean failed() {
    return failed;
  }

  /** Whether the pipeline ended because all of its input ended (not because it was stopped). */
  boolean completedInput() {
    return completedInput;
  }

  /** Makes this worker inline: driven by the one source thread that reads its splits (before launch). */
  void inline() {
    this.inline = true;
  }

  boolean isInline() {
    return inline;
  }

  /** The thread that runs this worker, once launched. */
  Thread thread() {
    return thread;
  }

  void thread(Thread t) {
    this.thread = t;
  }

  /**
   * Blocks while the queue is full; an inline worker processes the event at once, and throws
   * {@link Stopped} to its source thread once it has failed.
   */
  void offer(Event event) throws InterruptedException {
    if (inline) {
      try {
        inlineLock.lockInterruptibly();
      } catch (InterruptedException e) {
        release(event);
        throw e;
      }
      boolean accepted;
      try {
        accepted = handleInline(event);
      } finally {
        inlineLock.unlock();
      }
      if (!accepted) {
        throw new Stopped();
      }
    } else {
      queue.put(event);
    }
  }

  /**
   * Waits at most {@code nanos} for queue space; false if there was none. An inline worker waits
   * as long for its source thread to leave it, and says false once it has failed.
   */
  boolean offer(Event event, long nanos) throws InterruptedException {
    if (inline) {
      // the source thread may be stuck in this worker (a sink that hangs): wait for it only so long
      if (!inlineLock.tryLock(Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS)) {
        release(event);
        return false;
      }
      try {
        return handleInline(event);
      } finally {
        inlineLock.unlock();
      }
    }
    return queue.offer(event, Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /**
   * An inline worker's event, on the caller's thread; false if the worker has failed (now or
   * before: a failure is this worker's and is reported as the pipeline's, not the source's).
   */
  private boolean handleInline(Event event) throws InterruptedException {
    if (finished || failed) {
      release(event);
      return !failed;
    }
    try {
      if (handle(event)) {
        complete();
      }
      return true;
    } catch (InterruptedException e) {
      throw e;
    } catch (Throwable t) {
      failed = true;
      engine.pipelineDone(this, t);
      return false;
    }
  }

  @Override
  public void run() {
    MDC.put("pipeline", workerName);
    try {
      while (!handle(queue.take())) {
        // every event is handled in handle()
      }
      complete();
    } catch (Throwable t) {
      failed = true;
      drainQueue();
      engine.pipelineDone(this, t);
    }
  }

  private void complete() {
    if (rowErrors != null) {
      rowErrors.sync();
    }
    finished = true;
    engine.pipelineDone(this, null);
  }

  /** Processes one event; true when the worker is done (its input ended, or stop). */
  private boolean handle(Event event) throws InterruptedException {
    if (event instanceof BatchEvent b) {
      try {
        if (b.share() == b.full()) {
          executor.onBatch(b.source(), b.split(), b.full().root(), b.full().rowKinds());
        } else {
          if (b.share() != null) {
            executor.onBatch(b.source(), b.split(), b.share().root(), b.share().rowKinds());
          }
          executor.observeEventTimes(b.source(), b.split(), b.full().root());
        }
      } finally {
        release(b);
      }
    } else if (event instanceof IdleEvent idle) {
      executor.onIdle(idle.source(), idle.split());
    } else if (event instanceof SplitsEvent splits) {
      executor.addSplits(splits.source(), splits.splits());
    } else if (event instanceof SplitEndEvent end) {
      executor.onSplitEnd(end.source(), end.split());
    } else if (event instanceof BarrierEvent barrier) {
      // two-phase: the open partial windows go to the merger, whose state worker 0's snapshot holds
      executor.flushPartials();
      if (rowErrors != null) {
        rowErrors.sync(); // the dead letters of rows before the barrier are durable with the checkpoint
      }
      barrier.arrived().countDown();
      if (!inline) {
        // an inline worker's source thread is parked until the checkpoint lets it go
        barrier.release().await();
      }
    } else if (event instanceof EndEvent e) {
      executor.onEndOfInput(e.source());
      if (executor.isFinished()) {
        if (lateRows != null) {
          lateRows.flush();
        }
        LOG.info("pipeline '{}' processed all its input ({} rows in, {} rows out, {} late rows dropped)",
            workerName, executor.metrics().rowsIn(), executor.metrics().rowsOut(),
            executor.metrics().lateRowsDropped());
        completedInput = true;
        return true;
      }
    } else {
      return true;
    }
    return false;
  }

  private static void release(Event e) {
    if (e instanceof BatchEvent b) {
      b.full().release();
      if (b.share() != null && b.share() != b.full()) {
        b.share().release();
      }
    }
  }

  /** Thrown to an inline worker's source thread when the worker has failed (it reported that itself). */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("the pipeline worker failed", null, false, false);
    }
  }

  private void write(VectorSchemaRoot output, TinyIntVector rowKinds) {
    // the executor closes the vectors after the call, so the batch handed to the sinks is not closed
    Batch batch = rowKinds == null ? Batch.of(output) : Batch.changelog(output, rowKinds);
    for (int i = 0; i < sinks.size(); i++) {
      ConnectorInstance<Sink> s = sinks.get(i);
      try {
        if (concurrentWrites[i]) {
          write(s, batch);
        } else {
          // several workers of one pipeline share its sinks; this one sees one caller at a time
          synchronized (s.instance()) {
            write(s, batch);
          }
        }
      } catch (ConnectorException | RuntimeException e) {
        // a plugin's bug (an unchecked exception) is reported under the sink's name too
        throw new SinkFailure(s.name(), e);
      }
    }
  }

  /** One sink's write call; the rows it rejects during it go to this worker ({@link SinkRowRejections}). */
  private void write(ConnectorInstance<Sink> s, Batch batch) throws ConnectorException {
    SinkRowRejections rejections = s.context() == null ? null : s.context().sinkRejections();
    if (rejections == null) {
      s.instance().write(batch);
      return;
    }
    ConnectorException rejected;
    rejections.begin((b, row, column, reason) -> rejected(s, b, row, column, reason));
    try {
      s.instance().write(batch);
    } finally {
      rejected = rejections.end();
    }
    if (rejected != null) {
      throw rejected; // the sink caught what on.error = "fail" threw: the pipeline fails all the same
    }
  }

  private static boolean acceptsConcurrentWrites(ConnectorInstance<Sink> s) {
    try {
      return s.instance().acceptsConcurrentWrites();
    } catch (RuntimeException e) {
      LOG.debug("sink '{}' acceptsConcurrentWrites() threw: {}", s.name(), e.toString());
      return false; // one caller at a time is correct for any sink
    }
  }

  /**
   * A row sink {@code s} will not write ({@code column}'s value, {@code reason}): with {@code on.error
   * = "fail"} an exception naming the column, the reason and the row's values, which the sink lets
   * propagate; otherwise counted, logged and (dead_letter) recorded, and the sink leaves it out.
   */
  private void rejected(ConnectorInstance<Sink> s, Batch batch, int row, String column, String reason)
      throws ConnectorException {
    java.util.Map<String, Object> values = io.laminar.runtime.RowValues.of(batch.data(), row);
    if (rowErrors == null) {
      throw ConnectorException.runtime("cannot write a row: " + (column == null ? "" : "column '" + column + "': ")
          + reason + "; row " + RowErrorRecorder.json(values), null);
    }
    executor.metrics().addRejectedRow();
    rowErrors.onSinkRejection(s.name(), s.position() == null ? null : s.position().toString(), column, reason, values);
  }

  /** Releases batches still queued after a failure, so no Arrow memory is stranded. */
  void drainQueue() {
    Event e;
    while ((e = queue.poll()) != null) {
      release(e);
    }
  }

  void closeExecutor() {
    executor.close();
  }

  /** A sink's failure, carried out of the executor's callback. */
  static final class SinkFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String sink;

    SinkFailure(String sink, Exception cause) {
      super("sink '" + sink + "' failed: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
      this.sink = sink;
    }
  }
}
