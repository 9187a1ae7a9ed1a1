package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.Source;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Polls one source on a thread of its own and hands each batch to every pipeline that reads it.
 * Stops when the source is exhausted (telling its pipelines the input ended) or when asked to.
 */
final class SourceRunner implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceRunner.class);
  static final int BATCH_ROWS = 8192;
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final ConnectorInstance<Source> source;
  private final List<PipelineGroup> consumers;
  private final org.apache.arrow.memory.BufferAllocator routingAllocator;
  private final Engine engine;
  private final LongAdder rowsRead;
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
  private long lastDataMillis;
  private boolean idle;

  SourceRunner(ConnectorInstance<Source> source, List<PipelineGroup> consumers, Engine engine, EngineMetrics metrics,
      org.apache.arrow.memory.BufferAllocator routingAllocator) {
    this.source = source;
    this.consumers = consumers;
    this.routingAllocator = routingAllocator;
    this.engine = engine;
    this.clock = engine.builder().processingClock();
    this.idleTimeoutMillis = engine.builder().config().sources().stream()
        .filter(c -> c.name().equals(source.name())).findFirst()
        .flatMap(c -> c.watermark()).flatMap(w -> w.idleTimeout()).map(Duration::toMillis).orElse(0L);
    this.rowsRead = metrics.counter("laminar_source_rows_read_total", java.util.Map.of("source", source.name()),
        "Rows read from the source");
  }

  String name() {
    return source.name();
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

  /** The connector, for offsets; only touch it while this runner is paused or has ended. */
  Source source() {
    return source.instance();
  }

  /**
   * Asks the runner to park between two polls, so that everything it read so far is in its
   * pipelines' queues and its offsets describe exactly that. Returns false if it did not park by
   * the deadline; true once parked or ended.
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
    MDC.put("source", source.name());
    Source s = source.instance();
    lastDataMillis = clock.getAsLong();
    try {
      while (!stopRequested) {
        parkIfRequested();
        if (stopRequested) {
          break;
        }
        Batch batch = s.poll(BATCH_ROWS, POLL_TIMEOUT);
        if (batch != null && abandoned) {
          batch.close(); // its run was stopped after a failure: the restart reads from the checkpoint
          break;
        }
        if (batch != null) {
          rowsRead.add(batch.rowCount());
          boolean rows = batch.rowCount() > 0;
          if (rows) {
            active();
          }
          publish(batch);
          if (!rows) {
            checkIdle();
          }
        } else if (s.isExhausted()) {
          LOG.info("source '{}' is exhausted after {} rows", source.name(), rowsRead.sum());
          for (PipelineGroup p : consumers) {
            p.end(source.name());
          }
          state = "FINISHED";
          break;
        } else {
          checkIdle();
        }
      }
      if (!state.equals("FINISHED")) {
        state = "STOPPED";
      }
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
        alive = false;
        gate.notifyAll();
      }
    }
  }

  /**
   * After {@code idle_timeout} without a row, tells the pipelines the source is idle: it stops
   * holding back the watermark of a UNION it feeds until its next batch (which holds it again).
   */
  private void checkIdle() throws InterruptedException {
    if (idleTimeoutMillis <= 0 || idle || clock.getAsLong() - lastDataMillis < idleTimeoutMillis) {
      return;
    }
    idle = true;
    LOG.info("source '{}' produced nothing for {} ms (idle_timeout): it no longer holds back the watermark",
        source.name(), idleTimeoutMillis);
    for (PipelineGroup p : consumers) {
      p.idle(source.name());
    }
  }

  private void active() {
    lastDataMillis = clock.getAsLong();
    if (idle) {
      idle = false;
      LOG.info("source '{}' produces again: it holds the watermark again", source.name());
    }
  }

  private void publish(Batch batch) throws InterruptedException {
    if (consumers.isEmpty() || batch.rowCount() == 0) {
      batch.close();
      return;
    }
    int references = consumers.stream().mapToInt(PipelineGroup::references).sum();
    SharedBatch shared = new SharedBatch(batch, references);
    int routed = 0;
    try {
      for (; routed < consumers.size(); routed++) {
        consumers.get(routed).route(source.name(), shared, routingAllocator);
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
}
