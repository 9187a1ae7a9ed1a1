package io.laminar.runtime;

import org.apache.arrow.vector.VectorSchemaRoot;

/** Receives a pipeline's output. */
@FunctionalInterface
public interface OutputCallback {
  /**
   * One batch of output rows in the pipeline's output schema. The batch is only valid during the
   * call (the executor closes it afterwards); transfer or copy what must outlive it.
   */
  void onOutput(VectorSchemaRoot batch);
}
