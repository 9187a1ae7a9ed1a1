package io.laminar.testplugins.misbehaving;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.Source;
import java.time.Duration;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A source that hands out one batch made by {@link #batch} and is then exhausted. */
abstract class Misbehaviour implements Source {
  final ConnectorContext context;
  private boolean done;

  Misbehaviour(ConnectorContext context) {
    this.context = context;
  }

  /** The one batch this source returns. */
  abstract VectorSchemaRoot batch();

  @Override
  public void open(byte[] restoredOffsets) {
  }

  @Override
  public Batch poll(int maxRows, Duration timeout) {
    if (done) {
      return null;
    }
    done = true;
    return Batch.of(batch());
  }

  @Override
  public boolean isExhausted() {
    return done;
  }

  @Override
  public byte[] snapshotOffsets() {
    return new byte[0];
  }

  @Override
  public void close() {
  }
}
