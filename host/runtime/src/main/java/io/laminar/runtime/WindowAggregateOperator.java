package io.laminar.runtime;

import io.laminar.plan.AggCall;
import io.laminar.plan.PlanNode;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
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
  void onBatch(int input, VectorSchemaRoot batch) {
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
    ColumnReader fire = ColumnReader.of(batch.getVector(plan.fireColumn()), inputTypes[plan.fireColumn()]);
    long offset = plan.fireOffsetMillis();
    long cachedFireAt = Long.MIN_VALUE;
    GroupTable table = null;
    int rows = batch.getRowCount();
    long late = 0;
    for (int r = 0; r < rows; r++) {
      if (fire.isNull(r)) {
        continue;
      }
      long fireAt = fire.getLong(r) + offset;
      if (fireAt <= watermark) {
        late++;
        continue;
      }
      if (table == null || fireAt != cachedFireAt) {
        table = windows.get(fireAt);
        if (table == null) {
          table = new GroupTable(keyTypes, aggs, new BytesDictionary());
          windows.put(fireAt, table);
        }
        cachedFireAt = fireAt;
      }
      table.accumulate(table.group(keyReaders, r), args, r);
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
