package io.laminar.runtime;

import java.io.IOException;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A step of a running pipeline. Batches and watermarks arrive per input (numbered from 0); output
 * goes to the one downstream operator. A batch passed to {@link #onBatch} belongs to the caller and
 * is only valid during the call. Watermarks are epoch milliseconds; {@link Long#MAX_VALUE} means
 * the input has ended.
 *
 * <p>Row kinds: a batch of a changelog comes with a vector of {@link io.laminar.api.RowKind} codes,
 * one per row; {@code null} means every row is an insert, so append-only streams carry no vector and
 * pay nothing for it. A stateless operator hands each output row the kind of the input row it came
 * from.
 */
abstract class Operator implements AutoCloseable {
  private Operator downstream;
  private int downstreamInput;
  /** The executor's row error policy, for aggregates whose result does not fit (set by the executor). */
  RowErrors rowErrors;

  final void connect(Operator next, int input) {
    this.downstream = next;
    this.downstreamInput = input;
  }

  /** Processes a batch; {@code rowKinds} is null for a batch of inserts. */
  abstract void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds);

  /** Advances an input's watermark; the default forwards it. */
  void onWatermark(int input, long watermark) {
    emitWatermark(watermark);
  }

  /**
   * An input became idle (produced nothing for its source's {@code idle_timeout}) or active again;
   * the default forwards it. Operators combining inputs leave idle ones out of their watermark.
   */
  void onIdle(int input, boolean idle) {
    downstream.onIdle(downstreamInput, idle);
  }

  /** Sends a batch of inserts downstream and then closes it. Empty batches are dropped. */
  final void emit(VectorSchemaRoot batch) {
    emit(batch, null);
  }

  /** Sends a batch and its row kinds (may be null) downstream and then closes both. */
  final void emit(VectorSchemaRoot batch, TinyIntVector rowKinds) {
    try {
      if (batch.getRowCount() > 0) {
        downstream.onBatch(downstreamInput, batch, rowKinds);
      }
    } finally {
      batch.close();
      if (rowKinds != null) {
        rowKinds.close();
      }
    }
  }

  /** Sends a batch the caller still owns downstream, without closing it. */
  final void forward(VectorSchemaRoot batch, TinyIntVector rowKinds) {
    if (batch.getRowCount() > 0) {
      downstream.onBatch(downstreamInput, batch, rowKinds);
    }
  }

  /**
   * An aggregate's {@code error} while writing output row {@code row} of {@code out}, whose first
   * {@code keys} columns hold the group's key: rethrown (the pipeline fails) unless the pipeline's
   * {@code on.error} leaves the group's row out, in which case it returns and the caller does.
   */
  final void aggregateError(ExpressionError error, VectorSchemaRoot out, int row, int keys) {
    if (rowErrors == null) {
      throw error;
    }
    rowErrors.aggregateError(error, out, row, keys);
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

  /**
   * Takes over, on a fresh operator before its first batch, the state of {@code other} — this
   * operator of an executor of the same plan restored from another worker's snapshot — that belongs
   * to the key groups {@code owned}: keyed state of those groups moves here, state that is not
   * keyed (watermarks) combines with what earlier snapshots gave ({@code first}: none yet). A
   * combined watermark is the minimum: it never passes what any of the old workers had seen, so no
   * row one of them would still have taken is late. (The workers of a pipeline observe every
   * batch's event times, so at a checkpoint their watermarks agree anyway.) Stateless operators
   * hold nothing to take.
   */
  void absorb(Operator other, KeyGroups.Range owned, boolean first) {
  }

  /** After {@link #restore} or the last {@link #absorb} of a restore; the default does nothing. */
  void afterRestore() {
  }

  /** At a checkpoint barrier, before the snapshot: a two-phase window aggregate hands over its partials. */
  void flushPartials() {
  }

  /** The combination of watermark {@code mine} with another snapshot's {@code theirs}. */
  static long combineWatermarks(long mine, long theirs, boolean first) {
    return first ? theirs : Math.min(mine, theirs);
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
