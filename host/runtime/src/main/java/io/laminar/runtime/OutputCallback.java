package io.laminar.runtime;

import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Receives a pipeline's output. */
@FunctionalInterface
public interface OutputCallback {
  /**
   * One batch of output rows in the pipeline's output schema. The batch is only valid during the
   * call (the executor closes it afterwards); transfer or copy what must outlive it.
   */
  void onOutput(VectorSchemaRoot batch);

  /**
   * One batch of a changelog: {@code rowKinds} holds one {@link io.laminar.api.RowKind} code per row.
   * Both are only valid during the call. The default refuses, so a consumer written for append-only
   * output never silently takes a delete for an insert.
   */
  default void onOutput(VectorSchemaRoot batch, TinyIntVector rowKinds) {
    throw new UnsupportedOperationException("this output takes only inserts, but the pipeline produced "
        + "row kinds (updates or deletes)");
  }
}
