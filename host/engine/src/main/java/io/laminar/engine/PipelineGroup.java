package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.plan.CompiledPipeline;
import io.laminar.runtime.Partitioner;
import io.laminar.runtime.WindowMerger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One pipeline and its workers. With several workers, a source's rows are routed by the hash of the
 * pipeline's partition key for that source (so one group's rows always meet in one worker's state),
 * or, when that source feeds no keyed state, batch by batch in turn. Every worker observes every
 * batch's event times, so their watermarks advance together.
 */
final class PipelineGroup {
  private final CompiledPipeline pipeline;
  private final List<PipelineRunner> workers;
  private final Map<String, int[]> keys;
  private final AtomicInteger nextWorker = new AtomicInteger();
  private final boolean stateless;
  /** A two-phase window aggregation's merger (several workers), else null. */
  private final WindowMerger merger;

  PipelineGroup(CompiledPipeline pipeline, List<PipelineRunner> workers) {
    this(pipeline, workers, null);
  }

  /**
   * With a {@code merger}: a two-phase window aggregation, whose batches go whole to one worker in
   * turn, every other worker observing their event times (so each worker's watermark is the serial
   * pipeline's, and so are its late-row decisions) — unless its workers run inline.
   */
  PipelineGroup(CompiledPipeline pipeline, List<PipelineRunner> workers, WindowMerger merger) {
    this.pipeline = pipeline;
    this.workers = List.copyOf(workers);
    this.keys = pipeline.partitionKeys();
    this.merger = merger;
    // No keyed state anywhere: watermarks drive nothing, so a batch needs to reach one worker only.
    this.stateless = keys.isEmpty() && merger == null;
    LateRowWarnings lateRows = new LateRowWarnings(pipeline.name());
    this.workers.forEach(w -> w.warnAboutLateRows(lateRows));
  }

  String name() {
    return pipeline.name();
  }

  CompiledPipeline pipeline() {
    return pipeline;
  }

  List<PipelineRunner> workers() {
    return workers;
  }

  /** How many references of the source batch {@link #route} hands out. */
  int references() {
    return stateless ? 1 : workers.size();
  }

  /**
   * Hands {@code full} to the workers. It owns {@link #references()} references of it and hands
   * or releases every one of them, even when interrupted.
   */
  void route(String source, String split, SharedBatch full, BufferAllocator allocator) throws InterruptedException {
    if (stateless) {
      PipelineRunner chosen = workers.get(Math.floorMod(nextWorker.getAndIncrement(), workers.size()));
      try {
        chosen.offer(new PipelineRunner.BatchEvent(source, split, full, full));
      } catch (InterruptedException | RuntimeException e) {
        full.release();
        throw e;
      }
      return;
    }
    Partitioner.Routed routed = Partitioner.route(full.root(), full.rowKinds(), keys.get(source), workers.size(),
        nextWorker.getAndIncrement(), allocator);
    Batch[] parts = routed.parts();
    int chosen = routed.wholeTo();
    int handed = 0;
    try {
      for (; handed < workers.size(); handed++) {
        SharedBatch share;
        if (parts != null) {
          share = parts[handed] == null ? null : new SharedBatch(parts[handed], 1);
        } else {
          share = handed == chosen ? full : null;
        }
        workers.get(handed).offer(new PipelineRunner.BatchEvent(source, split, full, share));
      }
    } finally {
      for (int i = handed; i < workers.size(); i++) {
        full.release();
        if (parts != null && parts[i] != null) {
          parts[i].close();
        }
      }
    }
  }

  /** The two-phase merger of this pipeline's workers, or null. */
  WindowMerger merger() {
    return merger;
  }

  /** Whether no worker holds keyed state: a batch goes whole to one worker. */
  boolean stateless() {
    return stateless;
  }

  /** Tells every worker that a split of {@code source} is idle (see {@code [source.watermark] idle_timeout}). */
  void idle(String source, String split) throws InterruptedException {
    for (PipelineRunner w : workers) {
      w.offer(new PipelineRunner.IdleEvent(source, split));
    }
  }

  /** Tells every worker which splits of {@code source} hold its watermark (before their rows). */
  void splits(String source, List<String> splits) throws InterruptedException {
    for (PipelineRunner w : workers) {
      w.offer(new PipelineRunner.SplitsEvent(source, splits));
    }
  }

  /** Tells every worker that a split of {@code source} handed out its last row. */
  void splitEnd(String source, String split) throws InterruptedException {
    for (PipelineRunner w : workers) {
      w.offer(new PipelineRunner.SplitEndEvent(source, split));
    }
  }

  /** Tells every worker that {@code source} has ended. */
  void end(String source) throws InterruptedException {
    for (PipelineRunner w : workers) {
      w.offer(new PipelineRunner.EndEvent(source));
    }
  }
}
