package io.laminar.testkit.conformance;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.RowKind;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import io.laminar.plugins.IsolatedSourceFactory;
import io.laminar.testkit.TestConnectorContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance suite for a {@link SourceFactory}. Extend it in the connector's tests, say which
 * factory and properties to use and how many rows the external system holds for them, and make
 * sure they are there (a {@code @BeforeEach} that creates a topic or table, or writes a file into
 * {@link #testDir}, and an {@code @AfterEach} that drops it):
 *
 * <pre>{@code
 * class GeneratorConformanceTest extends SourceConformance {
 *   protected SourceFactory factory() { return new GeneratorSourceFactory(); }
 *   protected Map<String, Object> properties() { return Map.of("rows", 500, "seed", 7); }
 *   protected Schema schema() { return new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)))); }
 *   protected int expectedRows() { return 500; }
 *   protected boolean bounded() { return true; }
 * }
 * }</pre>
 *
 * <p>Every instance is created through the host's {@link IsolatedSourceFactory} (so every call runs
 * with the thread context class loader the host sets, and every batch passes the host's schema
 * check) from properties the host's own validator converted, with an allocator of its own that
 * must be at zero once {@code close()} returns. The suite checks:
 * <ul>
 *   <li>the spec and properties ({@link ConnectorConformance});</li>
 *   <li>a fresh start delivers exactly {@link #expectedRows()} rows and then nothing more;</li>
 *   <li>stopping anywhere (open → poll → snapshotOffsets → checkpointCompleted → maybe poll more →
 *       close) and reopening with those offsets delivers the rest: over
 *       {@link #restoreTrials()} trials of {@link #stopsPerTrial()} random stops each, no row is
 *       lost or repeated compared with an uninterrupted read;</li>
 *   <li>batches hold at most the rows asked for, have the configured columns, and carry row kinds
 *       only when {@link Source#changelogMode()} says so;</li>
 *   <li>{@code isExhausted()} is false until the last row of a bounded source was handed out and
 *       true soon after; always false for an unbounded one;</li>
 *   <li>close releases every buffer, also right after create or open.</li>
 * </ul>
 * Rows are compared as {@link Rows} values, each with its row kind first.
 */
public abstract class SourceConformance extends ConnectorConformance<SourceFactory> {

  /** For subclasses. */
  protected SourceConformance() {
  }

  /** How many rows the source delivers for {@link #properties()} (what the external system holds). */
  protected abstract int expectedRows();

  /** Whether the source is bounded: it says {@code isExhausted()} once it has handed out every row. */
  protected abstract boolean bounded();

  /** How many random restore trials {@link #resumesExactlyWhereItStopped} runs (default 6). */
  protected int restoreTrials() {
    return 6;
  }

  /** How many stops (close and reopen with the offsets) each trial makes (default 4). */
  protected int stopsPerTrial() {
    return 4;
  }

  /** The largest {@code maxRows} a poll asks for; each poll picks at random up to it. */
  protected int maxPollRows() {
    return Math.max(1, expectedRows() / 4);
  }

  /** The {@code timeout} each poll gets (default 100 ms). */
  protected Duration pollTimeout() {
    return Duration.ofMillis(100);
  }

  /** How long reading every expected row may take, from one open (default 60 s). */
  protected Duration readTimeout() {
    return Duration.ofSeconds(60);
  }

  /**
   * Called before every fresh start (an open without offsets): the reference read, each restore
   * trial, each test. The default does nothing; a source whose fresh start changes the external
   * system (a CDC source creating a replication slot) sets up new objects here — new names that
   * {@link #properties()} then returns — holding the same rows.
   */
  protected void freshStart() throws Exception {
  }

  /**
   * Whether a restore may hand out rows again (an at-least-once source, such as a CDC source that
   * reads its table's snapshot again after a restart during it). Default false: exactly where it
   * stopped. When true, the restore trials check that no row is lost and allow repeats; a fresh
   * read must still deliver each row once.
   */
  protected boolean restoreMayRepeat() {
    return false;
  }

  /** How long an unbounded source is polled after its last expected row, to see that nothing follows. */
  protected Duration quietPeriod() {
    return Duration.ofMillis(500);
  }

  @Override
  final ConnectorKind kind() {
    return ConnectorKind.SOURCE;
  }

  @Override
  final ConnectorSpec specOf(SourceFactory factory) {
    return factory.spec();
  }

  /** One live instance and what it has shown so far. */
  private final class Opened {
    final Source source;
    final ChangelogMode mode;

    Opened(Harness h, byte[] offsets) throws Exception {
      if (offsets == null) {
        freshStart();
      }
      Assumptions.assumeFalse(isSplitSource(h), "a source with its own splits: its readers are checked by"
          + " splitReadersResumeExactlyWhereTheyStopped");
      TestConnectorContext context = h.context(instanceName(), ConnectorKind.SOURCE, hostProperties(h), schema(),
          List.of(), null, ChangelogMode.APPEND_ONLY);
      SourceFactory f = new IsolatedSourceFactory(factory(), h.pluginLoader());
      this.source = h.track(f.create(context), context);
      this.mode = source.changelogMode();
      source.open(offsets);
    }

    /** One poll of at most {@code maxRows}; the rows, checked. */
    List<List<Object>> poll(int maxRows) throws Exception {
      Batch batch = source.poll(maxRows, pollTimeout());
      if (batch == null) {
        return List.of();
      }
      try {
        List<String> problems = new ArrayList<>();
        if (batch.rowCount() > maxRows) {
          problems.add("poll(" + maxRows + ", …) returned " + batch.rowCount() + " rows");
        }
        if (batch.isChangelog() && mode == ChangelogMode.APPEND_ONLY) {
          problems.add("an append-only source (changelogMode() = APPEND_ONLY) returned a batch with row kinds");
        }
        for (int r = 0; r < batch.rowCount() && batch.isChangelog(); r++) {
          byte code = batch.rowKinds().get(r);
          try {
            RowKind.fromCode(code);
          } catch (IllegalArgumentException e) {
            problems.add("row " + r + " of a batch has row kind code " + code + ", which is none of RowKind's");
            break;
          }
        }
        report(problems);
        return Rows.rows(batch);
      } finally {
        batch.close();
      }
    }
  }

  /** What reading from one open until a goal produced. */
  private record Read(List<List<Object>> rows, boolean exhausted) {
  }

  /**
   * Polls {@code o} until {@code goal} rows (counting {@code before} delivered earlier) have come, or
   * for a bounded source until it says it is exhausted; checks {@code isExhausted()} after every poll.
   */
  private Read read(Opened o, int before, int goal, Random random) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    long deadline = System.nanoTime() + readTimeout().toNanos();
    int expected = expectedRows();
    while (before + rows.size() < goal) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the source delivered " + (before + rows.size()) + " of " + expected
            + " rows, then nothing within " + readTimeout() + " (pollTimeout " + pollTimeout() + ")");
      }
      rows.addAll(o.poll(1 + random.nextInt(maxPollRows())));
      boolean exhausted = o.source.isExhausted();
      int total = before + rows.size();
      if (exhausted && !bounded()) {
        throw new AssertionError("an unbounded source (bounded() = false) said isExhausted() after " + total
            + " rows");
      }
      if (exhausted && total < expected) {
        throw new AssertionError("isExhausted() is true after " + total + " of " + expected
            + " rows: the source says it is done before handing out every row");
      }
      if (exhausted) {
        return new Read(rows, true);
      }
    }
    return new Read(rows, false);
  }

  /** After the last expected row: nothing more, and a bounded source soon says it is exhausted. */
  private void drained(Opened o, boolean alreadyExhausted, int delivered) throws Exception {
    drained(o, alreadyExhausted, delivered, false);
  }

  /** As {@link #drained(Opened, boolean, int)}; with {@code extrasAllowed} the rows that still came. */
  private List<List<Object>> drained(Opened o, boolean alreadyExhausted, int delivered, boolean extrasAllowed)
      throws Exception {
    List<List<Object>> extra = new ArrayList<>();
    if (bounded()) {
      long deadline = System.nanoTime() + readTimeout().toNanos();
      boolean exhausted = alreadyExhausted;
      while (!exhausted) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("a bounded source handed out all " + delivered + " rows but isExhausted() stayed"
              + " false for " + readTimeout());
        }
        extra.addAll(o.poll(Math.max(1, maxPollRows())));
        exhausted = o.source.isExhausted();
      }
      extra.addAll(o.poll(Math.max(1, maxPollRows())));
      if (!o.source.isExhausted()) {
        throw new AssertionError("isExhausted() went back from true to false");
      }
    } else {
      long until = System.nanoTime() + quietPeriod().toNanos();
      while (System.nanoTime() < until) {
        extra.addAll(o.poll(Math.max(1, maxPollRows())));
        if (o.source.isExhausted()) {
          throw new AssertionError("an unbounded source (bounded() = false) said isExhausted()");
        }
      }
    }
    if (!extra.isEmpty() && !extrasAllowed) {
      throw new AssertionError("after all " + delivered + " expected rows the source delivered " + extra.size()
          + " more: " + Rows.show(extra, 5));
    }
    return extra;
  }

  /** Reads everything from a fresh start, checking the count and the end. */
  private List<List<Object>> readEverything(Harness h, Random random) throws Exception {
    Opened o = new Opened(h, null);
    try {
      Read r = read(o, 0, expectedRows(), random);
      if (r.rows().size() != expectedRows()) {
        throw new AssertionError("a fresh start delivered " + r.rows().size() + " rows where " + expectedRows()
            + " were expected");
      }
      drained(o, r.exhausted(), r.rows().size());
      return r.rows();
    } finally {
      h.close(o.source);
    }
  }

  @Test
  public void readsEveryRowOnceThenNothingMore() throws Exception {
    try (Harness h = harness()) {
      readEverything(h, new Random(1));
    }
  }

  @Test
  public void isExhaustedIsHonest() throws Exception {
    try (Harness h = harness()) {
      Opened o = new Opened(h, null);
      if (o.source.isExhausted() && expectedRows() > 0) {
        throw new AssertionError("isExhausted() is true right after open, before any row");
      }
      Read r = read(o, 0, expectedRows(), new Random(2));
      drained(o, r.exhausted(), r.rows().size());
      byte[] end = o.source.snapshotOffsets();
      h.close(o.source);
      Opened again = new Opened(h, end);
      drained(again, false, expectedRows());
      h.close(again.source);
    }
  }

  @Test
  public void batchesMatchTheConfiguredSchema() throws Exception {
    // Opened.poll goes through the host's IsolatedSource, which refuses a batch whose columns (name,
    // type, order) or value counts differ from the configured schema, exactly as the server would.
    try (Harness h = harness()) {
      Opened o = new Opened(h, null);
      Read r = read(o, 0, expectedRows(), new Random(3));
      if (r.rows().size() != expectedRows()) {
        throw new AssertionError("delivered " + r.rows().size() + " rows where " + expectedRows() + " were expected");
      }
      h.close(o.source);
    }
  }

  @Test
  public void snapshotRightAfterOpenResumesFromTheStart() throws Exception {
    try (Harness h = harness()) {
      List<List<Object>> reference = readEverything(h, new Random(4));
      Opened o = new Opened(h, null);
      byte[] offsets = o.source.snapshotOffsets();
      h.close(o.source);
      Opened again = new Opened(h, offsets);
      Read r = read(again, 0, expectedRows(), new Random(5));
      drained(again, r.exhausted(), r.rows().size());
      h.close(again.source);
      compare(reference, r.rows(), "snapshotOffsets() before the first poll, then reopen", false);
    }
  }

  @TestFactory
  public Stream<DynamicTest> resumesExactlyWhereItStopped() throws Exception {
    List<List<Object>> reference;
    try (Harness h = harness()) {
      Assumptions.assumeFalse(isSplitSource(h), "a source with its own splits: its readers are checked by"
          + " splitReadersResumeExactlyWhereTheyStopped");
      reference = readEverything(h, new Random(6));
    }
    long base = new Random().nextLong();
    return IntStream.range(0, restoreTrials()).mapToObj(t -> {
      long seed = base + t;
      return DynamicTest.dynamicTest("trial " + t + " (seed " + seed + ")", () -> trial(reference, seed));
    });
  }

  private void trial(List<List<Object>> reference, long seed) throws Exception {
    Random random = new Random(seed);
    int n = expectedRows();
    TreeSet<Integer> stops = stops(random);
    List<List<Object>> delivered = new ArrayList<>();
    List<String> story = new ArrayList<>();
    try (Harness h = harness()) {
      byte[] offsets = null;
      for (int stop : stops) {
        Opened o = new Opened(h, offsets);
        Read r = read(o, delivered.size(), stop, random);
        delivered.addAll(r.rows());
        offsets = o.source.snapshotOffsets();
        o.source.checkpointCompleted(offsets);
        int after = 0;
        if (random.nextBoolean()) {
          // rows polled after the checkpoint are lost with a crash and must come again after the restore
          after = o.poll(1 + random.nextInt(maxPollRows())).size();
        }
        story.add("stop after " + delivered.size() + " rows" + (after > 0 ? " (+" + after + " polled, dropped)" : ""));
        h.close(o.source);
      }
      Opened o = new Opened(h, offsets);
      Read r = read(o, delivered.size(), n, random);
      delivered.addAll(r.rows());
      long deadline = System.nanoTime() + readTimeout().toNanos();
      while (restoreMayRepeat() && !covers(delivered, reference) && System.nanoTime() < deadline) {
        delivered.addAll(o.poll(1 + random.nextInt(maxPollRows())));
      }
      story.add("end after " + delivered.size() + " rows");
      delivered.addAll(drained(o, r.exhausted(), delivered.size(), restoreMayRepeat()));
      h.close(o.source);
    }
    compare(reference, delivered, String.join(", ", story), restoreMayRepeat());
  }

  /** {@link #stopsPerTrial()} distinct random stop points in 0 … {@link #expectedRows()}. */
  private TreeSet<Integer> stops(Random random) {
    TreeSet<Integer> stops = new TreeSet<>();
    while (stops.size() < Math.min(stopsPerTrial(), expectedRows() + 1)) {
      stops.add(random.nextInt(expectedRows() + 1));
    }
    return stops;
  }

  /** Whether {@code got} holds every row of {@code reference} (as often as it is there). */
  private static boolean covers(List<List<Object>> got, List<List<Object>> reference) {
    Map<List<Object>, Integer> counts = new HashMap<>();
    reference.forEach(r -> counts.merge(r, 1, Integer::sum));
    got.forEach(r -> counts.merge(r, -1, Integer::sum));
    return counts.values().stream().allMatch(c -> c <= 0);
  }

  /** No row lost or (unless {@code repeatsAllowed}) repeated: the two reads hold the same rows, counted. */
  private static void compare(List<List<Object>> reference, List<List<Object>> got, String story,
      boolean repeatsAllowed) {
    Map<List<Object>, Integer> counts = new HashMap<>();
    reference.forEach(r -> counts.merge(r, 1, Integer::sum));
    got.forEach(r -> counts.merge(r, -1, Integer::sum));
    List<List<Object>> lost = new ArrayList<>();
    List<List<Object>> repeated = new ArrayList<>();
    counts.forEach((row, c) -> {
      for (int i = 0; i < c; i++) {
        lost.add(row);
      }
      for (int i = 0; i < -c; i++) {
        repeated.add(row);
      }
    });
    if (!lost.isEmpty() || (!repeated.isEmpty() && !repeatsAllowed)) {
      throw new AssertionError("after " + story + ": " + lost.size() + " row(s) lost " + Rows.show(lost, 5) + ", "
          + repeated.size() + " row(s) repeated " + Rows.show(repeated, 5)
          + " compared with an uninterrupted read of " + reference.size() + " rows");
    }
  }

  private Boolean splitSource;

  /** Whether the source lists splits of its own (then its single-reader methods are not used). */
  private boolean isSplitSource(Harness h) throws Exception {
    if (splitSource == null) {
      Source s = rawOrIsolated(h);
      try {
        splitSource = !SplitReading.call(h.pluginLoader(), s::splits).equals(List.of(Source.DEFAULT_SPLIT));
      } finally {
        h.close(s);
      }
    }
    return splitSource;
  }

  /**
   * A new instance for the split SPI, through the host's wrapper (which forwards the split methods
   * with the plugin loader as context class loader and checks every reader's batches).
   */
  private Source rawOrIsolated(Harness h) throws Exception {
    TestConnectorContext context = h.context(instanceName(), ConnectorKind.SOURCE, hostProperties(h), schema(),
        List.of(), null, ChangelogMode.APPEND_ONLY);
    return h.track(new IsolatedSourceFactory(factory(), h.pluginLoader()).create(context), context);
  }

  /** One instance read through its split readers, the splits dealt out at random. */
  private final class SplitRun {
    final Harness h;
    final Source source;
    final List<SplitReading.Reader> readers = new ArrayList<>();
    final List<String> splits;

    SplitRun(Harness h, Map<String, byte[]> offsets, Random random) throws Exception {
      if (offsets == null) {
        freshStart();
      }
      this.h = h;
      this.source = rawOrIsolated(h);
      ClassLoader loader = h.pluginLoader();
      this.splits = new ArrayList<>(SplitReading.call(loader, source::splits));
      if (offsets != null && !splits.containsAll(offsets.keySet())) {
        throw new AssertionError("splits() after a restart is " + splits + ", without some of the splits the"
            + " checkpoint has: " + offsets.keySet());
      }
      // as the host does on every start (with nothing saved on a fresh one): the source may move
      // offsets saved under other split ids to its current splits
      Map<String, byte[]> saved = offsets == null ? Map.of() : java.util.Collections.unmodifiableMap(offsets);
      Map<String, byte[]> restored = SplitReading.call(loader, () -> source.remapOffsets(saved, List.copyOf(splits)));
      if (restored == null) {
        throw new AssertionError("remapOffsets(" + saved.keySet() + ", " + splits + ") returned null");
      }
      List<String> dealt = new ArrayList<>(splits);
      java.util.Collections.shuffle(dealt, random);
      int n = splits.equals(List.of(Source.DEFAULT_SPLIT)) ? 1 : 1 + random.nextInt(Math.min(3, splits.size()));
      for (int r = 0; r < n; r++) {
        Map<String, byte[]> mine = new java.util.LinkedHashMap<>();
        for (int i = r; i < dealt.size(); i += n) {
          mine.put(dealt.get(i), restored.get(dealt.get(i)));
        }
        SplitReader reader = SplitReading.call(loader, () -> source.createReader(mine));
        readers.add(new SplitReading.Reader(reader, List.copyOf(mine.keySet()), loader, schema()));
      }
    }

    boolean allExhausted() throws Exception {
      for (SplitReading.Reader r : readers) {
        for (String split : r.splits) {
          if (!r.isExhausted(split)) {
            return false;
          }
        }
      }
      return SplitReading.call(h.pluginLoader(), source::isExhausted);
    }

    /** One poll of each reader in turn; the rows. */
    List<List<Object>> pollRound(Random random) throws Exception {
      List<List<Object>> rows = new ArrayList<>();
      for (SplitReading.Reader r : readers) {
        SplitBatch b = r.poll(1 + random.nextInt(maxPollRows()), pollTimeout());
        if (b != null) {
          try {
            rows.addAll(Rows.rows(b.batch()));
          } finally {
            b.batch().close();
          }
        }
      }
      return rows;
    }

    /** Reads until {@code goal} rows in all; checks exhaustion on the way. */
    List<List<Object>> read(int before, int goal, Random random) throws Exception {
      List<List<Object>> rows = new ArrayList<>();
      long deadline = System.nanoTime() + readTimeout().toNanos();
      while (before + rows.size() < goal) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the split readers delivered " + (before + rows.size()) + " of " + expectedRows()
              + " rows, then nothing within " + readTimeout());
        }
        rows.addAll(pollRound(random));
        if (allExhausted() && before + rows.size() < expectedRows()) {
          throw new AssertionError("every split and the source say they are exhausted after "
              + (before + rows.size()) + " of " + expectedRows() + " rows");
        }
      }
      return rows;
    }

    /** Nothing more after the last row (unless {@code extrasAllowed}: then the rows that came); a bounded source ends, an unbounded one never. */
    List<List<Object>> drained(Random random, boolean extrasAllowed) throws Exception {
      List<List<Object>> extra = new ArrayList<>();
      if (bounded()) {
        long deadline = System.nanoTime() + readTimeout().toNanos();
        while (!allExhausted()) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("a bounded source handed out every row but its splits " + splits
                + " were not all exhausted (or Source.isExhausted() stayed false) for " + readTimeout());
          }
          extra.addAll(pollRound(random));
        }
      } else {
        long until = System.nanoTime() + quietPeriod().toNanos();
        while (System.nanoTime() < until) {
          extra.addAll(pollRound(random));
        }
        for (SplitReading.Reader r : readers) {
          for (String split : r.splits) {
            if (r.isExhausted(split)) {
              throw new AssertionError("split '" + split + "' of an unbounded source (bounded() = false) is exhausted");
            }
          }
        }
      }
      if (!extra.isEmpty() && !extrasAllowed) {
        throw new AssertionError("after all " + expectedRows() + " expected rows the split readers delivered "
            + extra.size() + " more (repeated or made-up rows): " + Rows.show(extra, 5));
      }
      return extra;
    }

    /** Every reader's offsets; each reader is told its checkpoint completed. */
    Map<String, byte[]> checkpoint() throws Exception {
      Map<String, byte[]> all = new java.util.LinkedHashMap<>();
      for (SplitReading.Reader r : readers) {
        Map<String, byte[]> mine = r.snapshotOffsets();
        all.putAll(mine);
        r.checkpointCompleted(mine);
      }
      return all;
    }

    void close() throws Exception {
      for (SplitReading.Reader r : readers) {
        r.close();
      }
      h.close(source);
    }
  }

  @TestFactory
  public Stream<DynamicTest> splitReadersResumeExactlyWhereTheyStopped() throws Exception {
    List<List<Object>> reference;
    Random first = new Random(8);
    try (Harness h = harness()) {
      SplitRun run = new SplitRun(h, null, first);
      try {
        reference = run.read(0, expectedRows(), first);
        run.drained(first, false);
      } finally {
        run.close();
      }
    }
    if (reference.size() != expectedRows()) {
      throw new AssertionError("a fresh start through the split readers delivered " + reference.size()
          + " rows where " + expectedRows() + " were expected");
    }
    long base = new Random().nextLong();
    return IntStream.range(0, restoreTrials()).mapToObj(t -> {
      long seed = base + t;
      return DynamicTest.dynamicTest("trial " + t + " (seed " + seed + ")", () -> splitTrial(reference, seed));
    });
  }

  private void splitTrial(List<List<Object>> reference, long seed) throws Exception {
    Random random = new Random(seed);
    int n = expectedRows();
    TreeSet<Integer> stops = stops(random);
    List<List<Object>> delivered = new ArrayList<>();
    List<String> story = new ArrayList<>();
    try (Harness h = harness()) {
      Map<String, byte[]> offsets = null;
      for (int stop : stops) {
        SplitRun run = new SplitRun(h, offsets, random);
        try {
          delivered.addAll(run.read(delivered.size(), stop, random));
          offsets = run.checkpoint();
          int after = random.nextBoolean() ? run.pollRound(random).size() : 0;
          story.add("stop after " + delivered.size() + " rows with " + run.readers.size() + " reader(s)"
              + (after > 0 ? " (+" + after + " polled, dropped)" : ""));
        } finally {
          run.close();
        }
      }
      SplitRun run = new SplitRun(h, offsets, random);
      try {
        delivered.addAll(run.read(delivered.size(), n, random));
        long deadline = System.nanoTime() + readTimeout().toNanos();
        while (restoreMayRepeat() && !covers(delivered, reference) && System.nanoTime() < deadline) {
          delivered.addAll(run.pollRound(random));
        }
        story.add("end after " + delivered.size() + " rows");
        delivered.addAll(run.drained(random, restoreMayRepeat()));
      } finally {
        run.close();
      }
    }
    compare(reference, delivered, String.join(", ", story), restoreMayRepeat());
  }

  @Test
  public void closeRightAfterCreateReleasesEverything() throws Exception {
    try (Harness h = harness()) {
      TestConnectorContext context = h.context(instanceName(), ConnectorKind.SOURCE, hostProperties(h), schema(),
          List.of(), null, ChangelogMode.APPEND_ONLY);
      Source s = h.track(new IsolatedSourceFactory(factory(), h.pluginLoader()).create(context), context);
      h.close(s);
    }
  }

  @Test
  public void closeMidStreamReleasesEveryBuffer() throws Exception {
    try (Harness h = harness()) {
      Opened o = new Opened(h, null);
      read(o, 0, Math.min(expectedRows(), Math.max(1, expectedRows() / 2)), new Random(7));
      h.close(o.source);
    }
  }
}
