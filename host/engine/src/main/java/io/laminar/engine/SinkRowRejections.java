package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.RowRejections;

/**
 * A sink's {@link RowRejections}: routes each rejected row to the pipeline worker whose
 * {@code write} call is running on the reporting thread, which applies the pipeline's
 * {@code on.error}. The workers of a pipeline share its sinks and, for a sink that
 * {@linkplain io.laminar.api.Sink#acceptsConcurrentWrites accepts concurrent writes}, call it at the
 * same time: each call's bracket ({@link #begin}, {@link #end}) is its thread's own. Remembers the
 * exception it threw for {@code fail}, so that a sink that swallows it still fails the pipeline.
 */
final class SinkRowRejections implements RowRejections {
  /** What a worker does with a row its sink rejected: returns (left out) or throws (the pipeline fails). */
  @FunctionalInterface
  interface Handler {
    void reject(Batch batch, int row, String column, String reason) throws ConnectorException;
  }

  /** The write call in progress on one thread: its worker's handler, and the first exception it threw. */
  private static final class Call {
    Handler handler;
    ConnectorException failure;
  }

  private final String sink;
  private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);

  SinkRowRejections(String sink) {
    this.sink = sink;
  }

  /** A write call of the worker that {@code handler} stands for begins on this thread. */
  void begin(Handler handler) {
    Call c = calls.get();
    c.handler = handler;
    c.failure = null;
  }

  /** This thread's write call ended; the exception {@link #reject} threw during it (null if none). */
  ConnectorException end() {
    Call c = calls.get();
    c.handler = null;
    ConnectorException f = c.failure;
    c.failure = null;
    return f;
  }

  @Override
  public void reject(Batch batch, int row, String column, String reason) throws ConnectorException {
    if (batch == null || row < 0 || row >= batch.rowCount()) {
      throw new IllegalArgumentException("sink '" + sink + "' rejected row " + row + " of a batch of "
          + (batch == null ? "no" : String.valueOf(batch.rowCount())) + " rows");
    }
    Call c = calls.get();
    Handler h = c.handler;
    if (h == null) {
      // outside a write() on this thread: nobody to decide, and the row's batch may be gone; fail as
      // a host without policies would
      RowRejections.failing(sink).reject(batch, row, column, reason);
      return;
    }
    try {
      h.reject(batch, row, column, reason);
    } catch (ConnectorException e) {
      if (c.failure == null) {
        c.failure = e; // the first bad row is the one the pipeline fails on
      }
      throw e;
    }
  }
}
