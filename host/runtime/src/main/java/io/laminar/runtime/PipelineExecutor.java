package io.laminar.runtime;

import io.laminar.api.LookupSource;
import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.Expr;
import io.laminar.plan.PlanNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Runs one compiled pipeline: the engine feeds source batches (and end-of-input), the executor
 * computes each source's watermark from its event-time column, pushes rows through the operator
 * chain and hands output batches to the {@link OutputCallback}. Single-threaded: call it from one
 * thread at a time. Expression code is generated once, in the constructor.
 *
 * <p>Checkpoints: between batches, {@link #snapshot} streams every piece of state needed to continue
 * exactly (source watermarks, open windows and sessions with their aggregates, union watermarks,
 * counters); a freshly built executor of the same plan {@link #restore restores} it before its first
 * batch and then continues as if never interrupted. The lookup cache is not saved; it refills on demand.
 */
public final class PipelineExecutor implements AutoCloseable {
  /** "LMNS": laminar state. */
  private static final int MAGIC = 0x4C4D4E53;
  /**
   * Bump whenever the layout of any operator's state changes (2: the window's integer SUM/AVG totals
   * are 128-bit; 3: so are the updating GROUP BY's; 4: the header names the key groups the state
   * holds — rows are routed by key group since, where version 3 was routed by hash mod workers).
   */
  private static final int FORMAT_VERSION = 4;
  /** The oldest version still read: its layout is version 4's without the key groups. */
  private static final int OLDEST_VERSION = 3;
  /** A SHA-256 plan fingerprint. */
  private static final int FINGERPRINT_BYTES = 32;
  /** Written last, so a stream cut exactly between sections is still noticed. */
  private static final int END_MARKER = 0x454E4421;

  private final CompiledPipeline pipeline;
  private final BufferAllocator allocator;
  private final Map<String, LookupSource> lookups;
  private final OutputCallback output;
  private final ExecutorMetrics metrics = new ExecutorMetrics();
  private final RowErrors rowErrors = new RowErrors(metrics);
  private final Map<String, SourceInput> sources = new LinkedHashMap<>();
  private final List<Operator> operators = new ArrayList<>();
  private final byte[] fingerprint;
  private UpdateSettings updateSettings;
  private final Function<String, LookupCache.Config> cacheConfig;
  /** The key groups whose keyed state this executor holds (one of several workers: a range). */
  private KeyGroups.Range keyGroups = KeyGroups.Range.ALL;
  /** Whether an operator keeps keyed state (windows, sessions, updating aggregates). */
  private boolean keyed;
  private boolean started;
  private boolean closed;
  private LateRowListener lateRows;

  /** The split of a batch that names none: a source's single default split. */
  public static final String DEFAULT_SPLIT = io.laminar.api.Source.DEFAULT_SPLIT;

  /**
   * One source: its watermark — the minimum over its active splits' watermarks, never moving
   * backwards — and the scan leaves reading it (a source may be read twice, e.g. in a UNION ALL).
   */
  private static final class SourceInput {
    final List<ScanOperator> scans = new ArrayList<>();
    final int eventTimeColumn;
    final Duration delay;
    /** Event-time units per millisecond of the event-time column (1, or 1000 for TIMESTAMP(6)). */
    final long unitsPerMilli;
    final boolean changelog;
    /** Per split, in the order they became known; ended and idle ones do not hold the watermark. */
    final Map<String, SplitInput> splits = new LinkedHashMap<>();
    long watermark = WatermarkCoalescer.NONE;
    long maxEventTime = Long.MIN_VALUE;
    boolean ended;
    /** Every split produced nothing for its idle timeout: left out of the watermarks of the operators it feeds. */
    boolean idle;

    SourceInput(int eventTimeColumn, long unitsPerMilli, Duration delay, boolean changelog) {
      this.eventTimeColumn = eventTimeColumn;
      this.delay = delay;
      this.unitsPerMilli = unitsPerMilli;
      this.changelog = changelog;
    }

    SplitInput split(String id) {
      SplitInput s = splits.get(id);
      if (s == null) {
        s = new SplitInput(new WatermarkTracker(delay, unitsPerMilli));
        splits.put(id, s);
      }
      return s;
    }

    /** The minimum watermark of the splits that are neither idle nor ended; NONE if there is none. */
    long activeMinimum() {
      long min = Long.MAX_VALUE;
      boolean any = false;
      for (SplitInput s : splits.values()) {
        if (!s.idle && !s.ended) {
          min = Math.min(min, s.tracker.watermark());
          any = true;
        }
      }
      return any ? min : WatermarkCoalescer.NONE;
    }

    /** Whether no split is active while some has not ended: the source as a whole is idle. */
    boolean allQuiet() {
      boolean open = false;
      for (SplitInput s : splits.values()) {
        if (!s.ended) {
          if (!s.idle) {
            return false;
          }
          open = true;
        }
      }
      return open;
    }
  }

  /** One split of a source: its own watermark, and whether it is idle or exhausted. */
  private static final class SplitInput {
    final WatermarkTracker tracker;
    boolean idle;
    boolean ended;

    SplitInput(WatermarkTracker tracker) {
      this.tracker = tracker;
    }
  }

  /**
   * Builds the operators. {@code lookups} must hold an open {@link LookupSource} for every lookup the
   * pipeline joins; the executor does not close them. Output batches are allocated from a child of
   * {@code allocator}, released by {@link #close()}.
   */
  public PipelineExecutor(CompiledPipeline pipeline, BufferAllocator allocator, Map<String, LookupSource> lookups,
      OutputCallback output) {
    this(pipeline, allocator, lookups, output, LookupCache.Config.DEFAULT);
  }

  /** As above, with one lookup cache configuration for every lookup. */
  public PipelineExecutor(CompiledPipeline pipeline, BufferAllocator allocator, Map<String, LookupSource> lookups,
      OutputCallback output, LookupCache.Config cacheConfig) {
    this(pipeline, allocator, lookups, output, lookup -> cacheConfig, UpdateSettings.DEFAULT);
  }

  /**
   * As above, with each lookup's cache configuration by lookup name ({@code [lookup.cache]}); every
   * lookup join of this executor gets a cache of its own, so caches are per pipeline worker.
   */
  public PipelineExecutor(CompiledPipeline pipeline, BufferAllocator allocator, Map<String, LookupSource> lookups,
      OutputCallback output, Function<String, LookupCache.Config> cacheConfig) {
    this(pipeline, allocator, lookups, output, cacheConfig, UpdateSettings.DEFAULT);
  }

  /** As above, with one lookup cache configuration and how updating aggregates emit and expire. */
  public PipelineExecutor(CompiledPipeline pipeline, BufferAllocator allocator, Map<String, LookupSource> lookups,
      OutputCallback output, LookupCache.Config cacheConfig, UpdateSettings updateSettings) {
    this(pipeline, allocator, lookups, output, lookup -> cacheConfig, updateSettings);
  }

  /** As above, with each lookup's cache configuration by lookup name and how updating aggregates emit and expire. */
  public PipelineExecutor(CompiledPipeline pipeline, BufferAllocator allocator, Map<String, LookupSource> lookups,
      OutputCallback output, Function<String, LookupCache.Config> cacheConfig, UpdateSettings updateSettings) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.allocator = allocator.newChildAllocator("pipeline-" + pipeline.name(), 0, Long.MAX_VALUE);
    this.lookups = new HashMap<>(lookups);
    this.output = Objects.requireNonNull(output, "output");
    this.fingerprint = fingerprint(pipeline);
    this.cacheConfig = cacheConfig;
    try {
      SinkOperator sink = new SinkOperator();
      operators.add(sink);
      this.updateSettings = Objects.requireNonNull(updateSettings, "updateSettings");
      build(pipeline.root(), sink, 0, cacheConfig);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The pipeline this executor runs. */
  public CompiledPipeline pipeline() {
    return pipeline;
  }

  /**
   * Declares which key groups this executor's keyed state belongs to: as worker {@code i} of {@code
   * n}, {@link KeyGroups#range KeyGroups.range(i, n)} (the rows the engine routes to it). Written in
   * every snapshot; set before {@link #restore} or {@link #restoreShares}.
   */
  public void keyGroups(KeyGroups.Range range) {
    if (started) {
      throw new IllegalStateException("key groups are set before the first batch or restore");
    }
    this.keyGroups = Objects.requireNonNull(range, "range");
  }

  /**
   * Runs this executor as worker {@code worker} of a two-phase window aggregation ({@link
   * io.laminar.plan.Partitioning#twoPhase()}): its window aggregate keeps partial windows and hands
   * them to {@code merger}, shared by all the pipeline's workers, which fires each window once every
   * worker's watermark has passed it — through worker 0's downstream chain, so worker 0's output
   * callback receives every worker's results (from whichever worker's thread completed a window).
   * Set before the first batch and before {@link #restore} or {@link #restoreShares}.
   */
  public void twoPhase(WindowMerger merger, int worker) {
    if (started) {
      throw new IllegalStateException("two-phase aggregation is set before the first batch or restore");
    }
    if (!pipeline.twoPhase()) {
      throw new IllegalArgumentException("pipeline '" + pipeline.name() + "' is not a two-phase window aggregation");
    }
    for (Operator op : operators) {
      if (op instanceof WindowAggregateOperator w) {
        w.twoPhase(merger, worker);
      }
    }
  }

  /**
   * At a checkpoint barrier, before {@link #snapshot}: a two-phase window aggregate hands its open
   * partial windows to the merger (which worker 0's snapshot writes). Call from the executor's thread.
   */
  public void flushPartials() {
    for (Operator op : operators) {
      op.flushPartials();
    }
  }

  /** The key groups this executor's keyed state belongs to. */
  public KeyGroups.Range keyGroups() {
    return keyGroups;
  }

  /** Live counters. */
  public ExecutorMetrics metrics() {
    return metrics;
  }

  /**
   * What to do with a row whose expression fails (overflow, division by zero, a failed CAST) in a
   * filter or projection: null (the default) fails the pipeline with the {@link ExpressionError};
   * otherwise the handler gets each bad row, and the rest of its batch goes on. Batches without a
   * bad row take the generated loop unchanged.
   */
  public void onRowErrors(RowErrorHandler handler) {
    rowErrors.handler(handler);
  }

  /** Who to tell about rows dropped as late (once per source batch that had any); null = nobody. */
  public void onLateRows(LateRowListener listener) {
    this.lateRows = listener;
  }

  /**
   * Pushes one batch of {@code source} (in the source's schema) through the pipeline, then advances
   * the source's watermark to its largest event time minus the allowed delay. The caller keeps
   * ownership of {@code batch}. Unknown sources are ignored (the pipeline does not read them).
   */
  public void onBatch(String source, VectorSchemaRoot batch) {
    onBatch(source, batch, null);
  }

  /**
   * As {@link #onBatch(String, VectorSchemaRoot)}, for a changelog batch: {@code rowKinds} holds one
   * {@link io.laminar.api.RowKind} code per row (null: all inserts). Only a source the plan reads as a
   * changelog may send row kinds. The caller keeps ownership of both.
   */
  public void onBatch(String source, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    onBatch(source, DEFAULT_SPLIT, batch, rowKinds);
  }

  /**
   * As {@link #onBatch(String, VectorSchemaRoot, TinyIntVector)}, for rows of one split of the
   * source: they advance that split's watermark; the source's is the minimum over its splits that
   * are neither idle nor exhausted.
   */
  public void onBatch(String source, String split, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    SourceInput in = sources.get(source);
    if (in == null || batch.getRowCount() == 0) {
      return;
    }
    started = true;
    if (in.ended) {
      throw new IllegalStateException("source '" + source + "' has already ended");
    }
    if (rowKinds != null) {
      if (!in.changelog) {
        throw new IllegalArgumentException("source '" + source + "' sent row kinds (updates or deletes) but "
            + "declares itself append-only");
      }
      if (rowKinds.getValueCount() != batch.getRowCount()) {
        throw new IllegalArgumentException("source '" + source + "' sent " + rowKinds.getValueCount()
            + " row kinds for " + batch.getRowCount() + " rows");
      }
    }
    SplitInput part = in.split(split);
    wake(in, part);
    metrics.addRowsIn(batch.getRowCount());
    metrics.startBatch();
    for (ScanOperator scan : in.scans) {
      scan.onBatch(0, batch, rowKinds);
    }
    metrics.endBatch(source, lateRows);
    observe(in, part, batch);
  }

  /**
   * Advances {@code source}'s watermark by the event times in {@code batch} as {@link #onBatch}
   * would, without processing its rows. For parallel workers: after each worker got its share of a
   * batch, every worker observes the whole batch, so all workers keep the watermark (and late-row
   * decisions) of a single executor fed every row.
   */
  public void observeEventTimes(String source, VectorSchemaRoot batch) {
    observeEventTimes(source, DEFAULT_SPLIT, batch);
  }

  /** As {@link #observeEventTimes(String, VectorSchemaRoot)}, for rows of one split of the source. */
  public void observeEventTimes(String source, String split, VectorSchemaRoot batch) {
    SourceInput in = sources.get(source);
    if (in == null || batch.getRowCount() == 0) {
      return;
    }
    if (in.ended) {
      throw new IllegalStateException("source '" + source + "' has already ended");
    }
    started = true;
    SplitInput part = in.split(split);
    wake(in, part);
    observe(in, part, batch);
  }

  /**
   * Declares splits of {@code source} this executor reads before their first rows, so each holds
   * the source's watermark back from the start (a split never heard of could not). Splits already
   * known are left as they are; unknown sources are ignored.
   */
  public void addSplits(String source, java.util.Collection<String> splits) {
    SourceInput in = sources.get(source);
    if (in == null || in.ended) {
      return;
    }
    for (String split : splits) {
      in.split(split);
    }
  }

  /**
   * Declares that a split of {@code source} handed out its last row: it no longer holds back the
   * source's watermark. The source itself ends with {@link #onEndOfInput}.
   */
  public void onSplitEnd(String source, String split) {
    SourceInput in = sources.get(source);
    if (in == null || in.ended) {
      return;
    }
    SplitInput part = in.split(split);
    if (part.ended) {
      return;
    }
    started = true;
    part.ended = true;
    part.idle = false;
    recombine(in);
  }

  /**
   * Declares that {@code source} has produced nothing for its idle timeout: until its next batch, it
   * no longer holds back the watermark of a UNION it feeds (the other inputs' minimum rules). A
   * pipeline that reads only this source is unaffected: its watermark stays where it is. Unknown
   * or ended sources are ignored.
   */
  public void onIdle(String source) {
    onIdle(source, DEFAULT_SPLIT);
  }

  /**
   * Declares that one split of {@code source} has produced nothing for its idle timeout: until its
   * next rows it no longer holds back the source's watermark (the other splits' minimum rules).
   * Once every split that has not ended is idle, the source is idle as in {@link #onIdle(String)}.
   */
  public void onIdle(String source, String split) {
    SourceInput in = sources.get(source);
    if (in == null || in.ended) {
      return;
    }
    SplitInput part = in.split(split);
    if (part.idle || part.ended) {
      return;
    }
    part.idle = true;
    recombine(in);
  }

  /** After a split went idle or ended: the watermark may move on, or the whole source be idle. */
  private void recombine(SourceInput in) {
    long w = in.activeMinimum();
    if (w > in.watermark) {
      in.watermark = w;
      advance(in, w);
    }
    if (!in.idle && in.allQuiet()) {
      in.idle = true;
      for (ScanOperator scan : in.scans) {
        scan.onIdle(0, true);
      }
    }
  }

  /** Whether {@code source} is idle (see {@link #onIdle}). */
  public boolean isIdle(String source) {
    SourceInput in = sources.get(source);
    return in != null && in.idle;
  }

  /** An idle split (and source) that produces again holds the watermark again, before its rows go through. */
  private static void wake(SourceInput in, SplitInput part) {
    part.idle = false;
    wake(in);
  }

  private static void wake(SourceInput in) {
    if (in.idle) {
      in.idle = false;
      for (ScanOperator scan : in.scans) {
        scan.onIdle(0, false);
      }
    }
  }

  private void observe(SourceInput in, SplitInput part, VectorSchemaRoot batch) {
    if (in.eventTimeColumn >= 0) {
      TimeStampVector time = (TimeStampVector) batch.getVector(in.eventTimeColumn);
      // the watermark only depends on the largest time, so observing the batch's maximum once
      // ends in the same state as observing every row
      long max = Long.MIN_VALUE;
      boolean any = false;
      int rows = batch.getRowCount();
      boolean nulls = !Gather.noNulls(time.getValidityBuffer(), rows);
      if (!nulls) {
        // the common case, once per batch in every worker: by address, no check per row
        long data = Direct.data(time, rows, 8);
        for (int r = 0; r < rows; r++) {
          max = Math.max(max, Direct.getLong(data, r));
        }
        any = rows > 0;
      } else {
        ArrowBuf data = time.getDataBuffer();
        for (int r = 0; r < rows; r++) {
          if (!time.isNull(r)) {
            max = Math.max(max, data.getLong((long) r << 3));
            any = true;
          }
        }
      }
      if (!any) {
        return;
      }
      part.tracker.observe(max);
      in.maxEventTime = Math.max(in.maxEventTime, max);
      long w = in.splits.size() == 1 ? part.tracker.watermark() : in.activeMinimum();
      if (w > in.watermark) {
        in.watermark = w;
        advance(in, w);
      }
    }
  }

  /** Declares that {@code source} has no more rows: its watermark becomes +infinity and open windows flush. */
  public void onEndOfInput(String source) {
    SourceInput in = sources.get(source);
    if (in == null || in.ended) {
      return;
    }
    started = true;
    wake(in); // an ended input counts as +infinity, idle or not
    in.ended = true;
    advance(in, Long.MAX_VALUE);
  }

  /** Whether every source of the pipeline has ended. */
  public boolean isFinished() {
    return sources.values().stream().allMatch(s -> s.ended);
  }

  /** The sources this pipeline reads. */
  public Set<String> sources() {
    return java.util.Collections.unmodifiableSet(sources.keySet());
  }

  /**
   * Writes all state needed to continue exactly from this point: a header (magic, format version,
   * plan fingerprint, pipeline name), each source's largest event time, watermark and ended flag,
   * the counters, then each stateful operator's state. Streams as it goes (no whole-state buffer);
   * the caller owns, flushes and closes {@code out}. Call between batches, from the executor's thread.
   */
  public void snapshot(DataOutputStream out) throws IOException {
    if (closed) {
      throw new IllegalStateException("executor of pipeline '" + pipeline.name() + "' is closed");
    }
    StateWriter w = new StateWriter(out);
    w.writeInt(MAGIC);
    w.writeInt(FORMAT_VERSION);
    w.writeBytes(fingerprint, 0, fingerprint.length);
    w.writeString(pipeline.name());
    w.writeInt(KeyGroups.COUNT);
    w.writeInt(keyGroups.first());
    w.writeInt(keyGroups.end());
    w.writeInt(sources.size());
    for (Map.Entry<String, SourceInput> e : sources.entrySet()) {
      w.writeString(e.getKey());
      w.writeLong(e.getValue().maxEventTime);
      w.writeLong(e.getValue().watermark);
      w.writeBoolean(e.getValue().ended);
    }
    metrics.writeState(w);
    w.writeInt(operators.size());
    for (Operator op : operators) {
      op.snapshot(w);
    }
    w.writeInt(END_MARKER);
    out.flush();
  }

  /**
   * Restores what {@link #snapshot} wrote, into this freshly built executor before its first batch.
   * The snapshot must hold this executor's {@link #keyGroups key groups} (for a single worker: all;
   * {@link #savedKeyGroups} tells which a snapshot holds) — otherwise, as for another worker count,
   * use {@link #restoreShares}. Throws {@link IncompatibleStateException} if the state was taken from
   * a different plan, for other key groups, or in a format this version does not read, and an
   * {@link IOException} naming the problem if the stream is truncated or corrupt; after a failed
   * restore, close this executor and build a new one.
   */
  public void restore(DataInputStream in) throws IOException {
    if (closed || started) {
      throw new IllegalStateException("restore needs a fresh executor of pipeline '" + pipeline.name()
          + "', before its first batch");
    }
    started = true;
    KeyGroups.Range saved = read(in);
    if (keyed && !keyGroups.equals(saved == null ? KeyGroups.Range.ALL : saved)) {
      throw new IncompatibleStateException("the saved state of pipeline '" + pipeline.name() + "' holds "
          + (saved == null ? "keys spread by hash over several workers (written before key groups)" : saved)
          + ", but this worker owns " + keyGroups);
    }
    operators.forEach(Operator::afterRestore);
  }

  /**
   * Restores this fresh executor from the snapshots of another set of workers of the same plan (another
   * worker count, or state written before key groups): each is restored in turn into a scratch
   * executor, whose keyed state of this executor's {@link #keyGroups key groups} moves here — the key
   * group of each saved group recomputed from its keys — and whose watermarks combine by minimum.
   * Every snapshot of the old workers must be given (any order): a key group's state is wherever its
   * old worker was. Throws as {@link #restore} does.
   */
  public void restoreShares(List<Snapshot> snapshots) throws IOException {
    if (closed || started) {
      throw new IllegalStateException("restore needs a fresh executor of pipeline '" + pipeline.name()
          + "', before its first batch");
    }
    started = true;
    boolean first = true;
    for (Snapshot snapshot : snapshots) {
      try (PipelineExecutor share = new PipelineExecutor(pipeline, allocator, lookups, batch -> { }, cacheConfig,
          updateSettings); DataInputStream in = snapshot.open()) {
        share.started = true;
        share.read(in);
        absorb(share, first);
      }
      first = false;
    }
    operators.forEach(Operator::afterRestore);
  }

  /** One saved executor state, opened when it is read. */
  @FunctionalInterface
  public interface Snapshot {
    /** A fresh stream over the snapshot; the caller closes it. */
    DataInputStream open() throws IOException;
  }

  /**
   * The key groups the snapshot in {@code in} holds, read from its header (the stream is left
   * after the header): null for a snapshot written before key groups (format 3), whose keys were
   * spread over its workers by hash mod their number.
   */
  public static KeyGroups.Range savedKeyGroups(DataInputStream in, String pipeline) throws IOException {
    StateReader r = new StateReader(in);
    try {
      return readHeader(r, pipeline, null);
    } catch (EOFException e) {
      EOFException truncated = new EOFException("the saved state is truncated: the stream ended in its header");
      truncated.initCause(e);
      throw truncated;
    }
  }

  /**
   * Reads the header of pipeline {@code name}'s state: magic, version, fingerprint (compared with
   * {@code expect} unless null) and name; returns the saved key groups (null for format 3).
   */
  private static KeyGroups.Range readHeader(StateReader r, String name, byte[] expect) throws IOException {
    int magic = r.readInt();
    if (magic != MAGIC) {
      throw new IOException("the saved state of pipeline '" + name + "' is not laminar pipeline state (bad header)");
    }
    int version = r.readInt();
    if (version < OLDEST_VERSION || version > FORMAT_VERSION) {
      throw new IncompatibleStateException("the saved state of pipeline '" + name + "' has format version "
          + version + "; this laminar reads versions " + OLDEST_VERSION + " to " + FORMAT_VERSION);
    }
    byte[] saved = new byte[FINGERPRINT_BYTES];
    r.readBytes(saved, 0, saved.length);
    String savedName = r.readString();
    if (expect != null && !Arrays.equals(saved, expect)) {
      throw new IncompatibleStateException("the saved state of pipeline '" + name + "' was taken from "
          + "a different plan" + (name.equals(savedName) ? "" : " (pipeline '" + savedName + "')")
          + ": its SQL, or the schema or watermark of a source it reads, changed since the checkpoint");
    }
    if (version == OLDEST_VERSION) {
      return null;
    }
    int count = r.readInt();
    int firstGroup = r.readInt();
    int endGroup = r.readInt();
    if (count != KeyGroups.COUNT || firstGroup < 0 || endGroup > count || firstGroup > endGroup) {
      throw new IOException("the saved state of pipeline '" + name + "' is corrupt: key groups " + firstGroup
          + ".." + endGroup + " of " + count);
    }
    return new KeyGroups.Range(firstGroup, endGroup);
  }

  /** Reads a whole snapshot into this executor; returns the key groups it holds (null: format 3). */
  private KeyGroups.Range read(DataInputStream in) throws IOException {
    StateReader r = new StateReader(in);
    try {
      KeyGroups.Range range = readHeader(r, pipeline.name(), fingerprint);
      int count = r.readCount("source count");
      if (count != sources.size()) {
        throw corrupt("source count " + count + ", expected " + sources.size());
      }
      for (Map.Entry<String, SourceInput> e : sources.entrySet()) {
        String name = r.readString();
        if (!e.getKey().equals(name)) {
          throw corrupt("source '" + name + "', expected '" + e.getKey() + "'");
        }
        long maxEventTime = r.readLong();
        long watermark = r.readLong();
        // Splits start afresh: the source's watermark stays where it was until every split has
        // produced again (or gone idle), so a split that was behind cannot make rows late.
        e.getValue().maxEventTime = maxEventTime;
        e.getValue().watermark = watermark;
        e.getValue().ended = r.readBoolean();
      }
      metrics.readState(r);
      int ops = r.readCount("operator count");
      if (ops != operators.size()) {
        throw corrupt(ops + " operators, expected " + operators.size());
      }
      for (Operator op : operators) {
        op.restore(r);
      }
      if (r.readInt() != END_MARKER) {
        throw corrupt("no end marker where the state should end");
      }
      return range;
    } catch (EOFException e) {
      EOFException truncated = new EOFException("the saved state of pipeline '" + pipeline.name()
          + "' is truncated: the stream ended before the state was complete");
      truncated.initCause(e);
      throw truncated;
    }
  }

  /**
   * Takes over {@code share}'s state of this executor's key groups (see {@link Operator#absorb}):
   * per source the minimum watermark (never past what an old worker had seen) and "ended" only if
   * every old worker had seen the end — a source not ended sends its end again.
   */
  private void absorb(PipelineExecutor share, boolean first) {
    for (Map.Entry<String, SourceInput> e : sources.entrySet()) {
      SourceInput mine = e.getValue();
      SourceInput theirs = share.sources.get(e.getKey());
      mine.maxEventTime = first ? theirs.maxEventTime : Math.min(mine.maxEventTime, theirs.maxEventTime);
      mine.watermark = Operator.combineWatermarks(mine.watermark, theirs.watermark, first);
      mine.ended = first ? theirs.ended : mine.ended && theirs.ended;
    }
    metrics.setWatermark(Operator.combineWatermarks(metrics.watermark(), share.metrics.watermark(), first));
    for (int i = 0; i < operators.size(); i++) {
      operators.get(i).absorb(share.operators.get(i), keyGroups, first);
    }
  }

  private IOException corrupt(String detail) {
    return new IOException("the saved state of pipeline '" + pipeline.name() + "' is corrupt: " + detail);
  }

  /**
   * Approximate heap bytes of operator state (open windows, sessions, dictionaries), for a metric.
   * Call from the executor's thread.
   */
  public long stateSizeBytes() {
    long bytes = 0;
    for (Operator op : operators) {
      bytes += op.stateSizeBytes();
    }
    return bytes;
  }

  /**
   * SHA-256 of the plan's explain text and every step's schema: equal for plans whose state is
   * interchangeable. The pipeline's name is left out (state is filed under it anyway).
   */
  static byte[] fingerprint(CompiledPipeline pipeline) {
    StringBuilder b = new StringBuilder(PlanNode.explain(pipeline.root()));
    appendSchemas(pipeline.root(), b);
    try {
      return MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void appendSchemas(PlanNode node, StringBuilder b) {
    b.append(node.schema()).append('\n');
    if (node instanceof PlanNode.LookupJoin j) {
      b.append(j.lookupSchema()).append('\n');
    }
    for (PlanNode input : node.inputs()) {
      appendSchemas(input, b);
    }
  }

  private void advance(SourceInput in, long watermark) {
    for (ScanOperator scan : in.scans) {
      scan.onWatermark(0, watermark);
    }
  }

  /** Releases operator state and the executor's memory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Operator op : operators) {
      op.close();
    }
    allocator.close();
  }

  private void build(PlanNode node, Operator downstream, int input, Function<String, LookupCache.Config> cacheConfig) {
    Operator op;
    List<PlanNode> children = node.inputs();
    if (node instanceof PlanNode.Scan scan) {
      ScanOperator leaf = new ScanOperator();
      leaf.connect(downstream, input);
      operators.add(leaf);
      sources.computeIfAbsent(scan.source(),
          s -> new SourceInput(scan.eventTimeColumn().orElse(-1), scan.eventTimeColumn()
              .map(c -> Plans.types(scan.schema())[c].unitsPerMilli()).orElse(1L), scan.maxOutOfOrderness(),
              scan.changelog()))
          .scans.add(leaf);
      return;
    } else if (node instanceof PlanNode.Project p && p.input() instanceof PlanNode.Filter f) {
      // filter and projection fuse into one generated loop
      op = new CalcOperator(Plans.typeList(f.schema()), f.condition(), p.expressions(), p.schema(), p.updating(),
          allocator, rowErrors);
      children = f.inputs();
    } else if (node instanceof PlanNode.Project p) {
      op = new CalcOperator(Plans.typeList(p.input().schema()), null, p.expressions(), p.schema(), p.updating(),
          allocator, rowErrors);
    } else if (node instanceof PlanNode.Filter f) {
      op = new CalcOperator(Plans.typeList(f.schema()), f.condition(), (List<Expr>) null, f.schema(), f.updating(),
          allocator, rowErrors);
    } else if (node instanceof PlanNode.WindowAssign w) {
      op = new WindowAssignOperator(w, allocator);
    } else if (node instanceof PlanNode.WindowAggregate a) {
      op = new WindowAggregateOperator(a, allocator, metrics);
      keyed = true;
    } else if (node instanceof PlanNode.GroupAggregate g) {
      op = new GroupAggregateOperator(g, allocator, metrics, updateSettings);
      keyed = true;
    } else if (node instanceof PlanNode.SessionAggregate s) {
      op = new SessionAggregateOperator(s, allocator, metrics);
      keyed = true;
    } else if (node instanceof PlanNode.LookupJoin j) {
      LookupSource source = lookups.get(j.lookup());
      if (source == null) {
        throw new IllegalArgumentException("no lookup source given for '" + j.lookup() + "'");
      }
      op = new LookupJoinOperator(j, source, new LookupCache(cacheConfig.apply(j.lookup())), allocator,
          metrics);
    } else if (node instanceof PlanNode.Union u) {
      op = new UnionOperator(u.inputs().size(), u.schema(), allocator);
    } else {
      throw new IllegalArgumentException("unknown plan step " + node.describe());
    }
    op.connect(downstream, input);
    op.rowErrors = rowErrors;
    operators.add(op);
    for (int i = 0; i < children.size(); i++) {
      build(children.get(i), op, i, cacheConfig);
    }
  }

  /** A leaf: forwards the caller's batch without copying. */
  private static final class ScanOperator extends Operator {
    @Override
    void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
      forward(batch, rowKinds);
    }
  }

  /** The end of the chain: counts and hands batches to the callback. */
  private final class SinkOperator extends Operator {
    @Override
    void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
      metrics.addRowsOut(batch.getRowCount());
      if (rowKinds == null) {
        output.onOutput(batch);
      } else {
        output.onOutput(batch, rowKinds);
      }
    }

    @Override
    void onWatermark(int input, long watermark) {
      metrics.setWatermark(watermark);
    }

    @Override
    void onIdle(int input, boolean idle) {
      // the end of the chain: idleness only matters to operators that combine inputs
    }
  }
}
