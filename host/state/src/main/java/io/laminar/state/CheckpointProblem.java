package io.laminar.state;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Something wrong that recovery found and stepped around: a corrupt or incomplete checkpoint, or
 * a missing or unreadable {@code latest} pointer.
 *
 * @param checkpointId the checkpoint concerned; empty for problems with the pointer itself
 * @param path the file or directory concerned
 * @param message what exactly is wrong
 */
public record CheckpointProblem(OptionalLong checkpointId, Path path, String message) {
  static CheckpointProblem of(long checkpointId, Path path, String message) {
    return new CheckpointProblem(OptionalLong.of(checkpointId), path, message);
  }

  static CheckpointProblem ofPointer(Path path, String message) {
    return new CheckpointProblem(OptionalLong.empty(), path, message);
  }

  /** {@code "checkpoint 7 (<path>): <message>"}, or {@code "<path>: <message>"} for the pointer. */
  @Override
  public String toString() {
    return checkpointId.isPresent()
        ? "checkpoint " + checkpointId.getAsLong() + " (" + path + "): " + message
        : path + ": " + message;
  }
}
