package io.laminar.state;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint that {@link CheckpointWriter#commit(Map)} made durable and published as latest.
 *
 * @param id the checkpoint id
 * @param directory its final directory, {@code <dir>/checkpoints/<zero-padded id>}
 * @param createdAt when it was committed (as recorded in the manifest)
 * @param configHash the configuration hash recorded in the manifest
 * @param metadata the engine's metadata map, as recorded
 * @param files its state files, in the order they were completed
 * @param bytes total size of the state files
 * @param writeMillis from {@link CheckpointStore#begin(long)} until the manifest was written
 * @param commitMillis manifest, fsyncs, rename and pointer update
 */
public record CompletedCheckpoint(
    long id,
    Path directory,
    Instant createdAt,
    String configHash,
    Map<String, String> metadata,
    List<CheckpointFile> files,
    long bytes,
    long writeMillis,
    long commitMillis) {
  /** Makes the collections unmodifiable copies. */
  public CompletedCheckpoint {
    metadata = Map.copyOf(metadata);
    files = List.copyOf(files);
  }
}
