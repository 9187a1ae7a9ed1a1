package io.laminar.runtime;

/**
 * Working arrays for batch-at-a-time grouping and aggregation, owned by one operator and reused
 * for every batch, so processing a batch allocates nothing once they have grown to the batch size.
 */
final class BatchScratch {
  /** The group id of each selected row. */
  int[] groups = new int[0];
  /** Each key column's values (long-encoded, strings as dictionary ids) for the selected rows. */
  long[][] keys = new long[0][];
  /** Per selected row, bit k set when key column k is NULL. */
  long[] nullMasks = new long[0];
  boolean[] nulls = new boolean[0];
  long[] longs = new long[0];
  double[] doubles = new double[0];
  /** One selected row's key, as {@link KeyTable} takes it. */
  long[] key = new long[1];
  /** Bytes of a string too long to pack into a long. */
  final byte[][] bytes = {new byte[64]};

  /** Makes room for {@code n} rows and {@code keyColumns} key columns. */
  void ensure(int n, int keyColumns) {
    if (keys.length < keyColumns) {
      keys = new long[keyColumns][];
      key = new long[keyColumns + 1];
      groups = new int[0];
    }
    if (groups.length < n) {
      int c = Math.max(n, 1024);
      groups = new int[c];
      for (int k = 0; k < keys.length; k++) {
        keys[k] = new long[c];
      }
      nullMasks = new long[c];
      nulls = new boolean[c];
      longs = new long[c];
      doubles = new double[c];
    }
  }
}
