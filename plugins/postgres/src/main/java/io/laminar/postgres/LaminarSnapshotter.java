package io.laminar.postgres;

import io.debezium.snapshot.mode.InitialSnapshotter;

/**
 * Debezium's {@code initial} snapshot mode for a restart whose checkpoint was taken during the
 * initial snapshot. Plain {@code initial} would read the table again at a new point and stream from
 * there, so a row the first, interrupted snapshot had already delivered and that was deleted before
 * the repeated one would stay downstream for ever. This one first streams the changes from the
 * checkpoint's position up to the new snapshot's start (the slot still holds them: its position only
 * moves with completed checkpoints), then reads the table, then streams on: every change in between
 * reaches the sink, so an upsert target converges to the table. Used only for such a restart
 * ({@link PostgresCdcSource} asks for it by {@link #NAME}); Debezium finds it through
 * {@code META-INF/services}.
 */
public final class LaminarSnapshotter extends InitialSnapshotter {
  static final String NAME = "laminar_resume_snapshot";

  @Override
  public String name() {
    return NAME;
  }

  /** Always: the checkpoint's offsets may already be streaming ones (taken during the catch-up). */
  @Override
  public boolean shouldSnapshotData(boolean offsetExists, boolean snapshotInProgress) {
    return true;
  }

  /** No: stream from the checkpoint's position up to the snapshot's start first. */
  @Override
  public boolean shouldStreamEventsStartingFromSnapshot() {
    return false;
  }
}
