package io.laminar.runtime;

import io.laminar.plan.AggCall;
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
 * Windowed GROUP BY: one {@link GroupTable} per window end ("fire time"), emitted and dropped once
 * the watermark reaches it. Rows of a window already emitted are late: counted and dropped.
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
  private long watermark = WatermarkCoalescer.NONE;
  private final BatchScratch scratch = new BatchScratch();
  /** Per-batch arrays, reused: the identity selection, fire times and their NULL flags, one run's rows. */
  private int[] all = new int[0];
  private long[] fireTimes = new long[0];
  private boolean[] fireNulls = new boolean[0];
  private int[] selection = new int[0];

  WindowAggregateOperator(PlanNode.WindowAggregate plan, BufferAllocator allocator, ExecutorMetrics metrics) {
    this.plan = plan;
    this.allocator = allocator;
    this.metrics = metrics;
    this.inputTypes = Plans.types(plan.input().schema());
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

  @Override
  void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    if (rowKinds != null) {
      // the planner refuses changelog input to window aggregates; never count a delete as an insert
      throw new IllegalStateException("a window aggregate received row kinds (updates or deletes)");
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
    }
    ColumnBatch.longs(fire, fireType, all, rows, fireTimes);
    boolean anyNull = ColumnBatch.nulls(fire, all, rows, fireNulls);
    long offset = plan.fireOffsetMillis();
    // consecutive rows of one window (the usual case: time mostly ascends) go to its table as one run
    long runFireAt = Long.MIN_VALUE;
    GroupTable table = null;
    int run = 0;
    long late = 0;
    for (int r = 0; r < rows; r++) {
      if (anyNull && fireNulls[r]) {
        continue;
      }
      long fireAt = fireTimes[r] + offset;
      if (fireAt <= watermark) {
        late++;
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
    metrics.addLateRows(late);
  }

  @Override
  void onWatermark(int input, long wm) {
    if (wm <= watermark) {
      return;
    }
    watermark = wm;
    while (!windows.isEmpty() && windows.firstKey() <= wm) {
      Map.Entry<Long, GroupTable> e = windows.pollFirstEntry();
      emitTable(e.getValue());
    }
    emitWatermark(wm);
  }

  private void emitTable(GroupTable table) {
    VectorSchemaRoot out = VectorSchemaRoot.create(plan.schema(), allocator);
    try {
      out.allocateNew();
      table.writeAll(out, keyOutColumns, aggOutColumns, 0);
      out.setRowCount(table.size());
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out);
  }

  @Override
  void snapshot(StateWriter out) throws IOException {
    out.writeLong(watermark);
    out.writeInt(windows.size());
    for (Map.Entry<Long, GroupTable> e : windows.entrySet()) {
      out.writeLong(e.getKey());
      e.getValue().dictionary().writeState(out);
      e.getValue().writeState(out);
    }
  }

  @Override
  void restore(StateReader in) throws IOException {
    watermark = in.readLong();
    int n = in.readCount("window count");
    for (int i = 0; i < n; i++) {
      long fireAt = in.readLong();
      BytesDictionary dictionary = new BytesDictionary();
      dictionary.readState(in);
      GroupTable table = new GroupTable(keyTypes, plan.aggregates(), dictionary);
      table.readState(in);
      windows.put(fireAt, table);
    }
  }

  @Override
  long stateSizeBytes() {
    long bytes = 0;
    for (GroupTable t : windows.values()) {
      bytes += t.sizeBytes() + t.dictionary().sizeBytes();
    }
    return bytes;
  }

  @Override
  public void close() {
    windows.clear();
  }

  /** Open windows, for metrics. */
  int openWindows() {
    return windows.size();
  }
}
