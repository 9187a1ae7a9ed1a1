package io.laminar.state;

import java.util.Objects;

/**
 * One state file of a checkpoint as recorded in its manifest.
 *
 * @param name the name the engine gave it
 * @param path its path relative to the checkpoint directory
 * @param size its length in bytes
 * @param sha256 the SHA-256 of its content, 64 lower-case hex digits
 */
public record CheckpointFile(String name, String path, long size, String sha256) {
  /** Checks that no component is null. */
  public CheckpointFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
  }
}
