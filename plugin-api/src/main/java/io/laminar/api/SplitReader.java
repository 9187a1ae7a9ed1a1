package io.laminar.api;

import java.time.Duration;
import java.util.Map;

/**
 * Reads a set of a source's splits on one host thread. Made by {@link Source#createReader}; a source
 * that keeps its single default split never implements this (the host wraps the source).
 *
 * <p><b>Threading.</b> A reader belongs to one host worker thread (the host made it before starting
 * that thread), which calls {@link #poll}, {@link #addSplits} and {@link #isExhausted}.
 * {@link #snapshotOffsets} and {@link #checkpointCompleted} come either from that thread or from
 * one of the host's checkpoint threads while the worker thread is parked between two polls; the
 * host never calls two methods of one reader at the same time and makes every hand-over between
 * threads a happens-before edge, so a reader needs no locks of its own. Readers of one source run
 * on different threads at the same time: they must not share mutable state (or must guard it).
 *
 * <p><b>Offsets per split.</b> Every split has its own offsets: the bytes {@link #snapshotOffsets}
 * returns for it describe the position just after the last row of that split handed out by
 * {@link #poll}. They are all a split owns — a split has no state outside its offsets (no side
 * file, nothing in the reader it would need after a move) — so after a restart the host may give
 * the split, with those offsets, to a reader on another thread, a reader of a new source instance,
 * or later another server.
 */
public interface SplitReader extends AutoCloseable {

  /**
   * Returns rows of one of this reader's splits — at most {@code maxRows}, waiting at most
   * {@code timeout} for the first — or {@code null} if none arrived. Never mixes splits in one batch
   * (a reader of several splits returns them in turn, as it likes). The batch belongs to the caller.
   */
  SplitBatch poll(int maxRows, Duration timeout) throws ConnectorException;

  /**
   * Adds splits to read, each with the offsets saved for it ({@code null}: a split not read before —
   * read it from its beginning, so rows written to a split before it was discovered are not lost).
   * The host calls it once right after {@link Source#createReader} when it has more splits for this
   * reader, and again when discovery finds new splits. A split is never taken away from a running
   * reader: splits move only across a restart, to a new set of readers.
   */
  void addSplits(Map<String, byte[]> splits) throws ConnectorException;

  /**
   * Whether {@code split} (a bounded one) has handed out its last row. Unbounded splits always
   * return false. Once true the host stops counting the split in the source's watermark (it no
   * longer holds it back) and keeps its last offsets; the source has ended when every split is
   * exhausted and {@link Source#isExhausted()} says no further split will appear.
   */
  default boolean isExhausted(String split) {
    return false;
  }

  /**
   * The offsets of every split this reader has been given, exhausted ones included, keyed by split
   * id. Called at every checkpoint between two polls.
   */
  Map<String, byte[]> snapshotOffsets();

  /**
   * The checkpoint holding {@code offsets} (what {@link #snapshotOffsets()} returned for it) is
   * durable: acknowledge the upstream up to there (a consumer group's committed offsets), never
   * earlier. A failure is logged and the next checkpoint acknowledges again.
   */
  default void checkpointCompleted(Map<String, byte[]> offsets) throws ConnectorException {
  }

  /**
   * Releases what the reader holds (its consumer, its buffers). Called once; the host closes the
   * {@link Source} after all of its readers.
   */
  @Override
  void close() throws ConnectorException;
}
