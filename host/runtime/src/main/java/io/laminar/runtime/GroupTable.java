package io.laminar.runtime;

import io.laminar.plan.AggCall;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Groups and their aggregates for one window (or one session): key columns are encoded as longs
 * (strings through a {@link BytesDictionary}, nulls in a bit mask) into a {@link KeyTable}; each
 * aggregate keeps primitive arrays indexed by group id.
 */
final class GroupTable {
  private final SqlType[] keyTypes;
  private final KeyTable keys;
  private final BytesDictionary dictionary;
  private final Accumulator[] accumulators;
  private final long[] scratchKey;
  private final byte[][] scratchBytes = {new byte[64]};
  /**
   * A cache for {@link #groupsByStringId}: string id (or small integer) → group (-1 unknown), valid
   * for varying column {@code groupOfStringColumn} and the constant key columns in {@code
   * groupOfStringKey} (the varying column there is 0). Not persisted.
   */
  private int[] groupOfString = new int[0];
  private long[] groupOfStringKey;
  /** Rows added through {@link #addBatch} (not persisted): a partial window's rows, counted if it is late. */
  private long rowsAdded;
  private int groupOfStringColumn = -1;
  /** Integer keys in {@code 0..DIRECT_INTEGERS)} index {@link #groupOfString} directly, as string ids do. */
  static final int DIRECT_INTEGERS = 1 << 16;

  GroupTable(SqlType[] keyTypes, List<AggCall> aggs, BytesDictionary dictionary) {
    this.keyTypes = keyTypes;
    this.keys = new KeyTable(keyTypes.length + 1);
    this.dictionary = dictionary;
    this.scratchKey = new long[keyTypes.length + 1];
    this.accumulators = new Accumulator[aggs.size()];
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i] = Accumulator.create(aggs.get(i), dictionary);
    }
  }

  int size() {
    return keys.size();
  }

  /** The group of row {@code row}, whose key columns are read through {@code keyReaders}. */
  int group(ColumnReader[] keyReaders, int row) {
    long nullMask = 0;
    for (int k = 0; k < keyReaders.length; k++) {
      ColumnReader r = keyReaders[k];
      if (r.isNull(row)) {
        nullMask |= 1L << k;
        scratchKey[k] = 0;
      } else if (keyTypes[k] == SqlType.VARCHAR) {
        int length = r.getBytes(row, scratchBytes);
        scratchKey[k] = dictionary.intern(scratchBytes[0], length);
      } else {
        scratchKey[k] = r.getLong(row);
      }
    }
    scratchKey[keyReaders.length] = nullMask;
    int g = keys.findOrInsert(scratchKey);
    if (keys.lastInserted()) {
      for (Accumulator a : accumulators) {
        a.ensure(g + 1);
      }
    }
    return g;
  }

  /**
   * Batch form of {@link #group} then {@link #accumulate}: adds rows {@code sel[0..n)} of a batch
   * whose key columns {@code keyReaders} and aggregate arguments {@code args} read, column by
   * column rather than row by row. Groups are numbered in row order, as the row form does.
   */
  void addBatch(ColumnReader[] keyReaders, ColumnReader[] args, int[] sel, int n, BatchScratch s) {
    if (n == 0) {
      return;
    }
    rowsAdded += n;
    s.ensure(n, keyReaders.length);
    long[] masks = s.nullMasks;
    Arrays.fill(masks, 0, n, 0L);
    for (int k = 0; k < keyReaders.length; k++) {
      long[] column = s.keys[k];
      boolean[] nulls = s.nulls;
      boolean anyNull = ColumnBatch.nulls(keyReaders[k].vector, sel, n, nulls);
      if (keyTypes[k] == SqlType.VARCHAR) {
        ColumnBatch.intern(keyReaders[k].vector, sel, n, anyNull ? nulls : null, dictionary, column, s.bytes);
      } else {
        ColumnBatch.longs(keyReaders[k].vector, keyTypes[k], sel, n, column);
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
    int varying = byStringId(s.keys, masks, n);
    if (varying >= -1) {
      groupsByStringId(varying, s, n);
    } else {
      int width = keyReaders.length;
      long[] key = s.key;
      int[] groups = s.groups;
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < width; k++) {
          key[k] = s.keys[k][i];
        }
        key[width] = masks[i];
        groups[i] = keys.findOrInsert(key);
      }
    }
    for (Accumulator a : accumulators) {
      a.ensure(size());
    }
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i].addBatch(s.groups, sel, n, args[i], s);
    }
  }

  /**
   * Whether the rows can be grouped through {@link #groupOfString}: no NULL key, and every key
   * column but at most one string column constant over the rows (typically GROUP BY a string and
   * the window, whose columns are constant within this window's table), or one INT or BIGINT column
   * whose values all lie in {@code 0..DIRECT_INTEGERS)} (GROUP BY {@code MOD(id, 1000)}, or the
   * planner's integer key for {@code 'S' || CAST(MOD(id, 1000) AS VARCHAR)}). Returns that
   * column, -1 when all columns are constant, -2 when the rows need the general path.
   */
  private int byStringId(long[][] columns, long[] masks, int n) {
    int varying = -1;
    for (int k = 0; k < keyTypes.length; k++) {
      long[] c = columns[k];
      long first = c[0];
      for (int i = 0; i < n; i++) {
        if (c[i] != first) {
          if (varying >= 0 || !(keyTypes[k] == SqlType.VARCHAR || smallIntegers(keyTypes[k], c, n))) {
            return -2;
          }
          varying = k;
          break;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (masks[i] != 0) {
        return -2;
      }
    }
    return varying;
  }

  /** Whether {@code c[0..n)}, of an INT or BIGINT column, all lie in {@code 0..DIRECT_INTEGERS)}. */
  private static boolean smallIntegers(SqlType type, long[] c, int n) {
    if (type.kind() != SqlType.Kind.INT && type.kind() != SqlType.Kind.BIGINT) {
      return false;
    }
    long outside = 0;
    for (int i = 0; i < n; i++) {
      outside |= c[i] | (DIRECT_INTEGERS - 1 - c[i]);
    }
    return outside >= 0;
  }

  /**
   * Groups rows whose key is the constant columns plus the string id in column {@code varying}
   * (or only constants, -1) through a direct id → group array instead of hashing each row.
   */
  private void groupsByStringId(int varying, BatchScratch s, int n) {
    int width = keyTypes.length;
    long[] key = s.key;
    for (int k = 0; k < width; k++) {
      key[k] = s.keys[k][0];
    }
    key[width] = 0;
    int[] groups = s.groups;
    if (varying < 0) {
      Arrays.fill(groups, 0, n, keys.findOrInsert(key));
      return;
    }
    key[varying] = 0;
    if (groupOfStringKey == null || varying != groupOfStringColumn || !Arrays.equals(groupOfStringKey, key)) {
      // another combination of the constant columns, or another varying column: start the cache afresh
      groupOfStringKey = key.clone();
      groupOfStringColumn = varying;
      Arrays.fill(groupOfString, -1);
    }
    long[] ids = s.keys[varying];
    for (int i = 0; i < n; i++) {
      int id = (int) ids[i];
      if (id >= groupOfString.length) {
        int old = groupOfString.length;
        groupOfString = Arrays.copyOf(groupOfString, Math.max(id + 1, old * 2));
        Arrays.fill(groupOfString, old, groupOfString.length, -1);
      }
      int g = groupOfString[id];
      if (g < 0) {
        key[varying] = id;
        g = keys.findOrInsert(key);
        groupOfString[id] = g;
      }
      groups[i] = g;
    }
  }

  /** Adds row {@code row} to group {@code g}; {@code args[i]} reads aggregate i's argument (or is null). */
  void accumulate(int g, ColumnReader[] args, int row) {
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i].add(g, args[i], row);
    }
  }

  /** Folds group {@code og} of {@code other} into group {@code g}. */
  void merge(int g, GroupTable other, int og) {
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i].merge(g, other.accumulators[i], og);
    }
  }

  /**
   * The {@link Partitioner} hash of group {@code g}'s keys at positions {@code slots} (those that are
   * a source's partition key): its key group, as the rows that made it were routed.
   */
  long keyHash(int g, int[] slots) {
    return keyHash(keys, g, slots, keyTypes, dictionary);
  }

  /**
   * The {@link Partitioner} hash of the keys at {@code slots} of entry {@code g} of {@code keys},
   * long-encoded as group keys are ({@code types}; strings as ids of {@code dictionary}, the NULL
   * mask as component {@code types.length}).
   */
  static long keyHash(KeyTable keys, int g, int[] slots, SqlType[] types, BytesDictionary dictionary) {
    long mask = keys.key(g, types.length);
    long h = Partitioner.seed();
    for (int k : slots) {
      if ((mask & (1L << k)) != 0) {
        h = Partitioner.foldNull(h);
      } else if (types[k] == SqlType.VARCHAR) {
        int id = (int) keys.key(g, k);
        h = Partitioner.foldBytes(h, dictionary.arena(), dictionary.start(id), dictionary.length(id));
      } else {
        h = Partitioner.fold(h, keys.key(g, k));
      }
    }
    return h;
  }

  /** The rows {@link #addBatch} added to this table since it was made. */
  long rowsAdded() {
    return rowsAdded;
  }

  /**
   * Combines every group of {@code other} (a partial table of the same window and plan, with its own
   * dictionary) into this one: a group of equal keys folds its aggregates into the group here
   * ({@link Accumulator#merge}), a new key becomes a new group. For two-phase aggregation, where
   * each worker aggregates its share of a window's rows and {@link WindowMerger} combines the
   * partials; unlike {@link #absorb} no group is left out, whatever its key group.
   */
  void merge(GroupTable other) {
    StringRemap strings = new StringRemap(other.dictionary, dictionary);
    int n = other.size();
    int[] map = new int[n];
    long[] key = new long[keyTypes.length + 1];
    for (int og = 0; og < n; og++) {
      translateKey(other.keys, og, keyTypes, strings, key);
      map[og] = keys.findOrInsert(key);
    }
    for (Accumulator a : accumulators) {
      a.ensure(size());
    }
    absorbAggregates(other, map, strings);
    rowsAdded += other.rowsAdded;
  }

  /**
   * Takes over the keys of {@code other} (the same table restored from another worker's snapshot)
   * whose key group, hashed from the keys at {@code slots}, is in {@code owned}: returns, per group of
   * {@code other}, its group here (-1: not taken). String keys are translated by {@code strings} (from
   * {@code other}'s dictionary to this table's). Aggregates follow with {@link #absorbAggregates}.
   */
  int[] absorbKeys(GroupTable other, int[] slots, KeyGroups.Range owned, StringRemap strings) {
    int n = other.size();
    int[] map = new int[n];
    int width = keyTypes.length;
    long[] key = new long[width + 1];
    for (int og = 0; og < n; og++) {
      if (!owned.containsHash(other.keyHash(og, slots))) {
        map[og] = -1;
        continue;
      }
      translateKey(other.keys, og, keyTypes, strings, key);
      map[og] = keys.findOrInsert(key);
    }
    for (Accumulator a : accumulators) {
      a.ensure(size());
    }
    return map;
  }

  /**
   * Copies entry {@code g} of {@code keys} (long-encoded keys of {@code types}, the NULL mask last)
   * into {@code key}, its string ids translated by {@code strings}.
   */
  static void translateKey(KeyTable keys, int g, SqlType[] types, StringRemap strings, long[] key) {
    int width = types.length;
    long mask = keys.key(g, width);
    for (int k = 0; k < width; k++) {
      long v = keys.key(g, k);
      key[k] = (mask & (1L << k)) == 0 && types[k] == SqlType.VARCHAR ? strings.map(v) : v;
    }
    key[width] = mask;
  }

  /** Folds the aggregates of each group {@code og} of {@code other} into group {@code map[og]} (none when negative). */
  void absorbAggregates(GroupTable other, int[] map, StringRemap strings) {
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i].absorb(other.accumulators[i], map, strings);
    }
  }

  /**
   * {@link #absorbKeys} then {@link #absorbAggregates}, with strings translated from {@code other}'s
   * dictionary to this one's; returns how many groups were taken over.
   */
  int absorb(GroupTable other, int[] slots, KeyGroups.Range owned) {
    StringRemap strings = new StringRemap(other.dictionary, dictionary);
    int[] map = absorbKeys(other, slots, owned, strings);
    absorbAggregates(other, map, strings);
    int taken = 0;
    for (int g : map) {
      taken += g >= 0 ? 1 : 0;
    }
    return taken;
  }

  /** Writes group {@code g}'s key component {@code k} to {@code out} at {@code row}. */
  void writeKey(int g, int k, FieldVector out, int row) {
    long mask = keys.key(g, keyTypes.length);
    if ((mask & (1L << k)) != 0) {
      ColumnWriter.setNull(out, row);
    } else if (keyTypes[k] == SqlType.VARCHAR) {
      int id = (int) keys.key(g, k);
      ColumnWriter.setBytes(out, row, dictionary.arena(), dictionary.start(id), dictionary.length(id));
    } else {
      ColumnWriter.setLong(out, keyTypes[k], row, keys.key(g, k));
    }
  }

  /** The raw long of key component {@code k} of group {@code g} (valid for non-string, non-null keys). */
  long keyLong(int g, int k) {
    return keys.key(g, k);
  }

  /** Writes aggregate {@code i} of group {@code g}. */
  void writeAggregate(int g, int i, FieldVector out, int row) {
    accumulators[i].write(g, out, row);
  }

  /** The dictionary string keys (and COUNT(DISTINCT) strings) are interned in; its owner persists it. */
  BytesDictionary dictionary() {
    return dictionary;
  }

  /** Approximate heap bytes held, without the (possibly shared) dictionary. */
  long sizeBytes() {
    long bytes = keys.sizeBytes() + (long) groupOfString.length * 4;
    for (Accumulator a : accumulators) {
      bytes += a.sizeBytes();
    }
    return bytes;
  }

  /** Writes the groups and their aggregates; not the dictionary, which may be shared. */
  void writeState(StateWriter out) throws IOException {
    keys.writeState(out);
    out.writeInt(accumulators.length);
    for (Accumulator a : accumulators) {
      a.writeState(out, size());
    }
  }

  /** Reads what {@link #writeState} wrote into this empty table, whose dictionary is already restored. */
  void readState(StateReader in) throws IOException {
    keys.readState(in);
    int n = in.readInt();
    if (n != accumulators.length) {
      throw new IOException("corrupt state: " + n + " aggregates, expected " + accumulators.length);
    }
    for (Accumulator a : accumulators) {
      a.ensure(size());
      a.readState(in, size());
    }
  }

  /** Writes every group as a row (see below); an aggregate that does not fit its type throws. */
  void writeAll(VectorSchemaRoot out, int[] keyColumns, int[] aggColumns, int startRow) {
    writeAll(out, keyColumns, aggColumns, startRow, null);
  }

  /**
   * Writes every group as a row: {@code keyColumns[k]} receives key k, then aggregates follow; returns
   * the rows written. A group whose aggregate does not fit its type goes to {@code errors} (which
   * fails unless the pipeline's {@code on.error} says otherwise) and its row is left out.
   */
  int writeAll(VectorSchemaRoot out, int[] keyColumns, int[] aggColumns, int startRow, Operator errors) {
    int row = startRow;
    for (int g = 0; g < size(); g++) {
      for (int k = 0; k < keyColumns.length; k++) {
        writeKey(g, k, out.getVector(keyColumns[k]), row);
      }
      try {
        for (int i = 0; i < aggColumns.length; i++) {
          writeAggregate(g, i, out.getVector(aggColumns[i]), row);
        }
      } catch (ExpressionError e) {
        if (errors == null) {
          throw e;
        }
        errors.aggregateError(e, out, row, keyColumns.length);
        continue; // the next group overwrites this row
      }
      row++;
    }
    return row - startRow;
  }
}
