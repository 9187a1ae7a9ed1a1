package io.laminar.state;

import java.time.Instant;
import java.util.Optional;

/**
 * A summary of one checkpoint directory, for listings such as the HTTP API.
 *
 * @param id the checkpoint id (from the directory name)
 * @param createdAt the manifest's creation time, or the directory's modification time when the
 *     manifest cannot be read
 * @param sizeBytes total size of the files in the directory, manifest included
 * @param valid whether the checkpoint verifies (manifest, sizes, SHA-256 checksums)
 * @param latest whether the {@code latest} pointer names it
 * @param problem why it does not verify; empty when valid
 */
public record CheckpointInfo(
    long id, Instant createdAt, long sizeBytes, boolean valid, boolean latest,
    Optional<String> problem) {
}
