package io.laminar.engine;

/**
 * A completed checkpoint.
 *
 * @param checkpointId the checkpoint id, which is also the sinks' commit epoch
 * @param durationMs from pausing the sources to committing the sinks
 * @param sizeBytes bytes written (offsets and operator state)
 */
public record CheckpointResult(long checkpointId, long durationMs, long sizeBytes) {
}
