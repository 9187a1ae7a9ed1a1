package io.laminar.runtime;

import io.laminar.api.RowKind;
import io.laminar.plan.AggCall;
import io.laminar.plan.Partitioning;
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
 * ended at the watermark is late. Times, the gap and the bounds are in the time column's units
 * (microseconds for a TIMESTAMP(6)); the watermark is epoch milliseconds, compared in those units.
 *
 * <p>Over a changelog ({@link PlanNode.SessionAggregate#retracting()}) aggregates cannot be folded as
 * rows come, since taking a row back may shrink a session or split it in two: each partition keeps
 * its live rows instead ({@link SessionRows}). {@code +I}/{@code +U} add a row, {@code -U}/{@code -D}
 * take back an equal one; sessions are cut from the live rows when the watermark advances, and each
 * one whose end it reached is aggregated, emitted and its rows forgotten. A session whose rows were
 * all taken back is simply gone. An added row that would join no held row and whose own interval
 * ended at the watermark is late, as is a retraction of a row not held whose interval ended (its
 * session, if any, has fired); a retraction of a row not held whose interval is still open is
 * ignored and counted (a row never seen).
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
  /** The watermark (epoch ms), and in the time column's units. */
  private long watermark = WatermarkCoalescer.NONE;
  private long watermarkUnits = WatermarkCoalescer.NONE;
  private int open;
  private final SqlType timeType;
  /** Time units per millisecond (1000 for TIMESTAMP(6)); the gap in those units. */
  private final long units;
  private final long gap;
  /** Over a changelog: per partition its live rows ({@link #sessions} stays empty). */
  private final boolean retracting;
  private final List<SessionRows> live = new ArrayList<>();
  /** The distinct input columns aggregated, their types, and per aggregate its column's index there (-1: none). */
  private final int[] inputColumns;
  private final SqlType[] inputColumnTypes;
  private final int[] inputOf;
  private final long[] scratchValues;
  private final byte[][] scratchBytes = {new byte[64]};
  /** The PARTITION BY keys that are the sources' partition key: they give a partition's key group. */
  private final int[] hashSlots;
  private static final int[] FIRST_GROUP = {0};

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
    this.hashSlots = Partitioning.stateKeySlots(plan);
    this.timeType = inputTypes[plan.timeColumn()];
    this.units = timeType.unitsPerMilli();
    this.gap = plan.gapMillis() * units;
    this.retracting = plan.retracting();
    List<Integer> columns = new ArrayList<>();
    this.inputOf = new int[plan.aggregates().size()];
    for (int i = 0; i < inputOf.length; i++) {
      int a = plan.aggregates().get(i).argument();
      if (a >= 0 && !columns.contains(a)) {
        columns.add(a);
      }
      inputOf[i] = a < 0 ? -1 : columns.indexOf(a);
    }
    this.inputColumns = columns.stream().mapToInt(Integer::intValue).toArray();
    this.inputColumnTypes = new SqlType[inputColumns.length];
    for (int c = 0; c < inputColumns.length; c++) {
      inputColumnTypes[c] = inputTypes[inputColumns[c]];
    }
    this.scratchValues = new long[inputColumns.length];
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    if (rowKinds != null && !retracting) {
      // planned for an append-only input: never count a delete as an insert
      throw new IllegalStateException("a session aggregate planned for appends received row kinds (updates or "
          + "deletes)");
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
    ColumnReader time = ColumnReader.of(batch.getVector(plan.timeColumn()), timeType);
    if (retracting) {
      changes(batch, keyReaders, time, rowKinds);
      return;
    }
    long gap = this.gap;
    long watermark = watermarkUnits;
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
    metrics.addLateRows(late, maxLateness / units, totalLateness / units);
  }

  /** Over a changelog: adds or takes back each row among its partition's live rows. */
  private void changes(VectorSchemaRoot batch, ColumnReader[] keyReaders, ColumnReader time, TinyIntVector rowKinds) {
    ColumnReader[] inputs = new ColumnReader[inputColumns.length];
    for (int c = 0; c < inputs.length; c++) {
      inputs[c] = ColumnReader.of(batch.getVector(inputColumns[c]), inputColumnTypes[c]);
    }
    long gap = this.gap;
    long watermark = watermarkUnits;
    long[] v = scratchValues;
    long late = 0;
    long maxLateness = 0;
    long totalLateness = 0;
    long ignored = 0;
    for (int r = 0; r < batch.getRowCount(); r++) {
      if (time.isNull(r)) {
        continue;
      }
      long t = time.getLong(r);
      int p = partitions.group(keyReaders, r);
      while (live.size() <= p) {
        live.add(new SessionRows(inputColumnTypes));
      }
      SessionRows rows = live.get(p);
      long nullBits = 0;
      for (int c = 0; c < inputs.length; c++) {
        nullBits |= SessionRows.read(inputs[c], r, c, v, dictionary, scratchBytes);
      }
      byte kind = rowKinds == null ? RowKind.INSERT.code() : rowKinds.get(r);
      boolean adds = kind != RowKind.UPDATE_BEFORE.code() && kind != RowKind.DELETE.code();
      if (adds ? t + gap > watermark || rows.hasNeighbour(t, gap) : rows.remove(t, v, nullBits)) {
        if (adds) {
          rows.add(t, v, nullBits);
        }
        continue;
      }
      if (t + gap <= watermark) {
        late++;
        long lateness = watermark - (t + gap);
        maxLateness = Math.max(maxLateness, lateness);
        totalLateness += lateness;
      } else {
        ignored++; // a retraction of a row never seen
      }
    }
    metrics.addLateRows(late, maxLateness / units, totalLateness / units);
    if (ignored > 0) {
      metrics.addIgnoredRetractions(ignored);
    }
  }

  @Override
  void onWatermark(int input, long wm) {
    if (wm <= watermark) {
      return;
    }
    watermark = wm;
    watermarkUnits = WatermarkTracker.toUnits(wm, units);
    if (open > 0) {
      fire(watermarkUnits);
    }
    if (retracting) {
      fireLive(watermarkUnits);
    }
    emitWatermark(wm);
  }

  /**
   * Over a changelog: cuts each partition's live rows into sessions (a gap of at least {@link #gap}
   * between neighbours starts a new one) and emits, aggregated, those whose end {@code wm} reached,
   * forgetting their rows. Sessions end in time order, so those are a prefix of each partition's rows.
   */
  private void fireLive(long wm) {
    List<AggCall> aggs = plan.aggregates();
    List<Integer> keys = plan.groupKeys();
    ColumnReader[] args = new ColumnReader[aggs.size()];
    VectorSchemaRoot out = null;
    int row = 0;
    try {
      for (int p = 0; p < live.size(); p++) {
        SessionRows rows = live.get(p);
        int n = rows.size();
        if (n == 0 || rows.time(0) + gap > wm) {
          continue; // the first session ends no earlier than its first row's interval
        }
        ColumnReader[] inputs = new ColumnReader[inputColumns.length];
        for (int c = 0; c < inputs.length; c++) {
          inputs[c] = rows.reader(c, dictionary);
        }
        for (int a = 0; a < args.length; a++) {
          args[a] = inputOf[a] < 0 ? null : inputs[inputOf[a]];
        }
        int start = 0;
        while (start < n) {
          int end = start;
          while (end + 1 < n && rows.time(end + 1) - rows.time(end) < gap) {
            end++;
          }
          long sessionEnd = rows.time(end) + gap;
          if (sessionEnd > wm) {
            break;
          }
          if (out == null) {
            out = VectorSchemaRoot.create(plan.schema(), allocator);
            out.allocateNew();
          }
          GroupTable state = new GroupTable(NO_KEYS, aggs, dictionary);
          state.group(NO_READERS, 0);
          for (int i = start; i <= end; i++) {
            for (int k = rows.count(i); k > 0; k--) {
              state.accumulate(0, args, i);
            }
          }
          try {
            writeSession(out, row, p, rows.time(start), sessionEnd, state, keys);
            row++;
          } catch (ExpressionError e) {
            aggregateError(e, out, row, keys.size()); // the session's row is left out (or the pipeline fails)
          }
          start = end + 1;
        }
        rows.dropFirst(start);
      }
      if (out != null) {
        out.setRowCount(row);
      }
    } catch (RuntimeException e) {
      if (out != null) {
        out.close();
      }
      throw e;
    }
    if (out != null) {
      emit(out);
    }
  }

  /** Writes one session's row: its group keys (bounds and partition keys), then the aggregates. */
  private void writeSession(VectorSchemaRoot out, int row, int p, long start, long end, GroupTable state,
      List<Integer> keys) {
    for (int k = 0; k < keys.size(); k++) {
      int col = keys.get(k);
      FieldVector v = out.getVector(k);
      if (col == width) {
        ColumnWriter.setLong(v, timeType, row, start);
      } else if (col == width + 1) {
        ColumnWriter.setLong(v, timeType, row, end);
      } else {
        partitions.writeKey(p, plan.partitionKeys().indexOf(col), v, row);
      }
    }
    for (int a = 0; a < plan.aggregates().size(); a++) {
      state.writeAggregate(0, a, out.getVector(keys.size() + a), row);
    }
  }

  private void fire(long wm) {
    long gap = this.gap;
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
          try {
            writeSession(out, row, p, s.start, s.last + gap, s.state, keys);
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
    if (retracting) {
      out.writeInt(live.size());
      for (SessionRows rows : live) {
        rows.writeState(out);
      }
      return;
    }
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
    watermarkUnits = WatermarkTracker.toUnits(watermark, units);
    dictionary.readState(in);
    partitions.readState(in);
    int n = in.readCount("partition count");
    if (n > partitions.size()) {
      throw new IOException("corrupt state: sessions for " + n + " partitions, but " + partitions.size() + " known");
    }
    if (retracting) {
      for (int p = 0; p < n; p++) {
        SessionRows rows = new SessionRows(inputColumnTypes);
        rows.readState(in);
        live.add(rows);
      }
      return;
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

  /** Takes the partitions of the key groups {@code owned}, with their open sessions or live rows, from {@code other}. */
  @Override
  void absorb(Operator from, KeyGroups.Range owned, boolean first) {
    SessionAggregateOperator other = (SessionAggregateOperator) from;
    watermark = combineWatermarks(watermark, other.watermark, first);
    watermarkUnits = WatermarkTracker.toUnits(watermark, units);
    StringRemap strings = new StringRemap(other.dictionary, dictionary);
    int[] map = partitions.absorbKeys(other.partitions, hashSlots, owned, strings);
    if (retracting) {
      for (int op = 0; op < other.live.size(); op++) {
        int p = map[op];
        if (p >= 0) {
          while (live.size() <= p) {
            live.add(new SessionRows(inputColumnTypes));
          }
          live.get(p).absorb(other.live.get(op), strings);
        }
      }
      return;
    }
    for (int op = 0; op < other.sessions.size(); op++) {
      int p = map[op];
      if (p < 0) {
        continue;
      }
      while (sessions.size() <= p) {
        sessions.add(new ArrayList<>(2));
      }
      for (Session s : other.sessions.get(op)) {
        Session copy = new Session(s.start, new GroupTable(NO_KEYS, plan.aggregates(), dictionary));
        copy.last = s.last;
        copy.state.group(NO_READERS, 0);
        copy.state.absorbAggregates(s.state, FIRST_GROUP, strings);
        sessions.get(p).add(copy);
        open++;
      }
    }
  }

  @Override
  long stateSizeBytes() {
    long bytes = dictionary.sizeBytes() + partitions.sizeBytes();
    for (SessionRows rows : live) {
      bytes += rows.sizeBytes();
    }
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
    live.clear();
  }
}
