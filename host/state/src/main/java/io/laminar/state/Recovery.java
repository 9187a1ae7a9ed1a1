package io.laminar.state;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link CheckpointStore#recover()}: the checkpoint to restore, if any verifies,
 * and every problem stepped around on the way (each was also logged as a warning).
 *
 * @param checkpoint the newest committed checkpoint that verifies
 * @param problems what was wrong with the pointer and with newer checkpoints, newest first
 */
public record Recovery(Optional<RestoredCheckpoint> checkpoint, List<CheckpointProblem> problems) {
  /** Makes {@code problems} an unmodifiable copy. */
  public Recovery {
    problems = List.copyOf(problems);
  }
}
