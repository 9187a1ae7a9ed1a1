package io.laminar.runtime;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The global phase of a two-phase window aggregation ({@link io.laminar.plan.Partitioning#twoPhase()}):
 * one per pipeline run, shared by the window aggregates of all its workers. Each worker aggregates
 * its own rows into partial windows and, once its watermark has passed a window (or at a checkpoint
 * barrier), hands the partial here; the merger combines the partials of each window group by group
 * ({@link GroupTable#merge}) and fires window W — through the one downstream chain of worker 0 —
 * once every worker's watermark has passed W: the minimum over the workers that are not idle, an
 * ended worker counting as +infinity, as {@link WatermarkCoalescer} combines inputs. A partial that
 * arrives for a window already fired is late: its rows are counted as late rows of the worker that
 * handed it, and it is not merged.
 *
 * <p>Lateness. With {@link #sharedWatermarks()} (queued workers that each observe every batch's event
 * times, so every worker's watermark is the one a single executor fed every row would have), a worker
 * drops a row as late by its own watermark, exactly as the serial pipeline does; such a worker never
 * adds to a window after handing it over, so nothing arrives late here. Otherwise (inline workers,
 * each reading only its own splits, its watermark following only them) a worker drops a row only if
 * its window has fired here ({@link #watermarkUnits()}, the combined watermark); a row for a window
 * its own watermark has passed but that has not fired goes straight on to the merger.
 *
 * <p>Thread safety: every method takes the merger's lock; firing and emitting run on the thread of
 * the worker whose call completed the window, under that lock, so worker 0's downstream chain (its
 * post-aggregate operators and the pipeline's sinks) sees one caller at a time. The merger takes no
 * other lock of the engine but the sinks' (through that chain), and never waits for a worker.
 *
 * <p>Checkpoints: at a barrier every worker hands over all its partials, so at the cut only the
 * merger holds window state; worker 0's window aggregate writes it in its snapshot in the layout of
 * a single worker's windows, so the state restores into any worker count (a restoring worker hands
 * what it restored to the merger).
 */
public final class WindowMerger {
  private final int workers;
  private final ReentrantLock lock = new ReentrantLock();
  private final WatermarkCoalescer watermarks;
  private final TreeMap<Long, GroupTable> windows = new TreeMap<>();
  /** Worker 0's window aggregate: emits fired windows and the combined watermark downstream. */
  private WindowAggregateOperator owner;
  private long units = 1;
  /** The combined watermark in the fire column's units: windows up to it have fired. */
  private volatile long firedUnits = WatermarkCoalescer.NONE;
  private volatile boolean sharedWatermarks = true;

  /** A merger for a pipeline run on {@code workers} workers. */
  public WindowMerger(int workers) {
    if (workers < 2) {
      throw new IllegalArgumentException("a two-phase aggregation needs at least 2 workers, not " + workers);
    }
    this.workers = workers;
    this.watermarks = new WatermarkCoalescer(workers);
  }

  /** How many workers hand partials to this merger. */
  public int workers() {
    return workers;
  }

  /**
   * Declares that the workers read their own splits (inline): each one's watermark follows only its
   * splits, so rows are judged late by the combined watermark instead of a worker's own. Call before
   * the workers run.
   */
  public void inlineWorkers() {
    this.sharedWatermarks = false;
  }

  /** Whether every worker observes every batch's event times (see the class comment). */
  public boolean sharedWatermarks() {
    return sharedWatermarks;
  }

  /** Registers worker {@code worker}'s window aggregate; worker 0's emits what fires. */
  void attach(int worker, WindowAggregateOperator op, long unitsPerMilli) {
    if (worker < 0 || worker >= workers) {
      throw new IllegalArgumentException("worker " + worker + " of " + workers);
    }
    lock.lock();
    try {
      if (worker == 0) {
        owner = op;
      }
      units = unitsPerMilli;
    } finally {
      lock.unlock();
    }
  }

  /** The combined watermark in the fire column's units: every window ending at or before it has fired. */
  long watermarkUnits() {
    return firedUnits;
  }

  /**
   * Takes worker {@code worker}'s partial {@code table} of the window firing at {@code fireAt} (the
   * caller gives it up); returns its rows if that window has already fired (late: not merged), else 0.
   */
  long handOff(long fireAt, GroupTable table) {
    lock.lock();
    try {
      if (fireAt <= firedUnits) {
        return table.rowsAdded();
      }
      mergeIn(fireAt, table);
      return 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records worker {@code worker}'s watermark (epoch ms; {@link Long#MAX_VALUE} once it has ended)
   * and fires, on this thread, every window the combined watermark has passed.
   */
  void watermark(int worker, long watermark) {
    lock.lock();
    try {
      fire(watermarks.update(worker, watermark));
    } finally {
      lock.unlock();
    }
  }

  /** Worker {@code worker}'s input went idle (left out of the minimum) or active again. */
  void idle(int worker, boolean idle) {
    lock.lock();
    try {
      fire(watermarks.idle(worker, idle));
    } finally {
      lock.unlock();
    }
  }

  /**
   * After a restore: worker {@code worker} resumes at {@code watermark} (nothing fires now: what the
   * watermarks had passed fired before the checkpoint) and hands over the windows it restored.
   */
  void restored(int worker, long watermark, TreeMap<Long, GroupTable> restored) {
    lock.lock();
    try {
      watermarks.update(worker, watermark);
      if (!watermarks.allIdle() && watermarks.current() != WatermarkCoalescer.NONE) {
        firedUnits = Math.max(firedUnits, WatermarkTracker.toUnits(watermarks.current(), units));
      }
      for (Map.Entry<Long, GroupTable> e : restored.entrySet()) {
        mergeIn(e.getKey(), e.getValue());
      }
      restored.clear();
    } finally {
      lock.unlock();
    }
  }

  /** Combines {@code table} into the window firing at {@code fireAt}; the window's first partial becomes its table. */
  private void mergeIn(long fireAt, GroupTable table) {
    GroupTable merged = windows.get(fireAt);
    if (merged == null) {
      windows.put(fireAt, table);
    } else {
      merged.merge(table);
    }
  }

  private void fire(long combined) {
    if (combined == WatermarkCoalescer.NONE) {
      return;
    }
    long until = WatermarkTracker.toUnits(combined, units);
    firedUnits = Math.max(firedUnits, until);
    while (!windows.isEmpty() && windows.firstKey() <= until) {
      owner.emitMerged(windows.pollFirstEntry().getValue());
    }
    owner.emitMergedWatermark(combined);
  }

  /** Writes the open merged windows as a single worker's window aggregate writes its own. */
  void writeWindows(StateWriter out) throws IOException {
    lock.lock();
    try {
      WindowAggregateOperator.writeWindows(windows, out);
    } finally {
      lock.unlock();
    }
  }

  /** Open merged windows and their approximate heap bytes, for metrics. */
  long stateSizeBytes() {
    lock.lock();
    try {
      long bytes = 0;
      for (GroupTable t : windows.values()) {
        bytes += t.sizeBytes() + t.dictionary().sizeBytes();
      }
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  /** Open merged windows. */
  int openWindows() {
    lock.lock();
    try {
      return windows.size();
    } finally {
      lock.unlock();
    }
  }
}
