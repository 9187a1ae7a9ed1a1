package io.laminar.runtime;

import io.laminar.api.RowKind;
import io.laminar.plan.AggCall;
import io.laminar.plan.Partitioning;
import io.laminar.plan.PlanNode;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Windowed GROUP BY: one {@link GroupTable} per window end ("fire time", in the window column's
 * units: microseconds for a TIMESTAMP(6) window), emitted and dropped once the watermark (epoch ms,
 * compared in those units) reaches it. Rows of a window already emitted are late: counted and dropped.
 *
 * <p>Over a changelog ({@link PlanNode.WindowAggregate#retracting()}) each window is a
 * {@link RetractingGroupTable} instead: inserts and UPDATE_AFTERs add their row to its windows,
 * UPDATE_BEFOREs and DELETEs take it back while the window is open. A change for a window already
 * emitted is late like any row (the window's result stands). A window still fires once, so the
 * output stays append-only; only groups that hold rows when it fires are emitted, so a window whose
 * rows were all taken back emits nothing.
 */
final class WindowAggregateOperator extends Operator {
  private final PlanNode.WindowAggregate plan;
  private final BufferAllocator allocator;
  private final ExecutorMetrics metrics;
  private final SqlType[] inputTypes;
  private final SqlType[] keyTypes;
  private final int[] keyOutColumns;
  private final int[] aggOutColumns;
  private final TreeMap<Long, GroupTable> windows = new TreeMap<>();
  /** Over a changelog: the open windows, which can take rows back ({@link #windows} stays empty). */
  private final boolean retracting;
  private final TreeMap<Long, RetractingGroupTable> changing = new TreeMap<>();
  private int[] signs = new int[0];
  /** The watermark (epoch ms), and in the fire column's units (microseconds for a TIMESTAMP(6) window). */
  private long watermark = WatermarkCoalescer.NONE;
  private long watermarkUnits = WatermarkCoalescer.NONE;
  /** The fire column's units per millisecond (1000 for TIMESTAMP(6)); the fire offset in those units. */
  private final long units;
  private final long fireOffset;
  private final BatchScratch scratch = new BatchScratch();
  /** Per-batch arrays, reused: the identity selection, fire times and their NULL flags, one run's rows. */
  private int[] all = new int[0];
  private long[] fireTimes = new long[0];
  private boolean[] fireNulls = new boolean[0];
  private int[] selection = new int[0];
  /** The group keys that are the sources' partition key: they give a group's key group. */
  private final int[] hashSlots;
  /** Two-phase: the pipeline's merger, which this worker's partial windows go to (null: emits itself). */
  private WindowMerger merger;
  private int worker;

  WindowAggregateOperator(PlanNode.WindowAggregate plan, BufferAllocator allocator, ExecutorMetrics metrics) {
    this.plan = plan;
    this.allocator = allocator;
    this.metrics = metrics;
    this.inputTypes = Plans.types(plan.input().schema());
    this.retracting = plan.retracting();
    this.hashSlots = Partitioning.stateKeySlots(plan);
    this.units = inputTypes[plan.fireColumn()].unitsPerMilli();
    this.fireOffset = plan.fireOffsetMillis() * units;
    List<Integer> keys = plan.groupKeys();
    this.keyTypes = new SqlType[keys.size()];
    this.keyOutColumns = new int[keys.size()];
    for (int k = 0; k < keys.size(); k++) {
      keyTypes[k] = inputTypes[keys.get(k)];
      keyOutColumns[k] = k;
    }
    this.aggOutColumns = new int[plan.aggregates().size()];
    for (int i = 0; i < aggOutColumns.length; i++) {
      aggOutColumns[i] = keys.size() + i;
    }
  }

  /**
   * Makes this the local phase of a two-phase aggregation, as worker {@code worker}: windows whose
   * time has come go to {@code merger}, which fires them; worker 0's downstream chain emits them.
   */
  void twoPhase(WindowMerger merger, int worker) {
    if (retracting) {
      throw new IllegalStateException("a window aggregate over a changelog cannot run two-phase");
    }
    this.merger = merger;
    this.worker = worker;
    merger.attach(worker, this, units);
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    if (rowKinds != null && !retracting) {
      // planned for an append-only input: never count a delete as an insert
      throw new IllegalStateException("a window aggregate planned for appends received row kinds (updates or deletes)");
    }
    List<Integer> keys = plan.groupKeys();
    ColumnReader[] keyReaders = new ColumnReader[keys.size()];
    for (int k = 0; k < keyReaders.length; k++) {
      keyReaders[k] = ColumnReader.of(batch.getVector(keys.get(k)), keyTypes[k]);
    }
    List<AggCall> aggs = plan.aggregates();
    ColumnReader[] args = new ColumnReader[aggs.size()];
    for (int i = 0; i < args.length; i++) {
      int a = aggs.get(i).argument();
      args[i] = a < 0 ? null : ColumnReader.of(batch.getVector(a), inputTypes[a]);
    }
    FieldVector fire = batch.getVector(plan.fireColumn());
    SqlType fireType = inputTypes[plan.fireColumn()];
    int rows = batch.getRowCount();
    if (all.length < rows) {
      all = new int[rows];
      for (int r = 0; r < rows; r++) {
        all[r] = r;
      }
      fireTimes = new long[rows];
      fireNulls = new boolean[rows];
      selection = new int[rows];
      signs = retracting ? new int[rows] : signs;
    }
    ColumnBatch.longs(fire, fireType, all, rows, fireTimes);
    boolean anyNull = ColumnBatch.nulls(fire, all, rows, fireNulls);
    if (retracting) {
      changes(keyReaders, args, rows, anyNull, rowKinds);
    } else {
      appends(keyReaders, args, rows, anyNull);
    }
  }

  /** Adds rows {@code 0..rows)} to their windows (their fire times are in {@link #fireTimes}). */
  private void appends(ColumnReader[] keyReaders, ColumnReader[] args, int rows, boolean anyNull) {
    List<AggCall> aggs = plan.aggregates();
    long offset = fireOffset;
    // late: a window already emitted (two-phase over inline workers: fired by the merger)
    long watermark = merger == null || merger.sharedWatermarks() ? watermarkUnits : merger.watermarkUnits();
    // consecutive rows of one window (the usual case: time mostly ascends) go to its table as one run
    long runFireAt = Long.MIN_VALUE;
    GroupTable table = null;
    int run = 0;
    long late = 0;
    long maxLateness = 0;
    long totalLateness = 0;
    for (int r = 0; r < rows; r++) {
      if (anyNull && fireNulls[r]) {
        continue;
      }
      long fireAt = fireTimes[r] + offset;
      if (fireAt <= watermark) {
        late++;
        long lateness = watermark - fireAt;
        maxLateness = Math.max(maxLateness, lateness);
        totalLateness += lateness;
        continue;
      }
      if (table == null || fireAt != runFireAt) {
        if (run > 0) {
          table.addBatch(keyReaders, args, selection, run, scratch);
          run = 0;
        }
        table = windows.get(fireAt);
        if (table == null) {
          table = new GroupTable(keyTypes, aggs, new BytesDictionary());
          windows.put(fireAt, table);
        }
        runFireAt = fireAt;
      }
      selection[run++] = r;
    }
    if (run > 0) {
      table.addBatch(keyReaders, args, selection, run, scratch);
    }
    if (merger != null && watermark < watermarkUnits) {
      // rows for windows this worker's watermark has passed but the merger has not fired: on to it now
      late += handOff(watermarkUnits);
    }
    metrics.addLateRows(late, maxLateness / units, totalLateness / units);
  }

  /** Two-phase: hands the partial windows ending at or before {@code until} to the merger; returns late rows. */
  private long handOff(long until) {
    long late = 0;
    while (!windows.isEmpty() && windows.firstKey() <= until) {
      Map.Entry<Long, GroupTable> e = windows.pollFirstEntry();
      late += merger.handOff(e.getKey(), e.getValue());
    }
    return late;
  }

  /**
   * Two-phase, at a checkpoint barrier: hands every open partial window to the merger, so that at
   * the cut only the merger holds window state.
   */
  @Override
  void flushPartials() {
    if (merger != null) {
      metrics.addLateRows(handOff(Long.MAX_VALUE), 0, 0);
    }
  }

  /**
   * Over a changelog: adds ({@code +I}, {@code +U}) or takes back ({@code -U}, {@code -D}; {@code
   * rowKinds} null: all inserts) rows {@code 0..rows)} in their open windows; as {@link #appends},
   * in runs of one window.
   */
  private void changes(ColumnReader[] keyReaders, ColumnReader[] args, int rows, boolean anyNull,
      TinyIntVector rowKinds) {
    List<AggCall> aggs = plan.aggregates();
    long offset = fireOffset;
    long watermark = watermarkUnits;
    long runFireAt = Long.MIN_VALUE;
    RetractingGroupTable table = null;
    int run = 0;
    long ignored = 0;
    long late = 0;
    long maxLateness = 0;
    long totalLateness = 0;
    for (int r = 0; r < rows; r++) {
      if (anyNull && fireNulls[r]) {
        continue;
      }
      long fireAt = fireTimes[r] + offset;
      if (fireAt <= watermark) {
        // the window has fired: its result stands, the change is late like any row
        late++;
        long lateness = watermark - fireAt;
        maxLateness = Math.max(maxLateness, lateness);
        totalLateness += lateness;
        continue;
      }
      if (table == null || fireAt != runFireAt) {
        if (run > 0) {
          ignored += table.apply(keyReaders, args, selection, signs, run, scratch);
          run = 0;
        }
        table = changing.computeIfAbsent(fireAt,
            t -> new RetractingGroupTable(keyTypes, aggs, new BytesDictionary()));
        runFireAt = fireAt;
      }
      signs[run] = rowKinds == null ? 1 : sign(rowKinds.get(r));
      selection[run++] = r;
    }
    if (run > 0) {
      ignored += table.apply(keyReaders, args, selection, signs, run, scratch);
    }
    metrics.addLateRows(late, maxLateness / units, totalLateness / units);
    if (ignored > 0) {
      metrics.addIgnoredRetractions(ignored);
    }
  }

  /** +1 for a row kind that adds its row (INSERT, UPDATE_AFTER), -1 for one that takes it back. */
  private static int sign(byte kind) {
    return kind == RowKind.UPDATE_BEFORE.code() || kind == RowKind.DELETE.code() ? -1 : 1;
  }

  @Override
  void onWatermark(int input, long wm) {
    if (wm <= watermark) {
      return;
    }
    watermark = wm;
    watermarkUnits = WatermarkTracker.toUnits(wm, units);
    long until = watermarkUnits;
    if (merger != null) {
      metrics.addLateRows(handOff(until), 0, 0);
      merger.watermark(worker, wm); // may fire windows, through worker 0's chain
      if (worker != 0) {
        emitWatermark(wm); // this worker's own chain (its metrics); worker 0's is the merger's
      }
      return;
    }
    while (!windows.isEmpty() && windows.firstKey() <= until) {
      Map.Entry<Long, GroupTable> e = windows.pollFirstEntry();
      emitTable(e.getValue());
    }
    while (!changing.isEmpty() && changing.firstKey() <= until) {
      emitLive(changing.pollFirstEntry().getValue());
    }
    emitWatermark(wm);
  }

  @Override
  void onIdle(int input, boolean idle) {
    if (merger == null) {
      super.onIdle(input, idle);
      return;
    }
    if (idle) {
      // left out of the merged watermark from now on: what it holds must not miss its windows
      flushPartials();
    }
    merger.idle(worker, idle);
    if (worker != 0) {
      super.onIdle(input, idle);
    }
  }

  /** Two-phase, worker 0: a merged window the merger fired (called under the merger's lock). */
  void emitMerged(GroupTable table) {
    emitTable(table);
  }

  /** Two-phase, worker 0: the merger's combined watermark (called under the merger's lock). */
  void emitMergedWatermark(long wm) {
    emitWatermark(wm);
  }

  private void emitLive(RetractingGroupTable table) {
    if (table.live() == 0) {
      return; // every row was taken back: nothing to say about this window
    }
    VectorSchemaRoot out = VectorSchemaRoot.create(plan.schema(), allocator);
    try {
      out.allocateNew();
      out.setRowCount(table.writeLive(out, keyOutColumns, aggOutColumns, 0, this));
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out);
  }

  private void emitTable(GroupTable table) {
    VectorSchemaRoot out = VectorSchemaRoot.create(plan.schema(), allocator);
    try {
      out.allocateNew();
      out.setRowCount(table.writeAll(out, keyOutColumns, aggOutColumns, 0, this));
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out);
  }

  @Override
  void snapshot(StateWriter out) throws IOException {
    out.writeLong(watermark);
    if (retracting) {
      out.writeInt(changing.size());
      for (Map.Entry<Long, RetractingGroupTable> e : changing.entrySet()) {
        out.writeLong(e.getKey());
        e.getValue().dictionary().writeState(out);
        e.getValue().writeState(out);
      }
      return;
    }
    if (merger != null && worker == 0) {
      // two-phase: the merger holds the windows (every worker handed its partials over at the barrier)
      flushPartials();
      merger.writeWindows(out);
      return;
    }
    writeWindows(windows, out);
  }

  /** Writes append-only windows: their count, then per window its end, dictionary and groups. */
  static void writeWindows(TreeMap<Long, GroupTable> windows, StateWriter out) throws IOException {
    out.writeInt(windows.size());
    for (Map.Entry<Long, GroupTable> e : windows.entrySet()) {
      out.writeLong(e.getKey());
      e.getValue().dictionary().writeState(out);
      e.getValue().writeState(out);
    }
  }

  /** Two-phase: what was restored (or absorbed) goes to the merger, with this worker's watermark. */
  @Override
  void afterRestore() {
    if (merger != null) {
      merger.restored(worker, watermark, windows);
    }
  }

  @Override
  void restore(StateReader in) throws IOException {
    watermark = in.readLong();
    watermarkUnits = WatermarkTracker.toUnits(watermark, units);
    int n = in.readCount("window count");
    if (retracting) {
      for (int i = 0; i < n; i++) {
        long fireAt = in.readLong();
        BytesDictionary dictionary = new BytesDictionary();
        dictionary.readState(in);
        RetractingGroupTable table = new RetractingGroupTable(keyTypes, plan.aggregates(), dictionary);
        table.readState(in);
        changing.put(fireAt, table);
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      long fireAt = in.readLong();
      BytesDictionary dictionary = new BytesDictionary();
      dictionary.readState(in);
      GroupTable table = new GroupTable(keyTypes, plan.aggregates(), dictionary);
      table.readState(in);
      windows.put(fireAt, table);
    }
  }

  /**
   * Takes the groups of the key groups {@code owned} from each of {@code other}'s open windows into
   * this operator's window of the same end; a window none of whose groups is taken is not opened
   * (as a worker that never saw its keys would not hold it).
   */
  @Override
  void absorb(Operator from, KeyGroups.Range owned, boolean first) {
    WindowAggregateOperator other = (WindowAggregateOperator) from;
    watermark = combineWatermarks(watermark, other.watermark, first);
    watermarkUnits = WatermarkTracker.toUnits(watermark, units);
    for (Map.Entry<Long, GroupTable> e : other.windows.entrySet()) {
      GroupTable table = windows.get(e.getKey());
      GroupTable into = table != null ? table : new GroupTable(keyTypes, plan.aggregates(), new BytesDictionary());
      if (into.absorb(e.getValue(), hashSlots, owned) > 0 && table == null) {
        windows.put(e.getKey(), into);
      }
    }
    for (Map.Entry<Long, RetractingGroupTable> e : other.changing.entrySet()) {
      RetractingGroupTable table = changing.get(e.getKey());
      RetractingGroupTable into = table != null ? table
          : new RetractingGroupTable(keyTypes, plan.aggregates(), new BytesDictionary());
      if (into.absorb(e.getValue(), hashSlots, owned) > 0 && table == null) {
        changing.put(e.getKey(), into);
      }
    }
  }

  @Override
  long stateSizeBytes() {
    long bytes = 0;
    for (GroupTable t : windows.values()) {
      bytes += t.sizeBytes() + t.dictionary().sizeBytes();
    }
    for (RetractingGroupTable t : changing.values()) {
      bytes += t.sizeBytes() + t.dictionary().sizeBytes();
    }
    if (merger != null && worker == 0) {
      bytes += merger.stateSizeBytes();
    }
    return bytes;
  }

  @Override
  public void close() {
    windows.clear();
    changing.clear();
  }

  /** Open windows, for metrics. */
  int openWindows() {
    return windows.size() + changing.size() + (merger != null && worker == 0 ? merger.openWindows() : 0);
  }
}
