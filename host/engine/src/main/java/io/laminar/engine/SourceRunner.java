package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import io.laminar.api.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Polls one reader of a source — a set of its splits — on a thread of its own. Either it hands each
 * batch to every pipeline that reads the source (through their workers' queues, a ref-counted
 * {@link SharedBatch}), or, when it is the only reader of an inline worker, it runs that worker on
 * its own thread: the batch goes through the pipeline and into its sinks before the next poll.
 * Tracks each split's idleness and exhaustion and tells the workers, which keep a watermark per
 * split. Ends when its splits are exhausted and the source lists no more (telling its pipelines the
 * input ended) or when asked to.
 */
final class SourceRunner implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceRunner.class);
  static final int BATCH_ROWS = 8192;
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  /** One split this runner reads. */
  private static final class SplitState {
    long lastDataMillis;
    boolean idle;
    boolean ended;
  }

  private final ConnectorInstance<Source> source;
  private final String label;
  private final SplitReader reader;
  private final SourceSplits splits;
  private final List<PipelineGroup> consumers;
  /** Non-null: the one worker this runner drives inline (its consumers are then not used). */
  private final PipelineRunner inlineWorker;
  private final org.apache.arrow.memory.BufferAllocator routingAllocator;
  private final Engine engine;
  private final LongAdder rowsRead;
  private final Map<String, SplitState> assigned = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<String> discovered = new ConcurrentLinkedQueue<>();
  /** Durable checkpoints' offsets (id, bytes) to acknowledge on this runner's thread, between two polls. */
  private final ConcurrentLinkedQueue<Map.Entry<Long, Map<String, byte[]>>> acknowledgements =
      new ConcurrentLinkedQueue<>();
  private volatile boolean splitsExhausted;
  private volatile boolean stopRequested;
  private volatile boolean abandoned;
  private volatile String state = "RUNNING";
  private final Object gate = new Object();
  private boolean pauseRequested; // guarded by gate
  private boolean parked; // guarded by gate
  private boolean alive = true; // guarded by gate
  /** {@code [source.watermark] idle_timeout} in ms; 0 = never idle. */
  private final long idleTimeoutMillis;
  private final java.util.function.LongSupplier clock;

  SourceRunner(ConnectorInstance<Source> source, int index, SplitReader reader, List<String> initialSplits,
      SourceSplits splits, List<PipelineGroup> consumers, PipelineRunner inlineWorker, Engine engine,
      EngineMetrics metrics, org.apache.arrow.memory.BufferAllocator routingAllocator) {
    this.source = source;
    this.label = index == 0 ? source.name() : source.name() + "#" + index;
    this.reader = reader;
    this.splits = splits;
    this.consumers = consumers;
    this.inlineWorker = inlineWorker;
    this.routingAllocator = routingAllocator;
    this.engine = engine;
    this.clock = engine.builder().processingClock();
    this.idleTimeoutMillis = engine.builder().config().sources().stream()
        .filter(c -> c.name().equals(source.name())).findFirst()
        .flatMap(c -> c.watermark()).flatMap(w -> w.idleTimeout()).map(Duration::toMillis).orElse(0L);
    this.rowsRead = metrics.counter("laminar_source_rows_read_total", java.util.Map.of("source", source.name()),
        "Rows read from the source");
    long now = clock.getAsLong();
    for (String split : initialSplits) {
      SplitState st = new SplitState();
      st.lastDataMillis = now;
      assigned.put(split, st);
    }
    splits.add(this);
  }

  String name() {
    return source.name();
  }

  /** The thread's name: {@code source-<name>}, with {@code #i} for the second reader on. */
  String threadName() {
    return "source-" + label;
  }

  /** The worker this runner drives on its own thread, or null. */
  PipelineRunner inlineWorker() {
    return inlineWorker;
  }

  /** RUNNING, FINISHED (exhausted), STOPPED or FAILED; {@code engineState} while running. */
  String state(String engineState) {
    return state.equals("RUNNING") ? engineState : state;
  }

  /**
   * Stops a run that failed: like {@link #requestStop}, and a batch polled after this is dropped
   * (the region restarts from the checkpoint's offsets, so nothing is lost).
   */
  void abandon() {
    abandoned = true;
    requestStop();
  }

  void requestStop() {
    stopRequested = true;
    synchronized (gate) {
      gate.notifyAll();
    }
  }

  /** The connector, for acknowledgements at the source level; only touch it while paused or ended. */
  Source source() {
    return source.instance();
  }

  /** The reader (this runner's splits); only touch it while this runner is paused or has ended. */
  SplitReader reader() {
    return reader;
  }

  /**
   * Acknowledges a durable checkpoint's offsets to the reader ({@link SplitReader#checkpointCompleted})
   * on this runner's own thread, before its next poll — for a runner that was let go before its
   * checkpoint became durable, so the reader is never called from two threads at once. If the
   * thread has ended, acknowledges at once on the caller's thread.
   */
  void acknowledgeLater(long checkpointId, Map<String, byte[]> offsets) {
    synchronized (gate) {
      if (alive) {
        acknowledgements.add(Map.entry(checkpointId, offsets));
        return;
      }
    }
    acknowledge(checkpointId, offsets);
  }

  /**
   * Acknowledges a durable checkpoint's offsets while this runner is parked (or ended), on the
   * caller's thread. An acknowledgement still queued by {@link #acknowledgeLater} is of an older
   * checkpoint, which this one supersedes: it is dropped, so the upstream never moves back.
   */
  void acknowledgeParked(Map<String, byte[]> offsets) throws Exception {
    acknowledgements.clear();
    reader.checkpointCompleted(offsets);
  }

  private void acknowledgePending() {
    Map.Entry<Long, Map<String, byte[]>> next;
    while ((next = acknowledgements.poll()) != null) {
      acknowledge(next.getKey(), next.getValue());
    }
  }

  private void acknowledge(long checkpointId, Map<String, byte[]> offsets) {
    try {
      reader.checkpointCompleted(offsets);
    } catch (Exception e) {
      LOG.warn("source '{}' could not acknowledge checkpoint {}: {}", label, checkpointId,
          e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** Whether every split given to this runner handed out its last row (and none is waiting to be added). */
  boolean splitsExhausted() {
    return splitsExhausted;
  }

  /** A split found by discovery: added to the reader on this runner's thread, between two polls. */
  void addSplit(String split) {
    discovered.add(split);
  }

  /**
   * Asks the runner to park between two polls, so that everything it read so far is in its
   * pipelines' queues (or, inline, processed) and its offsets describe exactly that. Returns false
   * if it did not park by the deadline; true once parked or ended.
   */
  boolean pause(long deadlineNanos) throws InterruptedException {
    synchronized (gate) {
      pauseRequested = true;
      while (!parked && alive) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(gate, left);
      }
      return true;
    }
  }

  /** Lets a paused runner continue. */
  void resume() {
    synchronized (gate) {
      pauseRequested = false;
      gate.notifyAll();
    }
  }

  private void parkIfRequested() throws InterruptedException {
    synchronized (gate) {
      if (!pauseRequested) {
        return;
      }
      parked = true;
      gate.notifyAll();
      try {
        while (pauseRequested && !stopRequested) {
          gate.wait();
        }
      } finally {
        parked = false;
      }
    }
  }

  @Override
  public void run() {
    MDC.put("source", label);
    if (inlineWorker != null) {
      MDC.put("pipeline", inlineWorker.workerName());
    }
    try {
      announce(List.copyOf(assigned.keySet()));
      while (!stopRequested) {
        parkIfRequested();
        if (stopRequested) {
          break;
        }
        acknowledgePending();
        splits.discoverIfDue(this);
        addDiscovered();
        SplitBatch polled = reader.poll(BATCH_ROWS, POLL_TIMEOUT);
        if (polled != null && abandoned) {
          polled.batch().close(); // its run was stopped after a failure: the restart reads from the checkpoint
          break;
        }
        long now = clock.getAsLong();
        if (polled != null) {
          Batch batch = polled.batch();
          rowsRead.add(batch.rowCount());
          SplitState st = assigned.get(polled.split());
          if (st == null) {
            batch.close();
            throw new IllegalStateException("source '" + source.name() + "' returned rows of split '"
                + polled.split() + "', which its reader was not given");
          }
          if (batch.rowCount() > 0) {
            active(polled.split(), st, now);
          }
          publish(polled.split(), batch);
          checkExhausted(polled.split(), st);
        } else {
          for (Map.Entry<String, SplitState> e : assigned.entrySet()) {
            checkExhausted(e.getKey(), e.getValue());
          }
        }
        checkIdle(now);
        if (splitsExhausted && discovered.isEmpty() && source.instance().isExhausted()) {
          LOG.info("source '{}' is exhausted after {} rows", label, rowsRead.sum());
          end();
          state = "FINISHED";
          break;
        }
      }
      if (!state.equals("FINISHED")) {
        state = "STOPPED";
      }
      engine.sourceDone(this, null);
    } catch (PipelineRunner.Stopped e) {
      state = "STOPPED"; // the inline worker failed and reported it; the region restarts or fails
      engine.sourceDone(this, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      state = "STOPPED";
      engine.sourceDone(this, null);
    } catch (Throwable t) {
      state = "FAILED";
      engine.sourceDone(this, t);
    } finally {
      synchronized (gate) {
        acknowledgePending(); // under the gate: none is queued after this
        alive = false;
        gate.notifyAll();
      }
    }
  }

  private void addDiscovered() throws Exception {
    if (discovered.isEmpty()) {
      return;
    }
    Map<String, byte[]> added = new LinkedHashMap<>();
    String split;
    while ((split = discovered.poll()) != null) {
      added.put(split, null);
    }
    long now = clock.getAsLong();
    for (String s : added.keySet()) {
      SplitState st = new SplitState();
      st.lastDataMillis = now;
      assigned.put(s, st);
    }
    splitsExhausted = false;
    announce(List.copyOf(added.keySet()));
    reader.addSplits(added);
  }

  /** Tells the workers which splits will send rows, so each holds the watermark from the start. */
  private void announce(List<String> ids) throws InterruptedException {
    if (ids.isEmpty()) {
      return;
    }
    if (inlineWorker != null) {
      inlineWorker.offer(new PipelineRunner.SplitsEvent(source.name(), ids));
    } else {
      for (PipelineGroup p : consumers) {
        p.splits(source.name(), ids);
      }
    }
  }

  private void checkExhausted(String split, SplitState st) throws InterruptedException {
    if (st.ended || !reader.isExhausted(split)) {
      return;
    }
    st.ended = true;
    LOG.debug("source '{}': split '{}' is exhausted", label, split);
    if (inlineWorker != null) {
      inlineWorker.offer(new PipelineRunner.SplitEndEvent(source.name(), split));
    } else {
      for (PipelineGroup p : consumers) {
        p.splitEnd(source.name(), split);
      }
    }
    splitsExhausted = assigned.values().stream().allMatch(s -> s.ended);
  }

  private void end() throws InterruptedException {
    if (inlineWorker != null) {
      inlineWorker.offer(new PipelineRunner.EndEvent(source.name()));
    } else if (splits.lastToEnd()) {
      for (PipelineGroup p : consumers) {
        p.end(source.name());
      }
    }
  }

  /**
   * A split that produced nothing for {@code idle_timeout} is idle: it stops holding back the
   * watermark until its next rows (which hold it again).
   */
  private void checkIdle(long now) throws InterruptedException {
    if (idleTimeoutMillis <= 0) {
      return;
    }
    for (Map.Entry<String, SplitState> e : assigned.entrySet()) {
      SplitState st = e.getValue();
      if (st.idle || st.ended || now - st.lastDataMillis < idleTimeoutMillis) {
        continue;
      }
      st.idle = true;
      LOG.info("source '{}'{} produced nothing for {} ms (idle_timeout): it no longer holds back the watermark",
          source.name(), splitLabel(e.getKey()), idleTimeoutMillis);
      if (inlineWorker != null) {
        inlineWorker.offer(new PipelineRunner.IdleEvent(source.name(), e.getKey()));
      } else {
        for (PipelineGroup p : consumers) {
          p.idle(source.name(), e.getKey());
        }
      }
    }
  }

  private static String splitLabel(String split) {
    return Source.DEFAULT_SPLIT.equals(split) ? "" : " split '" + split + "'";
  }

  private void active(String split, SplitState st, long now) {
    st.lastDataMillis = now;
    if (st.idle) {
      st.idle = false;
      LOG.info("source '{}'{} produces again: it holds the watermark again", source.name(), splitLabel(split));
    }
  }

  private void publish(String split, Batch batch) throws InterruptedException {
    if (batch.rowCount() == 0) {
      batch.close();
      return;
    }
    if (inlineWorker != null) {
      SharedBatch shared = new SharedBatch(batch, 1);
      inlineWorker.offer(new PipelineRunner.BatchEvent(source.name(), split, shared, shared));
      return;
    }
    if (consumers.isEmpty()) {
      batch.close();
      return;
    }
    int references = consumers.stream().mapToInt(PipelineGroup::references).sum();
    SharedBatch shared = new SharedBatch(batch, references);
    int routed = 0;
    try {
      for (; routed < consumers.size(); routed++) {
        consumers.get(routed).route(source.name(), split, shared, routingAllocator);
      }
    } finally {
      // a group that was not reached still holds its references (a group that was reached
      // handed or released its own, even when interrupted)
      for (int g = routed + 1; g < consumers.size(); g++) {
        for (int i = 0; i < consumers.get(g).references(); i++) {
          shared.release();
        }
      }
    }
  }

  /** Every split's offsets, from the reader (call while paused or ended). */
  Map<String, byte[]> snapshotOffsets() {
    return reader.snapshotOffsets();
  }

  /** Splits this runner reads, in the order it got them. */
  List<String> splitIds() {
    return new ArrayList<>(assigned.keySet());
  }
}
