package io.laminar.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A running source instance. A source is read in <b>splits</b>: units with their own offsets (a
 * Kafka partition, a generator's share of rows, a CDC slot) that the host assigns to its worker
 * threads. Event time and watermarks are computed by the host from the configured
 * {@code [source.watermark]}, never by the source — per split, combined per source as the minimum
 * over its active splits.
 *
 * <p><b>A single-reader source</b> (the common case, and every source written before splits)
 * implements only {@link #open}, {@link #poll}, {@link #snapshotOffsets} and {@link #close}: it
 * has the one split {@link #DEFAULT_SPLIT}, and the host wraps it in a reader that forwards to those
 * methods. The host calls {@link #open} once, then {@link #poll} from a single thread until the
 * source is exhausted or the server stops, and {@link #close} at the end. At every checkpoint it
 * calls {@link #snapshotOffsets()} between two polls; the bytes returned must describe the position
 * just after the last row handed out, and are given back to {@link #open} after a restart. An offset
 * saved before splits existed restores as the default split's.
 *
 * <p><b>A source with several splits</b> overrides {@link #splits()} and {@link #createReader}
 * instead (the single-reader methods are then never called). The host lists the splits, gives each
 * to one reader (one reader per worker thread that got splits, each made by {@link #createReader}),
 * polls every reader on its own thread, snapshots every reader's offsets at each
 * checkpoint (aligned across all readers), and calls {@link #splits()} again every
 * {@link #splitDiscoveryInterval()} to hand newly found splits to a reader. A split owns nothing but
 * its offsets, so after a restart with another number of workers the host redistributes splits among
 * new readers; see {@link SplitReader}. A source that used to be a single reader restores its old
 * checkpoints by overriding {@link #remapOffsets} (they sit under {@link #DEFAULT_SPLIT}).
 */
public interface Source extends AutoCloseable {

  /** The id of the one split of a source that does not override {@link #splits()}. */
  String DEFAULT_SPLIT = "default";

  /**
   * A connectivity probe run before the server starts (skipped with {@code --offline}). Throw
   * {@link ConnectorException#connectionFailed} naming the target on failure. No side effects.
   */
  default void check() throws ConnectorException {
  }

  /**
   * The ids of the source's splits as they are now, known ones included. Ids are stable strings
   * (the checkpoint files each split's offsets under its id, so the same data must keep the same id
   * across restarts and instances). Called by the host from one of its threads before any reader is
   * made (a failure then fails the start; this may connect, e.g. to list partitions), and again every
   * {@link #splitDiscoveryInterval()} (a failure is logged and retried at the next interval) —
   * never twice at a time, but while readers poll on other threads. A split that leaves the list
   * keeps being read until it is exhausted; saved offsets of a split the list no longer has (after
   * {@link #remapOffsets}) are dropped with a warning. The default: the single {@link #DEFAULT_SPLIT}.
   */
  default List<String> splits() throws ConnectorException {
    return List.of(DEFAULT_SPLIT);
  }

  /**
   * How often the host calls {@link #splits()} again to find new splits (Kafka: new partitions);
   * {@link Duration#ZERO} (the default) means the splits are fixed once listed.
   */
  default Duration splitDiscoveryInterval() {
    return Duration.ZERO;
  }

  /**
   * Maps the offsets a checkpoint holds for this source, keyed by the split ids they were saved
   * under, to offsets keyed by the splits {@link #splits()} lists now. For a source whose split ids
   * changed between versions: a single-reader source that gained splits finds its old offsets under
   * {@link #DEFAULT_SPLIT} (Kafka splits them per partition). Called by the host once per start of
   * the source (also after a restart), after the first {@link #splits()} and before any reader is
   * made, with the checkpoint's offsets ({@code saved} is empty on a fresh start or after
   * {@code --reset-source}); a failure fails the start, as a failed {@link #open} does. The result is
   * what the readers get; its entries for splits not in {@code splits} are dropped with a warning.
   * The default returns {@code saved} unchanged.
   *
   * @param saved the checkpoint's offsets by the split ids they were saved under (unmodifiable)
   * @param splits the splits as {@link #splits()} listed them for this start
   * @return offsets by current split id (a split without an entry, or with {@code null}, was not read before)
   */
  default Map<String, byte[]> remapOffsets(Map<String, byte[]> saved, List<String> splits) throws ConnectorException {
    return saved;
  }

  /**
   * Makes a reader for {@code splits} (split id → the offsets saved for it, or {@code null} for a
   * split not read before). Called by the host before it starts the worker thread that will poll
   * the reader (a failure fails the start, as a failed {@link #open} does; this may connect), and
   * never twice at a time. Several readers of one instance exist at the same time, one per worker
   * thread that got splits, each used by its thread only. The default wraps this
   * source's single-reader methods: it calls {@link #open} with the default split's offsets and
   * forwards {@code poll}, {@code snapshotOffsets}, {@code isExhausted} and
   * {@code checkpointCompleted} (the host makes at most one reader of such a source).
   */
  default SplitReader createReader(Map<String, byte[]> splits) throws ConnectorException {
    SplitReader reader = new DefaultSplitReader(this);
    reader.addSplits(splits);
    return reader;
  }

  /**
   * Starts reading (single-reader sources). {@code restoredOffsets} is what
   * {@link #snapshotOffsets()} returned at the last completed checkpoint, or {@code null} on a fresh
   * start. Not called for a source that overrides {@link #createReader}.
   */
  default void open(byte[] restoredOffsets) throws ConnectorException {
    throw new UnsupportedOperationException(getClass().getName() + " implements neither open() nor createReader()");
  }

  /**
   * Returns up to {@code maxRows} rows, waiting at most {@code timeout} for the first, or
   * {@code null} if none arrived. The returned batch belongs to the caller (single-reader sources).
   */
  default Batch poll(int maxRows, Duration timeout) throws ConnectorException {
    throw new UnsupportedOperationException(getClass().getName() + " implements neither poll() nor createReader()");
  }

  /**
   * Whether a bounded source has handed out its last row; unbounded sources always return false.
   * Once every source of a server is exhausted the server flushes windows, commits and exits. For a
   * source with its own splits: whether the list of splits is final (no split will be discovered
   * any more); the source has then ended once every split's reader says it is exhausted. May be
   * called from any host thread.
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

  /**
   * The position after the last row returned by {@link #poll}, to store in a checkpoint
   * (single-reader sources).
   */
  default byte[] snapshotOffsets() {
    throw new UnsupportedOperationException(getClass().getName()
        + " implements neither snapshotOffsets() nor createReader()");
  }

  /**
   * Tells the source that the checkpoint holding {@code offsets} (what {@link #snapshotOffsets()}
   * returned for it) is durable, so everything up to that position will never be asked for again. A
   * source that must acknowledge its upstream (a replication slot's confirmed LSN) does so here and
   * never earlier. Called from the checkpoint thread, between two polls; a failure is logged and the
   * next checkpoint acknowledges again. (Single-reader sources; readers of splits get
   * {@link SplitReader#checkpointCompleted}.)
   */
  default void checkpointCompleted(byte[] offsets) throws ConnectorException {
  }

  /**
   * Releases connections and threads. Called once, also after a failed {@link #open}, and after the
   * {@link SplitReader#close} of every reader.
   */
  @Override
  void close() throws ConnectorException;
}
