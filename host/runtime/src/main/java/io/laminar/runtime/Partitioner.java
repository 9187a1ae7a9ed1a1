package io.laminar.runtime;

import io.laminar.api.Batch;
import io.laminar.plan.SqlType;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Routes a source batch's rows to parallel workers by key (see
 * {@link io.laminar.plan.CompiledPipeline#partitionKeys()}): rows with equal key values always get
 * the same worker, whichever source they come from.
 *
 * <p>The hash is fixed and must never change, since checkpointed per-worker state depends on it.
 * Starting from a seed, each key column's value v folds in as {@code h = fmix64(h ^ fmix64(v))}
 * (MurmurHash3's finalizer), where v is the 64-bit FNV-1a of a string's UTF-8 bytes, an integer's,
 * date's, timestamp's or boolean's value as a long (so an INT 5 and a BIGINT 5 meet), the bits of a
 * float's value as a double (-0.0 as 0.0, one NaN), or a constant for NULL; the worker is
 * {@code h mod workers}, unsigned.
 */
public final class Partitioner {
  private static final long SEED = 0x9E3779B97F4A7C15L;
  private static final long NULL_HASH = 0x5BD1E9955BD1E995L;

  private Partitioner() {
  }

  /**
   * The worker ({@code 0..workers)}) of each row of {@code batch}, by the values of
   * {@code keyColumns} (indices into the batch's schema).
   */
  public static int[] partitionOf(VectorSchemaRoot batch, int[] keyColumns, int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, was " + workers);
    }
    int rows = batch.getRowCount();
    int[] partition = new int[rows];
    if (workers == 1) {
      return partition;
    }
    long[] hash = new long[rows];
    java.util.Arrays.fill(hash, SEED);
    byte[][] scratch = {new byte[64]};
    for (int column : keyColumns) {
      FieldVector vector = batch.getVector(column);
      SqlType type = SqlType.fromArrow(vector.getField().getType());
      if (type == null) {
        throw new IllegalArgumentException("cannot partition by column " + vector.getField());
      }
      ColumnReader reader = ColumnReader.of(vector, type);
      for (int r = 0; r < rows; r++) {
        long value;
        if (reader.isNull(r)) {
          value = NULL_HASH;
        } else if (type == SqlType.VARCHAR) {
          value = hashBytes(scratch[0], reader.getBytes(r, scratch));
        } else {
          // floats read as the bits of the equal double, integers as their value
          value = reader.getLong(r);
        }
        hash[r] = mix(hash[r] ^ mix(value));
      }
    }
    for (int r = 0; r < rows; r++) {
      partition[r] = (int) Long.remainderUnsigned(hash[r], workers);
    }
    return partition;
  }

  /**
   * Copies the rows of {@code batch} into one new batch per worker, in their original order;
   * {@code partition[r]} names row r's worker. An entry is null when no row goes to that worker. The
   * caller owns (and must close) the returned batches; {@code batch} is left untouched.
   */
  public static VectorSchemaRoot[] split(VectorSchemaRoot batch, int[] partition, int workers,
      BufferAllocator allocator) {
    int rows = batch.getRowCount();
    if (partition.length < rows) {
      throw new IllegalArgumentException("partition has " + partition.length + " entries for " + rows + " rows");
    }
    int[] counts = new int[workers];
    for (int r = 0; r < rows; r++) {
      counts[partition[r]]++;
    }
    VectorSchemaRoot[] out = new VectorSchemaRoot[workers];
    try {
      for (int w = 0; w < workers; w++) {
        if (counts[w] > 0) {
          out[w] = VectorSchemaRoot.create(batch.getSchema(), allocator);
          for (FieldVector v : out[w].getFieldVectors()) {
            v.setInitialCapacity(counts[w]);
            v.allocateNew();
          }
        }
      }
      int columns = batch.getFieldVectors().size();
      TransferPair[] copy = new TransferPair[workers];
      int[] next = new int[workers];
      for (int c = 0; c < columns; c++) {
        FieldVector source = batch.getVector(c);
        for (int w = 0; w < workers; w++) {
          copy[w] = out[w] == null ? null : source.makeTransferPair(out[w].getVector(c));
          next[w] = 0;
        }
        for (int r = 0; r < rows; r++) {
          int w = partition[r];
          copy[w].copyValueSafe(r, next[w]++);
        }
      }
      for (int w = 0; w < workers; w++) {
        if (out[w] != null) {
          out[w].setRowCount(counts[w]);
        }
      }
      return out;
    } catch (RuntimeException e) {
      for (VectorSchemaRoot root : out) {
        if (root != null) {
          root.close();
        }
      }
      throw e;
    }
  }

  /**
   * As {@link #split(VectorSchemaRoot, int[], int, BufferAllocator)}, keeping each row's kind:
   * {@code rowKinds} (may be null for a batch of inserts) is split the same way. The caller owns the
   * returned batches; an entry is null when no row goes to that worker.
   */
  public static Batch[] split(VectorSchemaRoot batch, TinyIntVector rowKinds, int[] partition, int workers,
      BufferAllocator allocator) {
    if (rowKinds == null) {
      VectorSchemaRoot[] parts = split(batch, partition, workers, allocator);
      Batch[] out = new Batch[workers];
      for (int w = 0; w < workers; w++) {
        out[w] = parts[w] == null ? null : Batch.of(parts[w]);
      }
      return out;
    }
    VectorSchemaRoot[] parts = split(RowKinds.view(batch, rowKinds), partition, workers, allocator);
    Batch[] out = new Batch[workers];
    for (int w = 0; w < workers; w++) {
      if (parts[w] != null) {
        List<FieldVector> vectors = new ArrayList<>(parts[w].getFieldVectors());
        TinyIntVector kinds = (TinyIntVector) vectors.remove(vectors.size() - 1);
        out[w] = Batch.changelog(new VectorSchemaRoot(batch.getSchema().getFields(), vectors, parts[w].getRowCount()),
            kinds);
      }
    }
    return out;
  }

  /** FNV-1a over the bytes, 64-bit. */
  private static long hashBytes(byte[] bytes, int length) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < length; i++) {
      h = (h ^ (bytes[i] & 0xFF)) * 0x100000001B3L;
    }
    return h;
  }

  /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }
}
