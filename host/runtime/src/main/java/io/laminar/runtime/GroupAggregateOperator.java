package io.laminar.runtime;

import io.laminar.api.RowKind;
import io.laminar.plan.AggCall;
import io.laminar.plan.Partitioning;
import io.laminar.plan.PlanNode;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * GROUP BY without a window: keeps every group's aggregates and emits how the result changes — a
 * new group as INSERT, a changed one as UPDATE_BEFORE (the row last emitted) and UPDATE_AFTER, an
 * emptied one as DELETE. Input rows that are inserts or UPDATE_AFTERs add to their group;
 * UPDATE_BEFOREs and DELETEs take their row back ({@link Retractor}).
 *
 * <p>Changes are collected per group and emitted after each batch or, with an emit interval, once
 * the interval has passed (at the next batch or watermark, or at the end of the input): a group
 * changed several times in between yields one update, and a group whose result came back to what was
 * last emitted yields none. The first change of a group since the last emission records the row last
 * emitted, so UPDATE_BEFORE is exact without keeping a copy of every output row.
 *
 * <p>State is primitive: group keys in a {@link KeyTable} (strings in a {@link BytesDictionary}),
 * per group its row count, last update time and each aggregate's arrays. A group left without rows
 * (and, with {@code state_ttl}, one not updated for that long) is dead; dead groups are compacted
 * away once they outnumber the live ones. Strings stay in the dictionary until restart.
 */
final class GroupAggregateOperator extends Operator {
  private static final int COMPACT_MIN_DEAD = 1024;

  private final PlanNode.GroupAggregate plan;
  private final BufferAllocator allocator;
  private final ExecutorMetrics metrics;
  private final UpdateSettings settings;
  private final SqlType[] inputTypes;
  private final SqlType[] keyTypes;
  private final SqlType[] resultTypes;
  private final int width;
  private final int aggCount;
  private final BatchScratch scratch = new BatchScratch();

  private KeyTable keys;
  private final BytesDictionary dictionary = new BytesDictionary();
  private final Retractor[] aggs;
  /** Per group: the rows it holds (0 = dead), and when it last changed (epoch ms). */
  private long[] rows = new long[0];
  private long[] touched = new long[0];
  private int live;

  /** The groups changed since the last emission, in order of first change, each with what was emitted before. */
  private int[] dirty = new int[0];
  private int dirtyCount;
  /** Per group: 1 + its index in {@link #dirty}, or 0. */
  private int[] dirtySlot = new int[0];
  private boolean[] hadRow = new boolean[0];
  private boolean[] beforeNull = new boolean[0];
  private long[] beforeValue = new long[0];

  /** The group keys that are the sources' partition key: they give a group's key group. */
  private final int[] hashSlots;

  private long nextEmit = Long.MIN_VALUE;
  private long nextExpiry = Long.MIN_VALUE;

  GroupAggregateOperator(PlanNode.GroupAggregate plan, BufferAllocator allocator, ExecutorMetrics metrics,
      UpdateSettings settings) {
    this.plan = plan;
    this.allocator = allocator;
    this.metrics = metrics;
    this.settings = settings;
    this.inputTypes = Plans.types(plan.input().schema());
    List<Integer> groupKeys = plan.groupKeys();
    if (groupKeys.size() > 63) {
      throw new IllegalArgumentException("GROUP BY of more than 63 columns");
    }
    this.width = groupKeys.size();
    this.keyTypes = new SqlType[width];
    for (int k = 0; k < width; k++) {
      keyTypes[k] = inputTypes[groupKeys.get(k)];
    }
    this.keys = new KeyTable(width + 1);
    this.hashSlots = Partitioning.stateKeySlots(plan);
    List<AggCall> calls = plan.aggregates();
    this.aggCount = calls.size();
    this.aggs = new Retractor[aggCount];
    this.resultTypes = new SqlType[aggCount];
    for (int i = 0; i < aggCount; i++) {
      aggs[i] = Retractor.create(calls.get(i), dictionary, plan.retracting());
      resultTypes[i] = calls.get(i).resultType();
    }
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    int n = batch.getRowCount();
    int[] groups = groupsOf(batch, n);
    List<AggCall> calls = plan.aggregates();
    ColumnReader[] args = new ColumnReader[aggCount];
    for (int i = 0; i < aggCount; i++) {
      int a = calls.get(i).argument();
      args[i] = a < 0 ? null : ColumnReader.of(batch.getVector(a), inputTypes[a]);
    }
    long now = settings.clock().getAsLong();
    long ignored = 0;
    for (int r = 0; r < n; r++) {
      int g = groups[r];
      int sign = 1;
      if (rowKinds != null) {
        byte kind = rowKinds.get(r);
        sign = kind == RowKind.UPDATE_BEFORE.code() || kind == RowKind.DELETE.code() ? -1 : 1;
      }
      if (sign < 0 && rows[g] == 0) {
        ignored++;
        continue;
      }
      markDirty(g);
      if (rows[g] == 0) {
        live++;
      }
      rows[g] += sign;
      if (rows[g] == 0) {
        live--;
      }
      touched[g] = now;
      for (int i = 0; i < aggCount; i++) {
        aggs[i].apply(g, args[i], r, sign);
      }
    }
    metrics.addIgnoredRetractions(ignored);
    maybeEmit(now, false);
  }

  @Override
  void onWatermark(int input, long watermark) {
    maybeEmit(settings.clock().getAsLong(), watermark == Long.MAX_VALUE);
    emitWatermark(watermark);
  }

  /** The group of each row, adding new groups. */
  private int[] groupsOf(VectorSchemaRoot batch, int n) {
    scratch.ensure(n, width);
    int[] sel = identity(n);
    long[] masks = scratch.nullMasks;
    Arrays.fill(masks, 0, n, 0L);
    List<Integer> groupKeys = plan.groupKeys();
    for (int k = 0; k < width; k++) {
      FieldVector v = batch.getVector(groupKeys.get(k));
      long[] column = scratch.keys[k];
      boolean[] nulls = scratch.nulls;
      boolean anyNull = ColumnBatch.nulls(v, sel, n, nulls);
      if (keyTypes[k] == SqlType.VARCHAR) {
        ColumnBatch.intern(v, sel, n, anyNull ? nulls : null, dictionary, column, scratch.bytes);
      } else {
        ColumnBatch.longs(v, keyTypes[k], sel, n, column);
      }
      if (anyNull) {
        for (int i = 0; i < n; i++) {
          if (nulls[i]) {
            masks[i] |= 1L << k;
            column[i] = 0;
          }
        }
      }
    }
    long[] key = scratch.key;
    int[] groups = scratch.groups;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < width; k++) {
        key[k] = scratch.keys[k][i];
      }
      key[width] = masks[i];
      groups[i] = keys.findOrInsert(key);
    }
    ensureGroups(keys.size());
    return groups;
  }

  private int[] identitySel = new int[0];

  private int[] identity(int n) {
    if (identitySel.length < n) {
      identitySel = new int[Math.max(n, 1024)];
      for (int i = 0; i < identitySel.length; i++) {
        identitySel[i] = i;
      }
    }
    return identitySel;
  }

  private void ensureGroups(int groups) {
    if (groups > rows.length) {
      int c = Math.max(16, Math.max(groups, rows.length * 2));
      rows = Arrays.copyOf(rows, c);
      touched = Arrays.copyOf(touched, c);
      dirtySlot = Arrays.copyOf(dirtySlot, c);
    }
    for (Retractor a : aggs) {
      a.ensure(groups);
    }
  }

  /** On a group's first change since the last emission: remember whether it had a row, and its results. */
  private void markDirty(int g) {
    if (dirtySlot[g] != 0) {
      return;
    }
    int d = nextDirty();
    dirty[d] = g;
    dirtySlot[g] = d + 1;
    boolean had = rows[g] > 0;
    hadRow[d] = had;
    if (had) {
      try {
        for (int i = 0; i < aggCount; i++) {
          boolean isNull = aggs[i].isNull(g);
          beforeNull[d * aggCount + i] = isNull;
          beforeValue[d * aggCount + i] = isNull ? 0 : aggs[i].result(g);
        }
      } catch (ExpressionError e) {
        // its result did not fit when last emitted, so its row was left out (on.error): none to take back
        hadRow[d] = false;
      }
    }
  }

  /** Room for one more pending change. */
  private int nextDirty() {
    int d = dirtyCount++;
    if (d == dirty.length) {
      int c = Math.max(16, d * 2);
      dirty = Arrays.copyOf(dirty, c);
      hadRow = Arrays.copyOf(hadRow, c);
      beforeNull = Arrays.copyOf(beforeNull, c * aggCount);
      beforeValue = Arrays.copyOf(beforeValue, c * aggCount);
    }
    return d;
  }

  /** Why group {@code g}'s current result does not fit its types, or null if it does. */
  private ExpressionError resultError(int g) {
    try {
      for (int i = 0; i < aggCount; i++) {
        if (!aggs[i].isNull(g)) {
          aggs[i].result(g);
        }
      }
      return null;
    } catch (ExpressionError e) {
      return e;
    }
  }

  private void maybeEmit(long now, boolean endOfInput) {
    long interval = settings.emitInterval().toMillis();
    if (dirtyCount > 0 && (interval == 0 || endOfInput || now >= nextEmit)) {
      emitChanges();
      nextEmit = now + interval;
    }
    long ttl = settings.stateTtl().toMillis();
    if (ttl > 0 && now >= nextExpiry && dirtyCount == 0) {
      expire(now - ttl);
      // a scan costs a pass over the groups: at most four per TTL (and never more than once a second)
      nextExpiry = now + Math.max(1000, ttl / 4);
    }
    if (dirtyCount == 0 && keys.size() - live >= COMPACT_MIN_DEAD && keys.size() - live > live) {
      compact();
    }
  }

  /**
   * Emits the collected changes as one batch and forgets them. A group whose result does not fit its
   * type fails the pipeline, or with {@code on.error} = skip/dead_letter is reported and left out of
   * the output: its last emitted row (if any) is deleted, and it is inserted again once its result
   * fits (rows taken back).
   */
  private void emitChanges() {
    boolean[] bad = null;
    if (rowErrors != null && !rowErrors.failFast()) {
      for (int d = 0; d < dirtyCount; d++) {
        if (rows[dirty[d]] > 0 && resultError(dirty[d]) != null) {
          bad = bad == null ? new boolean[dirtyCount] : bad;
          bad[d] = true;
        }
      }
    }
    int out = 0;
    for (int d = 0; d < dirtyCount; d++) {
      int g = dirty[d];
      boolean has = rows[g] > 0 && (bad == null || !bad[d]);
      if (hadRow[d] && has) {
        out += changed(d, g) ? 2 : 0;
      } else if (hadRow[d] || has) {
        out++;
      }
    }
    VectorSchemaRoot batch = VectorSchemaRoot.create(plan.schema(), allocator);
    TinyIntVector kinds = new TinyIntVector(RowKinds.FIELD, allocator);
    try {
      batch.allocateNew();
      kinds.allocateNew(Math.max(out, 1));
      int row = 0;
      for (int d = 0; d < dirtyCount; d++) {
        int g = dirty[d];
        boolean has = rows[g] > 0;
        if (bad != null && bad[d]) {
          writeKeys(batch, g, row);
          aggregateError(resultError(g), batch, row, width);
          has = false; // left out; its rows stay, so taking some back may make it fit again
        }
        if (hadRow[d] && has) {
          if (changed(d, g)) {
            writeBefore(batch, d, g, row);
            kinds.set(row++, RowKind.UPDATE_BEFORE.code());
            writeCurrent(batch, g, row);
            kinds.set(row++, RowKind.UPDATE_AFTER.code());
          }
        } else if (hadRow[d]) {
          writeBefore(batch, d, g, row);
          kinds.set(row++, RowKind.DELETE.code());
        } else if (has) {
          writeCurrent(batch, g, row);
          kinds.set(row++, RowKind.INSERT.code());
        }
        if (rows[g] == 0) {
          // emptied: start from scratch should rows come again (a floating sum keeps no residue)
          for (Retractor a : aggs) {
            a.clear(g);
          }
        }
        dirtySlot[g] = 0;
      }
      batch.setRowCount(row);
      kinds.setValueCount(row);
      dirtyCount = 0;
    } catch (RuntimeException e) {
      batch.close();
      kinds.close();
      throw e;
    }
    emit(batch, kinds);
  }

  private boolean changed(int d, int g) {
    for (int i = 0; i < aggCount; i++) {
      boolean isNull = aggs[i].isNull(g);
      if (isNull != beforeNull[d * aggCount + i] || (!isNull && aggs[i].result(g) != beforeValue[d * aggCount + i])) {
        return true;
      }
    }
    return false;
  }

  private void writeBefore(VectorSchemaRoot batch, int d, int g, int row) {
    writeKeys(batch, g, row);
    for (int i = 0; i < aggCount; i++) {
      FieldVector v = batch.getVector(width + i);
      if (beforeNull[d * aggCount + i]) {
        ColumnWriter.setNull(v, row);
      } else {
        writeValue(v, resultTypes[i], row, beforeValue[d * aggCount + i]);
      }
    }
  }

  private void writeCurrent(VectorSchemaRoot batch, int g, int row) {
    writeKeys(batch, g, row);
    for (int i = 0; i < aggCount; i++) {
      FieldVector v = batch.getVector(width + i);
      if (aggs[i].isNull(g)) {
        ColumnWriter.setNull(v, row);
      } else {
        writeValue(v, resultTypes[i], row, aggs[i].result(g));
      }
    }
  }

  private void writeKeys(VectorSchemaRoot batch, int g, int row) {
    long mask = keys.key(g, width);
    for (int k = 0; k < width; k++) {
      FieldVector v = batch.getVector(k);
      if ((mask & (1L << k)) != 0) {
        ColumnWriter.setNull(v, row);
      } else {
        writeValue(v, keyTypes[k], row, keys.key(g, k));
      }
    }
  }

  private void writeValue(FieldVector v, SqlType type, int row, long value) {
    Retractor.writeEncoded(v, type, row, value, dictionary);
  }

  /** Forgets every live group not changed since {@code cutoff}; its last emitted row stands. */
  private void expire(long cutoff) {
    long expired = 0;
    int size = keys.size();
    for (int g = 0; g < size; g++) {
      if (rows[g] > 0 && touched[g] <= cutoff) {
        rows[g] = 0;
        live--;
        for (Retractor a : aggs) {
          a.clear(g);
        }
        expired++;
      }
    }
    metrics.addExpiredGroups(expired);
  }

  /** Rebuilds the key table with the live groups only (no group is dirty), renumbering them densely. */
  private void compact() {
    int size = keys.size();
    KeyTable kept = new KeyTable(width + 1);
    long[] key = new long[width + 1];
    for (int g = 0; g < size; g++) {
      if (rows[g] == 0) {
        for (Retractor a : aggs) {
          a.clear(g);
        }
        continue;
      }
      for (int k = 0; k <= width; k++) {
        key[k] = keys.key(g, k);
      }
      int to = kept.findOrInsert(key);
      if (to != g) {
        rows[to] = rows[g];
        touched[to] = touched[g];
        rows[g] = 0;
        for (Retractor a : aggs) {
          a.move(g, to);
        }
      }
    }
    keys = kept;
    int c = Math.max(16, kept.size() * 2);
    if (rows.length > 2 * c) {
      rows = Arrays.copyOf(rows, c);
      touched = Arrays.copyOf(touched, c);
      dirtySlot = Arrays.copyOf(dirtySlot, c);
    }
    for (Retractor a : aggs) {
      a.shrink(kept.size());
    }
  }

  @Override
  void snapshot(StateWriter out) throws IOException {
    dictionary.writeState(out);
    keys.writeState(out);
    int size = keys.size();
    out.writeLongs(rows, size);
    out.writeLongs(touched, size);
    out.writeInt(aggCount);
    for (Retractor a : aggs) {
      a.writeState(out, size);
    }
    out.writeInt(dirtyCount);
    out.writeInts(dirty, dirtyCount);
    out.writeBooleans(hadRow, dirtyCount);
    out.writeBooleans(beforeNull, dirtyCount * aggCount);
    out.writeLongs(beforeValue, dirtyCount * aggCount);
  }

  @Override
  void restore(StateReader in) throws IOException {
    dictionary.readState(in);
    keys.readState(in);
    int size = keys.size();
    ensureGroups(size);
    in.readLongs(rows, size);
    in.readLongs(touched, size);
    live = 0;
    for (int g = 0; g < size; g++) {
      if (rows[g] < 0) {
        throw new IOException("corrupt state: a group with " + rows[g] + " rows");
      }
      live += rows[g] > 0 ? 1 : 0;
    }
    int n = in.readInt();
    if (n != aggCount) {
      throw new IOException("corrupt state: " + n + " aggregates, expected " + aggCount);
    }
    for (Retractor a : aggs) {
      a.readState(in, size);
    }
    int d = in.readCount("changed group count");
    dirty = new int[Math.max(16, d)];
    hadRow = new boolean[dirty.length];
    beforeNull = new boolean[dirty.length * aggCount];
    beforeValue = new long[dirty.length * aggCount];
    in.readInts(dirty, d);
    in.readBooleans(hadRow, d);
    in.readBooleans(beforeNull, d * aggCount);
    in.readLongs(beforeValue, d * aggCount);
    for (int i = 0; i < d; i++) {
      if (dirty[i] < 0 || dirty[i] >= size) {
        throw new IOException("corrupt state: changed group " + dirty[i] + " of " + size);
      }
      dirtySlot[dirty[i]] = i + 1;
    }
    dirtyCount = d;
  }

  /**
   * Takes the groups of the key groups {@code owned} from {@code other}: keys (strings re-interned
   * here), row counts, update times, aggregates and pending changes (in {@code other}'s order, with
   * the results last emitted, so the next emission is what {@code other}'s would have been). Groups
   * without rows and without a pending change are left behind, as compaction would drop them.
   */
  @Override
  void absorb(Operator from, KeyGroups.Range owned, boolean first) {
    GroupAggregateOperator other = (GroupAggregateOperator) from;
    StringRemap strings = new StringRemap(other.dictionary, dictionary);
    int n = other.keys.size();
    int[] map = new int[n];
    long[] key = new long[width + 1];
    for (int og = 0; og < n; og++) {
      map[og] = -1;
      if (other.rows[og] == 0 && other.dirtySlot[og] == 0) {
        continue;
      }
      if (!owned.containsHash(GroupTable.keyHash(other.keys, og, hashSlots, keyTypes, other.dictionary))) {
        continue;
      }
      GroupTable.translateKey(other.keys, og, keyTypes, strings, key);
      int g = keys.findOrInsert(key);
      if (!keys.lastInserted()) {
        throw new IllegalStateException("a group held by two workers' snapshots");
      }
      map[og] = g;
    }
    ensureGroups(keys.size());
    for (int og = 0; og < n; og++) {
      int g = map[og];
      if (g >= 0) {
        rows[g] = other.rows[og];
        touched[g] = other.touched[og];
        live += rows[g] > 0 ? 1 : 0;
      }
    }
    for (int i = 0; i < aggCount; i++) {
      aggs[i].absorb(other.aggs[i], map, strings);
    }
    for (int od = 0; od < other.dirtyCount; od++) {
      int g = map[other.dirty[od]];
      if (g < 0) {
        continue;
      }
      int d = nextDirty();
      dirty[d] = g;
      dirtySlot[g] = d + 1;
      hadRow[d] = other.hadRow[od];
      for (int i = 0; i < aggCount; i++) {
        boolean isNull = other.beforeNull[od * aggCount + i];
        long value = other.beforeValue[od * aggCount + i];
        beforeNull[d * aggCount + i] = isNull;
        beforeValue[d * aggCount + i] = !isNull && other.hadRow[od] && resultTypes[i] == SqlType.VARCHAR
            ? strings.map(value) : value;
      }
    }
  }

  @Override
  long stateSizeBytes() {
    long bytes = keys.sizeBytes() + dictionary.sizeBytes() + (long) rows.length * 20
        + (long) dirty.length * (5 + 9L * aggCount);
    for (Retractor a : aggs) {
      bytes += a.sizeBytes();
    }
    return bytes;
  }

  /** Groups holding at least one row, for tests and metrics. */
  int liveGroups() {
    return live;
  }
}
