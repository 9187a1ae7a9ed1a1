package io.laminar.runtime;

import io.laminar.plan.AggCall;
import io.laminar.plan.PlanNode;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * SESSION windows: per partition, a row at time t opens the interval [t, t + gap); overlapping
 * intervals merge (with their aggregates) into one session [first, last + gap), emitted once the
 * watermark reaches its end. A row that overlaps no open session and whose own interval already
 * ended at the watermark is late.
 */
final class SessionAggregateOperator extends Operator {
  private static final SqlType[] NO_KEYS = new SqlType[0];
  private static final ColumnReader[] NO_READERS = new ColumnReader[0];

  private final PlanNode.SessionAggregate plan;
  private final BufferAllocator allocator;
  private final ExecutorMetrics metrics;
  private final SqlType[] inputTypes;
  private final SqlType[] partitionTypes;
  private final BytesDictionary dictionary = new BytesDictionary();
  private final GroupTable partitions;
  private final List<List<Session>> sessions = new ArrayList<>();
  private final int width;
  private long watermark = WatermarkCoalescer.NONE;
  private int open;

  /** One open session: its bounds and aggregates (group 0 of its own table). */
  private static final class Session {
    long start;
    long last;
    final GroupTable state;

    Session(long t, GroupTable state) {
      this.start = t;
      this.last = t;
      this.state = state;
    }
  }

  SessionAggregateOperator(PlanNode.SessionAggregate plan, BufferAllocator allocator, ExecutorMetrics metrics) {
    this.plan = plan;
    this.allocator = allocator;
    this.metrics = metrics;
    this.inputTypes = Plans.types(plan.input().schema());
    this.width = inputTypes.length;
    this.partitionTypes = new SqlType[plan.partitionKeys().size()];
    for (int k = 0; k < partitionTypes.length; k++) {
      partitionTypes[k] = inputTypes[plan.partitionKeys().get(k)];
    }
    this.partitions = new GroupTable(partitionTypes, List.of(), dictionary);
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    if (rowKinds != null) {
      // the planner refuses changelog input to window aggregates; never count a delete as an insert
      throw new IllegalStateException("a window aggregate received row kinds (updates or deletes)");
    }
    ColumnReader[] keyReaders = new ColumnReader[partitionTypes.length];
    for (int k = 0; k < keyReaders.length; k++) {
      keyReaders[k] = ColumnReader.of(batch.getVector(plan.partitionKeys().get(k)), partitionTypes[k]);
    }
    List<AggCall> aggs = plan.aggregates();
    ColumnReader[] args = new ColumnReader[aggs.size()];
    for (int i = 0; i < args.length; i++) {
      int a = aggs.get(i).argument();
      args[i] = a < 0 ? null : ColumnReader.of(batch.getVector(a), inputTypes[a]);
    }
    ColumnReader time = ColumnReader.of(batch.getVector(plan.timeColumn()), SqlType.TIMESTAMP);
    long gap = plan.gapMillis();
    long late = 0;
    long maxLateness = 0;
    long totalLateness = 0;
    for (int r = 0; r < batch.getRowCount(); r++) {
      if (time.isNull(r)) {
        continue;
      }
      long t = time.getLong(r);
      int p = partitions.group(keyReaders, r);
      while (sessions.size() <= p) {
        sessions.add(new ArrayList<>(2));
      }
      List<Session> list = sessions.get(p);
      Session target = null;
      for (int i = 0; i < list.size(); i++) {
        Session s = list.get(i);
        if (t < s.last + gap && s.start < t + gap) {
          if (target == null) {
            target = s;
          } else {
            // the row bridges two sessions: fold s into target
            target.state.merge(0, s.state, 0);
            target.start = Math.min(target.start, s.start);
            target.last = Math.max(target.last, s.last);
            list.remove(i--);
            open--;
          }
        }
      }
      if (target == null) {
        if (t + gap <= watermark) {
          late++;
          long lateness = watermark - (t + gap);
          maxLateness = Math.max(maxLateness, lateness);
          totalLateness += lateness;
          continue;
        }
        target = new Session(t, new GroupTable(NO_KEYS, aggs, dictionary));
        target.state.group(NO_READERS, 0);
        list.add(target);
        open++;
      }
      target.start = Math.min(target.start, t);
      target.last = Math.max(target.last, t);
      target.state.accumulate(0, args, r);
    }
    metrics.addLateRows(late, maxLateness, totalLateness);
  }

  @Override
  void onWatermark(int input, long wm) {
    if (wm <= watermark) {
      return;
    }
    watermark = wm;
    if (open > 0) {
      fire(wm);
    }
    emitWatermark(wm);
  }

  private void fire(long wm) {
    long gap = plan.gapMillis();
    VectorSchemaRoot out = VectorSchemaRoot.create(plan.schema(), allocator);
    try {
      out.allocateNew();
      int row = 0;
      List<Integer> keys = plan.groupKeys();
      for (int p = 0; p < sessions.size(); p++) {
        List<Session> list = sessions.get(p);
        for (int i = 0; i < list.size(); i++) {
          Session s = list.get(i);
          if (s.last + gap > wm) {
            continue;
          }
          for (int k = 0; k < keys.size(); k++) {
            int col = keys.get(k);
            FieldVector v = out.getVector(k);
            if (col == width) {
              ColumnWriter.setLong(v, SqlType.TIMESTAMP, row, s.start);
            } else if (col == width + 1) {
              ColumnWriter.setLong(v, SqlType.TIMESTAMP, row, s.last + gap);
            } else {
              partitions.writeKey(p, plan.partitionKeys().indexOf(col), v, row);
            }
          }
          try {
            for (int a = 0; a < plan.aggregates().size(); a++) {
              s.state.writeAggregate(0, a, out.getVector(keys.size() + a), row);
            }
            row++;
          } catch (ExpressionError e) {
            aggregateError(e, out, row, keys.size()); // the session's row is left out (or the pipeline fails)
          }
          list.remove(i--);
          open--;
        }
      }
      out.setRowCount(row);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out);
  }

  @Override
  void snapshot(StateWriter out) throws IOException {
    out.writeLong(watermark);
    dictionary.writeState(out);
    partitions.writeState(out);
    out.writeInt(sessions.size());
    for (List<Session> list : sessions) {
      out.writeInt(list.size());
      for (Session s : list) {
        out.writeLong(s.start);
        out.writeLong(s.last);
        s.state.writeState(out);
      }
    }
  }

  @Override
  void restore(StateReader in) throws IOException {
    watermark = in.readLong();
    dictionary.readState(in);
    partitions.readState(in);
    int n = in.readCount("partition count");
    if (n > partitions.size()) {
      throw new IOException("corrupt state: sessions for " + n + " partitions, but " + partitions.size() + " known");
    }
    for (int p = 0; p < n; p++) {
      int count = in.readCount("session count");
      List<Session> list = new ArrayList<>(Math.max(2, count));
      for (int i = 0; i < count; i++) {
        long start = in.readLong();
        long last = in.readLong();
        Session s = new Session(start, new GroupTable(NO_KEYS, plan.aggregates(), dictionary));
        s.last = last;
        s.state.readState(in);
        list.add(s);
      }
      sessions.add(list);
      open += count;
    }
  }

  @Override
  long stateSizeBytes() {
    long bytes = dictionary.sizeBytes() + partitions.sizeBytes();
    for (List<Session> list : sessions) {
      for (Session s : list) {
        // the session object and its one-group table
        bytes += 32 + s.state.sizeBytes();
      }
    }
    return bytes;
  }

  @Override
  public void close() {
    sessions.clear();
  }
}
