package io.laminar.http;

import io.laminar.engine.CheckpointResult;
import io.laminar.engine.Engine;

/**
 * Takes a checkpoint on request ({@code POST /api/v1/checkpoint}). The engine supplies it; the HTTP
 * layer only calls it. An {@link IllegalStateException} means "not possible right now" (the engine is
 * not running) and becomes a 503; {@link Engine.CheckpointInProgress} (another checkpoint runs; the
 * request does not wait for it) a 409; any other exception is a failed checkpoint and becomes a 500.
 */
@FunctionalInterface
public interface CheckpointTrigger {
  /** Takes a checkpoint and blocks until it is durable. */
  CheckpointResult trigger() throws Exception;

  /** Triggers {@link Engine#checkpointNow()}, which refuses with IllegalStateException unless running. */
  static CheckpointTrigger of(Engine engine) {
    return engine::checkpointNow;
  }
}
