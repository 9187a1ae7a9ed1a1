package io.laminar.api;

import java.time.Duration;

/**
 * A running source instance. The host calls {@link #open} once, then {@link #poll} from a single
 * thread until the source is exhausted or the server stops, and {@link #close} at the end.
 *
 * <p>Offsets: at every checkpoint barrier the host calls {@link #snapshotOffsets()} between two polls;
 * the bytes returned must describe the position just after the last row handed out, and are given
 * back to {@link #open} after a restart. Event time and watermarks are computed by the host from
 * the configured {@code [source.watermark]}, never by the source.
 */
public interface Source extends AutoCloseable {

  /**
   * A connectivity probe run before the server starts (skipped with {@code --offline}). Throw
   * {@link ConnectorException#connectionFailed} naming the target on failure. No side effects.
   */
  default void check() throws ConnectorException {
  }

  /**
   * Starts reading. {@code restoredOffsets} is what {@link #snapshotOffsets()} returned at the last
   * completed checkpoint, or {@code null} on a fresh start.
   */
  void open(byte[] restoredOffsets) throws ConnectorException;

  /**
   * Returns up to {@code maxRows} rows, waiting at most {@code timeout} for the first, or
   * {@code null} if none arrived. The returned batch belongs to the caller.
   */
  Batch poll(int maxRows, Duration timeout) throws ConnectorException;

  /**
   * Whether a bounded source has handed out its last row; unbounded sources always return false.
   * Once every source of a server is exhausted the server flushes windows, commits and exits.
   */
  default boolean isExhausted() {
    return false;
  }

  /**
   * Which changes this instance's batches carry. An append-only source (the default) returns plain
   * batches; a changelog source (CDC) may return {@link Batch#changelog} batches whose rows are
   * inserts, updates and deletes, and plain batches for runs of inserts. Called before the server
   * starts, once the instance is created (so it may depend on the properties, e.g. a format).
   */
  default ChangelogMode changelogMode() {
    return ChangelogMode.APPEND_ONLY;
  }

  /** The position after the last row returned by {@link #poll}, to store in a checkpoint. */
  byte[] snapshotOffsets();

  /**
   * Tells the source that the checkpoint holding {@code offsets} (what {@link #snapshotOffsets()}
   * returned for it) is durable, so everything up to that position will never be asked for again. A
   * source that must acknowledge its upstream (a replication slot's confirmed LSN) does so here and
   * never earlier. Called from the checkpoint thread, between two polls; a failure is logged and the
   * next checkpoint acknowledges again.
   */
  default void checkpointCompleted(byte[] offsets) throws ConnectorException {
  }

  /** Releases connections and threads. Called once, also after a failed {@link #open}. */
  @Override
  void close() throws ConnectorException;
}
