package io.laminar.testkit.conformance;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import io.laminar.plugins.IsolatedSinkFactory;
import io.laminar.testkit.TestConnectorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for a {@link SinkFactory}: the epoch protocol as the engine drives it.
 * Extend it, give the factory, properties and input schema, the guarantee to ask for, and — so the
 * suite can see what became durable — {@link #readBack()}: the ids of the rows a reader of the
 * external system sees now (committed rows only). The suite writes rows whose id column
 * ({@link #idColumn()}, by default the first, an integer) holds 0, 1, 2, … and the other columns
 * {@link #value(Field, long)}.
 *
 * <pre>{@code
 * class MySinkConformanceTest extends SinkConformance {
 *   @BeforeEach void createTable() { ... }            // unique name per test
 *   @AfterEach void dropTable() { ... }
 *   protected SinkFactory factory() { return new MySinkFactory(); }
 *   protected Map<String, Object> properties() { return Map.of("table", table, "host", "127.0.0.1"); }
 *   protected Schema schema() { return new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true)), ...)); }
 *   protected DeliveryGuarantee delivery() { return DeliveryGuarantee.EXACTLY_ONCE; }
 *   protected List<Long> readBack() throws Exception { return jdbc.query("SELECT id FROM " + table); }
 * }
 * }</pre>
 *
 * <p>Checked: the spec and properties; {@code maxGuarantee()} covers {@link #delivery()};
 * {@code validateSchema} accepts the schema; a committed epoch is visible exactly once; commit is
 * idempotent (the engine retries it); an empty epoch commits; a new instance opened with the last
 * committed epoch goes on after it; abort discards an epoch (exactly-once) and the replay after it
 * arrives once; a crash between prepare and commit loses nothing and — for exactly-once — repeats
 * nothing, whether the checkpoint completed (the reopened sink must finish the commit) or not (it
 * must discard the prepared epoch before the replay). A crash is simulated by closing the instance
 * without commit. A sink that {@linkplain Sink#acceptsWritesWhileCommitting accepts writes while
 * committing} is also driven as the engine then drives it: rows of the next epoch written between
 * {@code prepareCommit} and {@code commit} — while {@code commit} runs on another thread — are not
 * made visible by that commit but by the next, and survive a crash or an abort as the engine's replay
 * expects. For an at-least-once sink repeats are allowed, losses never. Every instance comes
 * from the host's {@link IsolatedSinkFactory} with an allocator that must be at zero after close.
 * Tests that need {@link #readBack()} are skipped when it returns null.
 */
public abstract class SinkConformance extends ConnectorConformance<SinkFactory> {

  /** For subclasses. */
  protected SinkConformance() {
  }

  /** The guarantee the config asks for ({@code delivery = "…"}); default at-least-once. */
  protected DeliveryGuarantee delivery() {
    return DeliveryGuarantee.AT_LEAST_ONCE;
  }

  /**
   * The ids of the rows a reader of the external system sees now, one per row (a row written twice
   * appears twice), or null if the sink cannot be read back (stdout): then the tests that need it
   * are skipped.
   */
  protected List<Long> readBack() throws Exception {
    return null;
  }

  /** The column holding each row's id (default: the schema's first). */
  protected String idColumn() {
    return schema().getFields().get(0).getName();
  }

  /** The value of row {@code id} in a column other than the id (default {@link Rows#value}). */
  protected Object value(Field field, long id) {
    return Rows.value(field, id);
  }

  /** The sink's key columns the context carries ({@code primaryKey()}); default none. */
  protected List<String> primaryKey() {
    return List.of();
  }

  /** Which changes the pipeline's output carries; default append-only. */
  protected ChangelogMode inputChangelogMode() {
    return ChangelogMode.APPEND_ONLY;
  }

  /** Rows per written batch (default 40). */
  protected int batchRows() {
    return 40;
  }

  @Override
  final ConnectorKind kind() {
    return ConnectorKind.SINK;
  }

  @Override
  final ConnectorSpec specOf(SinkFactory factory) {
    return factory.spec();
  }

  /** A new, opened instance. */
  private Sink open(Harness h, long lastCommittedEpoch) throws Exception {
    TestConnectorContext context = h.context(instanceName(), ConnectorKind.SINK, hostProperties(h), schema(),
        primaryKey(), delivery(), inputChangelogMode());
    Sink sink = h.track(new IsolatedSinkFactory(factory(), h.pluginLoader()).create(context), context);
    sink.open(lastCommittedEpoch);
    return sink;
  }

  /** Writes rows {@code from} … {@code to - 1}, in batches, as the engine hands them (it closes each after the call). */
  private void write(Harness h, Sink sink, long from, long to) throws Exception {
    for (long start = from; start < to; start += batchRows()) {
      int rows = (int) Math.min(batchRows(), to - start);
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema(), h.testAllocator())) {
        root.allocateNew();
        String id = idColumn();
        for (FieldVector v : root.getFieldVectors()) {
          Field f = v.getField();
          for (int r = 0; r < rows; r++) {
            Rows.set(v, r, f.getName().equals(id) ? Long.valueOf(start + r) : value(f, start + r));
          }
          v.setValueCount(rows);
        }
        root.setRowCount(rows);
        sink.write(Batch.of(root));
      }
    }
  }

  /** Writes rows {@code from} … {@code to - 1}, then prepares and commits them as {@code epoch}. */
  private void committedEpoch(Harness h, Sink sink, long from, long to, long epoch) throws Exception {
    write(h, sink, from, to);
    sink.prepareCommit(epoch);
    sink.commit(epoch);
  }

  /**
   * A new instance that committed rows 0 … 49 as epoch 1, wrote rows 50 … 99 and prepared them as
   * epoch 2; with {@code writesWhileCommitting}, skips the test unless the sink accepts those.
   */
  private Sink epochTwoPrepared(Harness h, boolean writesWhileCommitting) throws Exception {
    Sink sink = open(h, 0);
    if (writesWhileCommitting) {
      assumeWritesWhileCommitting(sink);
    }
    committedEpoch(h, sink, 0, 50, 1);
    write(h, sink, 50, 100);
    sink.prepareCommit(2);
    return sink;
  }

  private List<Long> readBackOrSkip() throws Exception {
    List<Long> ids = readBack();
    Assumptions.assumeTrue(ids != null, "readBack() returns null: the sink cannot be read back");
    return ids;
  }

  private boolean exactlyOnce() {
    return delivery() == DeliveryGuarantee.EXACTLY_ONCE;
  }

  /**
   * What a reader sees is ids {@code 0 … n-1}: each once for exactly-once (or when {@code exact}),
   * at least once otherwise; nothing else.
   */
  private void expectIds(long n, boolean exact, String when) throws Exception {
    List<Long> ids = readBackOrSkip();
    Map<Long, Integer> counts = new TreeMap<>();
    ids.forEach(id -> counts.merge(id, 1, Integer::sum));
    List<Long> lost = new ArrayList<>();
    List<Long> repeated = new ArrayList<>();
    List<Long> unknown = new ArrayList<>();
    LongStream.range(0, n).filter(id -> !counts.containsKey(id)).forEach(lost::add);
    counts.forEach((id, c) -> {
      if (id < 0 || id >= n) {
        unknown.add(id);
      } else if (c > 1 && (exact || exactlyOnce())) {
        repeated.add(id);
      }
    });
    List<String> problems = new ArrayList<>();
    if (!lost.isEmpty()) {
      problems.add(lost.size() + " committed row(s) not visible, ids " + Rows.show(lost, 10));
    }
    if (!repeated.isEmpty()) {
      problems.add(repeated.size() + " row(s) visible more than once, ids " + Rows.show(repeated, 10));
    }
    if (!unknown.isEmpty()) {
      problems.add(unknown.size() + " row(s) visible that were never committed, ids " + Rows.show(unknown, 10));
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(when + " (" + delivery().label() + " sink, expected ids 0.." + (n - 1) + "): "
          + String.join("; ", problems));
    }
  }

  @Test
  public void maxGuaranteeCoversTheRequestedOne() throws Exception {
    try (Harness h = harness()) {
      Sink sink = open(h, 0);
      DeliveryGuarantee max = sink.maxGuarantee();
      h.close(sink);
      if (max == null || max.compareTo(delivery()) < 0) {
        throw new AssertionError("maxGuarantee() is " + max + " but the test asks for " + delivery()
            + " (delivery()); the host would refuse the config");
      }
    }
  }

  @Test
  public void acceptsTheConfiguredSchema() throws Exception {
    try (Harness h = harness()) {
      TestConnectorContext context = h.context(instanceName(), ConnectorKind.SINK, hostProperties(h), schema(),
          primaryKey(), delivery(), inputChangelogMode());
      Sink sink = h.track(new IsolatedSinkFactory(factory(), h.pluginLoader()).create(context), context);
      List<String> problems = sink.validateSchema(schema());
      h.close(sink);
      report(problems);
    }
  }

  @Test
  public void committedEpochIsVisibleOnce() throws Exception {
    try (Harness h = harness()) {
      Sink sink = open(h, 0);
      committedEpoch(h, sink, 0, 100, 1);
      expectIds(100, true, "after epoch 1 committed");
      h.close(sink);
    }
    expectIds(100, true, "after the sink closed");
  }

  @Test
  public void commitIsIdempotent() throws Exception {
    try (Harness h = harness()) {
      Sink sink = open(h, 0);
      write(h, sink, 0, 60);
      sink.prepareCommit(1);
      sink.commit(1);
      sink.commit(1);
      write(h, sink, 60, 120);
      sink.prepareCommit(2);
      sink.commit(2);
      sink.commit(2);
      h.close(sink);
    }
    expectIds(120, true, "after commit(1) and commit(2) were each called twice");
  }

  @Test
  public void emptyEpochCommits() throws Exception {
    try (Harness h = harness()) {
      Sink sink = open(h, 0);
      sink.prepareCommit(1);
      sink.commit(1);
      committedEpoch(h, sink, 0, 10, 2);
      sink.prepareCommit(3);
      sink.commit(3);
      h.close(sink);
    }
    expectIds(10, true, "after an empty epoch 1, epoch 2 with rows, an empty epoch 3");
  }

  @Test
  public void reopenGoesOnAfterTheLastCommittedEpoch() throws Exception {
    try (Harness h = harness()) {
      Sink first = open(h, 0);
      committedEpoch(h, first, 0, 50, 1);
      committedEpoch(h, first, 50, 100, 2);
      h.close(first);
      Sink second = open(h, 2);
      committedEpoch(h, second, 100, 150, 3);
      h.close(second);
    }
    expectIds(150, true, "after epochs 1, 2, a reopen with open(2), epoch 3");
  }

  @Test
  public void abortDiscardsTheEpochAndTheReplayArrivesOnce() throws Exception {
    try (Harness h = harness()) {
      Sink first = epochTwoPrepared(h, false);
      first.abort(2);
      h.close(first);
      // the engine restarts from checkpoint 1 with a new instance and replays the input since then
      Sink second = open(h, 1);
      committedEpoch(h, second, 50, 100, 3);
      h.close(second);
    }
    expectIds(100, false, "after epoch 2 was aborted and its rows replayed as epoch 3");
  }

  @Test
  public void crashAfterPrepareOfACompletedCheckpointLosesNothing() throws Exception {
    try (Harness h = harness()) {
      Sink first = epochTwoPrepared(h, false);
      // crash: checkpoint 2 is durable but commit(2) never ran; open(2) must finish it
      h.close(first);
      Sink second = open(h, 2);
      committedEpoch(h, second, 100, 150, 3);
      h.close(second);
    }
    expectIds(150, false, "after a crash between prepareCommit(2) and commit(2) of a completed checkpoint,"
        + " open(2) and epoch 3");
  }

  @Test
  public void crashAfterPrepareOfAFailedCheckpointRepeatsNothing() throws Exception {
    try (Harness h = harness()) {
      Sink first = epochTwoPrepared(h, false);
      // crash before checkpoint 2 was durable: the restart opens with epoch 1 and replays rows 50..99
      h.close(first);
      Sink second = open(h, 1);
      committedEpoch(h, second, 50, 100, 2);
      h.close(second);
    }
    expectIds(100, false, "after a crash between prepareCommit(2) and commit(2) of a checkpoint that never"
        + " completed, open(1) and the replay of its rows as epoch 2");
  }

  private static void assumeWritesWhileCommitting(Sink sink) {
    Assumptions.assumeTrue(sink.acceptsWritesWhileCommitting(),
        "the sink does not accept writes while committing (the engine parks its pipeline until commit returns)");
  }

  @Test
  public void rowsWrittenWhileAnEpochCommitsOnAnotherThreadBelongToTheNextEpoch() throws Exception {
    try (Harness h = harness()) {
      Sink sink = open(h, 0);
      assumeWritesWhileCommitting(sink);
      write(h, sink, 0, 50);
      sink.prepareCommit(1);
      write(h, sink, 50, 75); // the pipeline goes on before the checkpoint is durable
      java.util.concurrent.atomic.AtomicReference<Throwable> commitFailed =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread committer = new Thread(() -> {
        try {
          sink.commit(1);
        } catch (Throwable t) {
          commitFailed.set(t);
        }
      }, "conformance-commit");
      committer.start(); // as the engine's checkpoint thread, while the pipeline writes on
      write(h, sink, 75, 100);
      committer.join(java.time.Duration.ofMinutes(1).toMillis());
      if (committer.isAlive() || commitFailed.get() != null) {
        throw new AssertionError("commit(1) while rows of epoch 2 were written: "
            + (committer.isAlive() ? "did not return in a minute" : String.valueOf(commitFailed.get())),
            commitFailed.get());
      }
      if (exactlyOnce()) {
        expectIds(50, true, "after commit(1), with rows 50..99 of epoch 2 written while it ran");
      }
      sink.prepareCommit(2);
      sink.commit(2);
      h.close(sink);
    }
    expectIds(100, false, "after epochs 1 and 2, epoch 2's rows written while commit(1) ran");
  }

  @Test
  public void crashWithRowsOfTheNextEpochWrittenAfterPrepareOfACompletedCheckpointLosesAndRepeatsNothing()
      throws Exception {
    try (Harness h = harness()) {
      Sink first = epochTwoPrepared(h, true);
      write(h, first, 100, 130); // epoch 3, before commit(2)
      // crash: checkpoint 2 is durable, commit(2) never ran; the restart replays from row 100
      h.close(first);
      Sink second = open(h, 2);
      committedEpoch(h, second, 100, 150, 3);
      h.close(second);
    }
    expectIds(150, false, "after a crash with rows 100..129 written between prepareCommit(2) and commit(2),"
        + " open(2) and the replay from row 100 as epoch 3");
  }

  @Test
  public void abortAfterRowsOfTheNextEpochWereWrittenDiscardsThemAndTheReplayArrivesOnce() throws Exception {
    try (Harness h = harness()) {
      Sink first = epochTwoPrepared(h, true);
      write(h, first, 100, 120); // epoch 3, before the checkpoint failed
      first.abort(2);
      h.close(first);
      // the engine restarts from checkpoint 1 with a new instance and replays the input since then
      Sink second = open(h, 1);
      committedEpoch(h, second, 50, 120, 3);
      h.close(second);
    }
    expectIds(120, false, "after epoch 2 was aborted with rows 100..119 written after its prepareCommit, and"
        + " rows 50..119 replayed as epoch 3");
  }

  @Test
  public void closeRightAfterCreateReleasesEverything() throws Exception {
    try (Harness h = harness()) {
      TestConnectorContext context = h.context(instanceName(), ConnectorKind.SINK, hostProperties(h), schema(),
          primaryKey(), delivery(), inputChangelogMode());
      Sink sink = h.track(new IsolatedSinkFactory(factory(), h.pluginLoader()).create(context), context);
      h.close(sink);
    }
  }
}
