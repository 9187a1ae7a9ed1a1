package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.RowRejections;

/**
 * A sink's {@link RowRejections}: routes each rejected row to the pipeline worker whose
 * {@code write} call is running (the workers of a pipeline share its sinks, one call at a time), which
 * applies the pipeline's {@code on.error}. Remembers the exception it threw for {@code fail}, so that
 * a sink that swallows it still fails the pipeline.
 */
final class SinkRowRejections implements RowRejections {
  /** What a worker does with a row its sink rejected: returns (left out) or throws (the pipeline fails). */
  @FunctionalInterface
  interface Handler {
    void reject(Batch batch, int row, String column, String reason) throws ConnectorException;
  }

  private final String sink;
  private volatile Handler current;
  private volatile ConnectorException failure;

  SinkRowRejections(String sink) {
    this.sink = sink;
  }

  /** A write call of the worker that {@code handler} stands for begins. */
  void begin(Handler handler) {
    current = handler;
    failure = null;
  }

  /** The write call ended; the exception {@link #reject} threw during it (null if none). */
  ConnectorException end() {
    current = null;
    ConnectorException f = failure;
    failure = null;
    return f;
  }

  @Override
  public void reject(Batch batch, int row, String column, String reason) throws ConnectorException {
    if (batch == null || row < 0 || row >= batch.rowCount()) {
      throw new IllegalArgumentException("sink '" + sink + "' rejected row " + row + " of a batch of "
          + (batch == null ? "no" : String.valueOf(batch.rowCount())) + " rows");
    }
    Handler h = current;
    if (h == null) {
      // outside write(): nobody to decide, and the row's batch may be gone; fail as a host without policies would
      RowRejections.failing(sink).reject(batch, row, column, reason);
      return;
    }
    try {
      h.reject(batch, row, column, reason);
    } catch (ConnectorException e) {
      if (failure == null) {
        failure = e; // the first bad row is the one the pipeline fails on
      }
      throw e;
    }
  }
}
