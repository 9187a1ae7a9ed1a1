package io.laminar.api;

import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A running sink instance. Rows arrive through {@link #write}; output becomes durable per checkpoint
 * <em>epoch</em> (a strictly increasing number):
 *
 * <ol>
 *   <li>{@link #prepareCommit(long)} when the checkpoint barrier reaches the sink: flush, and for
 *       exactly-once make the epoch's output committable (e.g. pre-commit a transaction);</li>
 *   <li>{@link #commit(long)} once the checkpoint is durable;</li>
 *   <li>{@link #abort(long)} if the checkpoint failed.</li>
 * </ol>
 *
 * After a restart {@link #open(long)} receives the last epoch whose checkpoint completed; an
 * exactly-once sink commits a prepared epoch up to that one and aborts anything newer.
 *
 * <p><b>Rows the target cannot store.</b> A sink that can tell a bad row before writing it (a value
 * out of its column's range, too long, too precise, a NULL for a NOT NULL column) reports each such
 * row through {@link ConnectorContext#rowRejections()} inside {@link #write} and writes the batch's
 * other rows: the pipeline's {@code on.error} then skips, dead-letters or fails on it like on a row
 * whose expression fails. A sink that does not check (the default) keeps failing the whole batch
 * when the target refuses it, which fails the pipeline.
 */
public interface Sink extends AutoCloseable {

  /** The strongest guarantee this instance can give; the config may ask for at most this. */
  DeliveryGuarantee maxGuarantee();

  /**
   * Checks that the sink can take rows of the pipeline's output schema; returns one message per
   * problem (empty = compatible). Called before anything starts.
   */
  default List<String> validateSchema(Schema input) {
    return List.of();
  }

  /**
   * Which changes this instance can consume. The default, {@link ChangelogMode#APPEND_ONLY}, keeps
   * sinks written before changelog streams correct: a pipeline whose output has updates or deletes
   * (a CDC source, a GROUP BY without a window) is refused for them before anything starts. A sink
   * declaring {@link ChangelogMode#UPSERT} or {@link ChangelogMode#ALL} gets {@link Batch#changelog}
   * batches and must read {@link Batch#rowKind(int)}.
   */
  default ChangelogMode acceptedChangelogMode() {
    return ChangelogMode.APPEND_ONLY;
  }

  /** Connectivity probe, as {@link Source#check()}. */
  default void check() throws ConnectorException {
  }

  /** Starts the sink; {@code lastCommittedEpoch} is 0 on a fresh start. */
  void open(long lastCommittedEpoch) throws ConnectorException;

  /**
   * Accepts a batch; the caller keeps ownership and closes it after the call returns. Rows the target
   * cannot store are reported to {@link ConnectorContext#rowRejections()} (and not written); a
   * {@link ConnectorException} that {@code reject} throws is to propagate out of this call.
   */
  void write(Batch batch) throws ConnectorException;

  /**
   * Whether several pipeline workers may call {@link #write} on this instance at the same time. The
   * workers of one pipeline share its sinks; with the default, {@code false}, the engine lets one of
   * them into {@code write} at a time (the others wait), which keeps a sink written before this
   * method correct.
   *
   * <p>A sink that returns {@code true} (asked after {@link #open(long)}, as each worker starts) promises that
   * {@code write} is safe from several threads at once: it guards its own state (scratch buffers per
   * thread, counters atomic), and a batch's rows are written as a whole by the call that got it. What
   * the engine still guarantees:
   * <ul>
   *   <li>only {@code write} calls overlap each other; {@link #prepareCommit(long)} runs after every
   *       {@code write} before the checkpoint barrier has returned and before any {@code write} after it
   *       (the workers are parked); {@link #open(long)} returns before the first {@code write}, and
   *       {@link #close()} comes once the workers were stopped and joined (a worker thread that does
   *       not stop in time is abandoned, and its {@code write} may still run, as with one writer);</li>
   *   <li>{@link #commit(long)} and {@link #abort(long)} overlap writes only if the sink
   *       {@linkplain #acceptsWritesWhileCommitting accepts writes while committing} (then with
   *       several at once); otherwise no {@code write} runs between {@code prepareCommit} and them;</li>
   *   <li>{@link ConnectorContext#rowRejections()} attributes a row reported during a {@code write} to
   *       the worker of that call, when it is reported on the calling thread (as it must be: from
   *       inside {@code write}).</li>
   * </ul>
   * There is no order between rows of concurrent calls (none between workers either way).
   */
  default boolean acceptsConcurrentWrites() {
    return false;
  }

  /** Flushes everything written so far and prepares {@code epoch} for commit. */
  void prepareCommit(long epoch) throws ConnectorException;

  /**
   * Whether the engine may let the pipeline go on writing while an epoch is being made durable.
   * The default, {@code false}, keeps a sink written before this method correct: the engine parks
   * the pipeline (and its sources) from {@link #prepareCommit(long)} until {@link #commit(long)} (or
   * {@link #abort(long)}) has returned, so no {@link #write} comes between them.
   *
   * <p>A sink that returns {@code true} promises that, once {@code prepareCommit(e)} has returned:
   * <ul>
   *   <li>{@link #write} may be called with rows of the next epoch before {@code commit(e)} or
   *       {@code abort(e)}; those rows belong to epoch {@code e + 1}: {@code commit(e)} must not make
   *       them visible, and they must survive it (they are prepared by {@code prepareCommit(e + 1)});
   *   <li>{@code commit(e)} and {@code abort(e)} run on the engine's checkpoint thread <em>at the
   *       same time</em> as a {@code write} on a pipeline thread: the sink guards its own state
   *       ({@code write} calls come one at a time unless the sink also
   *       {@linkplain #acceptsConcurrentWrites accepts concurrent writes}, and {@code prepareCommit}
   *       is never called concurrently with anything else). A {@code write} may block (backpressure) until the
   *       pending commit or abort resolves, but must hold nothing that call needs;
   *   <li>after {@code abort(e)} the engine restarts the pipeline from the previous checkpoint with a
   *       new instance and closes this one: rows of later epochs it still holds must never become
   *       visible.
   * </ul>
   * The engine starts the next epoch's {@code prepareCommit} only after {@code commit(e)} returned.
   * What it buys: the pipeline stops only while the consistent cut is taken (offsets, state,
   * {@code prepareCommit}), not while the checkpoint is fsynced and committed.
   */
  default boolean acceptsWritesWhileCommitting() {
    return false;
  }

  /** Makes {@code epoch}'s output visible. Must be idempotent. */
  default void commit(long epoch) throws ConnectorException {
  }

  /**
   * Discards {@code epoch}'s uncommitted output. The engine calls it when a checkpoint fails after
   * this sink prepared it, then restarts the pipeline from the last completed checkpoint with a new
   * sink instance and replays the input since then: nothing of the epoch may be carried forward.
   */
  default void abort(long epoch) throws ConnectorException {
  }

  /** Releases resources; rows not yet prepared may be dropped. */
  @Override
  void close() throws ConnectorException;
}
