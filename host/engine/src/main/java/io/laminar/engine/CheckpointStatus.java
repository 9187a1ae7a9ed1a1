package io.laminar.engine;

/**
 * What the checkpoints are doing, read without a lock ({@link Engine#checkpointStatus()}).
 *
 * @param last the last checkpoint that completed (null before the first)
 * @param lastFailure the last checkpoint that failed (null if none did)
 * @param completed checkpoints completed since the process started
 * @param failed checkpoints failed since the process started
 * @param inProgress the id of the checkpoint being taken now, 0 when none is
 * @param intervalMs the periodic interval (null when periodic checkpoints are off)
 * @param nextDueAtMillis when the next periodic checkpoint is due (Unix ms; null when none will be
 *     taken: off, the engine is not running, or a bounded input is complete)
 */
public record CheckpointStatus(Completed last, Failed lastFailure, long completed, long failed, long inProgress,
    Long intervalMs, Long nextDueAtMillis) {

  /** Why a checkpoint was taken. */
  public enum Trigger {
    /** The {@code [checkpoint] interval} schedule. */
    PERIODIC,
    /** Asked for ({@code POST /api/v1/checkpoint}). */
    REQUESTED,
    /** At a graceful stop or at the end of a bounded input. */
    FINAL
  }

  /**
   * A completed checkpoint.
   *
   * @param id the checkpoint id (the sinks' epoch)
   * @param durationMs from pausing the sources to committing the sinks
   * @param sizeBytes bytes written
   * @param completedAtMillis when it completed (Unix ms)
   */
  public record Completed(long id, long durationMs, long sizeBytes, long completedAtMillis, Trigger trigger) {
  }

  /**
   * A checkpoint that failed; the previous one stays the recovery point.
   *
   * @param id the id it would have had
   * @param message why
   * @param atMillis when it failed (Unix ms)
   */
  public record Failed(long id, String message, long atMillis, Trigger trigger) {
  }
}
