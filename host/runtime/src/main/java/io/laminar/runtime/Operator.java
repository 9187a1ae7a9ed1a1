package io.laminar.runtime;

import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A step of a running pipeline. Batches and watermarks arrive per input (numbered from 0); output
 * goes to the one downstream operator. A batch passed to {@link #onBatch} belongs to the caller and
 * is only valid during the call. Watermarks are epoch milliseconds; {@link Long#MAX_VALUE} means
 * the input has ended.
 */
abstract class Operator implements AutoCloseable {
  private Operator downstream;
  private int downstreamInput;

  final void connect(Operator next, int input) {
    this.downstream = next;
    this.downstreamInput = input;
  }

  abstract void onBatch(int input, VectorSchemaRoot batch);

  /** Advances an input's watermark; the default forwards it. */
  void onWatermark(int input, long watermark) {
    emitWatermark(watermark);
  }

  /** Sends a batch downstream and then closes it. Empty batches are dropped. */
  final void emit(VectorSchemaRoot batch) {
    try {
      if (batch.getRowCount() > 0) {
        downstream.onBatch(downstreamInput, batch);
      }
    } finally {
      batch.close();
    }
  }

  /** Sends a batch the caller still owns downstream, without closing it. */
  final void forward(VectorSchemaRoot batch) {
    if (batch.getRowCount() > 0) {
      downstream.onBatch(downstreamInput, batch);
    }
  }

  final void emitWatermark(long watermark) {
    downstream.onWatermark(downstreamInput, watermark);
  }

  /**
   * Writes everything this operator needs to continue exactly where it is; stateless operators
   * write nothing. Called between batches, never during one.
   */
  void snapshot(StateWriter out) throws IOException {
  }

  /** Reads what {@link #snapshot} wrote, on a fresh operator before its first batch. */
  void restore(StateReader in) throws IOException {
  }

  /** Approximate heap bytes of state held. */
  long stateSizeBytes() {
    return 0;
  }

  /** Releases state. */
  @Override
  public void close() {
  }
}
