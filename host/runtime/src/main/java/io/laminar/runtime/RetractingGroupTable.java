package io.laminar.runtime;

import io.laminar.plan.AggCall;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The groups of one window over a changelog: rows are added and taken back. Keys are grouped by a
 * {@link GroupTable} without aggregates; per group it keeps the number of rows it holds and one
 * {@link Retractor} per aggregate (MIN, MAX and COUNT(DISTINCT) with per-value row counts, so taking
 * back the current extreme finds the next). A group whose rows were all taken back holds nothing and
 * is not written.
 */
final class RetractingGroupTable {
  private static final ColumnReader[] NO_ARGS = new ColumnReader[0];

  private final GroupTable groups;
  private final Retractor[] aggs;
  private final SqlType[] resultTypes;
  private final BytesDictionary dictionary;
  private long[] rows = new long[0];
  private int live;

  RetractingGroupTable(SqlType[] keyTypes, List<AggCall> calls, BytesDictionary dictionary) {
    this.groups = new GroupTable(keyTypes, List.of(), dictionary);
    this.dictionary = dictionary;
    this.aggs = new Retractor[calls.size()];
    this.resultTypes = new SqlType[calls.size()];
    for (int i = 0; i < aggs.length; i++) {
      aggs[i] = Retractor.create(calls.get(i), dictionary, true);
      resultTypes[i] = calls.get(i).resultType();
    }
  }

  /**
   * Adds ({@code signs[i] = 1}) or takes back ({@code -1}) rows {@code sel[0..n)}. Taking a row back
   * from a group that holds none is ignored; returns how many were.
   */
  long apply(ColumnReader[] keyReaders, ColumnReader[] args, int[] sel, int[] signs, int n, BatchScratch s) {
    if (n == 0) {
      return 0;
    }
    groups.addBatch(keyReaders, NO_ARGS, sel, n, s);
    int size = groups.size();
    if (size > rows.length) {
      rows = Arrays.copyOf(rows, Math.max(16, Math.max(size, rows.length * 2)));
    }
    for (Retractor a : aggs) {
      a.ensure(size);
    }
    int[] ids = s.groups;
    long ignored = 0;
    for (int i = 0; i < n; i++) {
      int g = ids[i];
      int sign = signs[i];
      if (sign < 0 && rows[g] == 0) {
        ignored++;
        continue;
      }
      if (rows[g] == 0) {
        live++;
      }
      rows[g] += sign;
      for (int a = 0; a < aggs.length; a++) {
        aggs[a].apply(g, args[a], sel[i], sign);
      }
      if (rows[g] == 0) {
        live--;
        // emptied: start from scratch should rows come again (a floating sum keeps no residue)
        for (Retractor a : aggs) {
          a.clear(g);
        }
      }
    }
    return ignored;
  }

  /** Groups holding at least one row: the rows {@link #writeLive} writes. */
  int live() {
    return live;
  }

  /**
   * Writes each group holding rows from {@code startRow}: key k to {@code keyColumns[k]}, then the
   * aggregates; returns the rows written. A group whose aggregate does not fit its type goes to
   * {@code errors} and its row is left out.
   */
  int writeLive(VectorSchemaRoot out, int[] keyColumns, int[] aggColumns, int startRow, Operator errors) {
    int row = startRow;
    for (int g = 0; g < groups.size(); g++) {
      if (rows[g] == 0) {
        continue;
      }
      for (int k = 0; k < keyColumns.length; k++) {
        groups.writeKey(g, k, out.getVector(keyColumns[k]), row);
      }
      try {
        for (int i = 0; i < aggColumns.length; i++) {
          aggs[i].write(g, resultTypes[i], dictionary, out.getVector(aggColumns[i]), row);
        }
      } catch (ExpressionError e) {
        errors.aggregateError(e, out, row, keyColumns.length);
        continue; // left out: the next group overwrites this row
      }
      row++;
    }
    return row - startRow;
  }

  /**
   * Takes over the groups of {@code other} (the same table restored from another worker's snapshot)
   * whose key group, hashed from the keys at {@code slots}, is in {@code owned}; strings are
   * re-interned here. Returns how many groups holding rows were taken over.
   */
  int absorb(RetractingGroupTable other, int[] slots, KeyGroups.Range owned) {
    StringRemap strings = new StringRemap(other.dictionary, dictionary);
    int[] map = groups.absorbKeys(other.groups, slots, owned, strings);
    int size = groups.size();
    if (size > rows.length) {
      rows = Arrays.copyOf(rows, Math.max(16, size));
    }
    for (Retractor a : aggs) {
      a.ensure(size);
    }
    int taken = 0;
    for (int og = 0; og < map.length; og++) {
      int g = map[og];
      if (g >= 0 && other.rows[og] > 0) {
        if (rows[g] != 0) {
          throw new IllegalStateException("a group held by two workers' snapshots");
        }
        rows[g] = other.rows[og];
        live++;
        taken++;
      } else if (g >= 0) {
        map[og] = -1; // holds no rows: nothing to copy
      }
    }
    for (int i = 0; i < aggs.length; i++) {
      aggs[i].absorb(other.aggs[i], map, strings);
    }
    return taken;
  }

  /** The dictionary keys and string values are interned in; its owner persists it. */
  BytesDictionary dictionary() {
    return dictionary;
  }

  /** Approximate heap bytes held, without the dictionary. */
  long sizeBytes() {
    long bytes = groups.sizeBytes() + (long) rows.length * 8;
    for (Retractor a : aggs) {
      bytes += a.sizeBytes();
    }
    return bytes;
  }

  /** Writes the groups, their row counts and aggregates; not the dictionary. */
  void writeState(StateWriter out) throws IOException {
    groups.writeState(out);
    int size = groups.size();
    out.writeLongs(rows, size);
    out.writeInt(aggs.length);
    for (Retractor a : aggs) {
      a.writeState(out, size);
    }
  }

  /** Reads what {@link #writeState} wrote into this empty table, whose dictionary is already restored. */
  void readState(StateReader in) throws IOException {
    groups.readState(in);
    int size = groups.size();
    rows = new long[Math.max(16, size)];
    in.readLongs(rows, size);
    live = 0;
    for (int g = 0; g < size; g++) {
      if (rows[g] < 0) {
        throw new IOException("corrupt state: a group with " + rows[g] + " rows");
      }
      live += rows[g] > 0 ? 1 : 0;
    }
    int n = in.readInt();
    if (n != aggs.length) {
      throw new IOException("corrupt state: " + n + " aggregates, expected " + aggs.length);
    }
    for (Retractor a : aggs) {
      a.ensure(size);
      a.readState(in, size);
    }
  }
}
