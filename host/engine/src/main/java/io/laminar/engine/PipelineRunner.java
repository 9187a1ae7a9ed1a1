package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import io.laminar.api.Sink;
import io.laminar.plan.CompiledPipeline;
import io.laminar.config.PipelineConfig;
import io.laminar.runtime.LookupCache;
import io.laminar.runtime.OutputCallback;
import io.laminar.runtime.PipelineExecutor;
import io.laminar.runtime.UpdateSettings;
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
 * Owns one pipeline's executor and sinks on a thread of its own. Sources hand it events through a
 * bounded queue, which is the engine's backpressure: a slow pipeline makes its sources wait.
 */
final class PipelineRunner implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
  private static final int QUEUE_CAPACITY = 16;

  /** What a source sends: a batch, the end of its input, or (from the engine) stop. */
  sealed interface Event permits BatchEvent, EndEvent, IdleEvent, BarrierEvent, StopEvent {
  }

  /** The source produced nothing for its {@code idle_timeout}: it stops holding back the watermark. */
  record IdleEvent(String source) implements Event {
  }

  /**
   * A checkpoint barrier: the pipeline says it has processed everything queued before it, then
   * waits while the coordinator snapshots its executor and drives its sinks.
   */
  record BarrierEvent(long checkpointId, java.util.concurrent.CountDownLatch arrived,
      java.util.concurrent.CountDownLatch release) implements Event {
  }

  /**
   * Rows of a source batch. {@code share} is what this worker processes: the whole batch
   * ({@code share == full}), its hash partition of it, or nothing ({@code null}); in every case the
   * worker observes the whole batch's event times so that all workers' watermarks move together.
   */
  record BatchEvent(String source, SharedBatch full, SharedBatch share) implements Event {
  }

  record EndEvent(String source) implements Event {
  }

  record StopEvent() implements Event {
  }

  private final CompiledPipeline pipeline;
  private final String workerName;
  private final String stateFile;
  private final List<ConnectorInstance<Sink>> sinks;
  private final PipelineExecutor executor;
  private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Engine engine;
  private volatile boolean finished;
  private volatile boolean failed;
  private volatile boolean completedInput;
  private LateRowWarnings lateRows;
  private final RowErrorRecorder rowErrors;

  PipelineRunner(CompiledPipeline pipeline, int worker, int workers, BufferAllocator allocator,
      Map<String, LookupSource> lookups, Map<String, LookupCache.Config> lookupCaches,
      List<ConnectorInstance<Sink>> sinks, Engine engine) {
    this.pipeline = pipeline;
    this.workerName = workers == 1 ? pipeline.name() : pipeline.name() + "#" + worker;
    this.stateFile = CheckpointCoordinator.stateFile(pipeline.name(), worker, workers);
    this.sinks = sinks;
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

  /** Blocks while the queue is full. */
  void offer(Event event) throws InterruptedException {
    queue.put(event);
  }

  /** Waits at most {@code nanos} for queue space; false if there was none. */
  boolean offer(Event event, long nanos) throws InterruptedException {
    return queue.offer(event, Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  @Override
  public void run() {
    MDC.put("pipeline", workerName);
    try {
      while (true) {
        Event event = queue.take();
        if (event instanceof BatchEvent b) {
          try {
            if (b.share() == b.full()) {
              executor.onBatch(b.source(), b.full().root(), b.full().rowKinds());
            } else {
              if (b.share() != null) {
                executor.onBatch(b.source(), b.share().root(), b.share().rowKinds());
              }
              executor.observeEventTimes(b.source(), b.full().root());
            }
          } finally {
            b.full().release();
            if (b.share() != null && b.share() != b.full()) {
              b.share().release();
            }
          }
        } else if (event instanceof IdleEvent idle) {
          executor.onIdle(idle.source());
        } else if (event instanceof BarrierEvent barrier) {
          if (rowErrors != null) {
            rowErrors.sync(); // the dead letters of rows before the barrier are durable with the checkpoint
          }
          barrier.arrived().countDown();
          barrier.release().await();
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
            break;
          }
        } else {
          break;
        }
      }
      if (rowErrors != null) {
        rowErrors.sync();
      }
      finished = true;
      engine.pipelineDone(this, null);
    } catch (Throwable t) {
      failed = true;
      drainQueue();
      engine.pipelineDone(this, t);
    }
  }

  private void write(VectorSchemaRoot output, TinyIntVector rowKinds) {
    // the executor closes the vectors after the call, so the batch handed to the sinks is not closed
    Batch batch = rowKinds == null ? Batch.of(output) : Batch.changelog(output, rowKinds);
    for (ConnectorInstance<Sink> s : sinks) {
      SinkRowRejections rejections = s.context() == null ? null : s.context().sinkRejections();
      try {
        // several workers of one pipeline share its sinks; a sink sees one caller at a time
        synchronized (s.instance()) {
          if (rejections == null) {
            s.instance().write(batch);
          } else {
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
        }
      } catch (ConnectorException | RuntimeException e) {
        // a plugin's bug (an unchecked exception) is reported under the sink's name too
        throw new SinkFailure(s.name(), e);
      }
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
      if (e instanceof BatchEvent b) {
        b.full().release();
        if (b.share() != null && b.share() != b.full()) {
          b.share().release();
        }
      }
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
