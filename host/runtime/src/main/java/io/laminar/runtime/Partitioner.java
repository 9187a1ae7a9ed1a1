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
 * float's value as a double (-0.0 as 0.0, one NaN), or a constant for NULL. The row's key group is
 * {@code h mod }{@link KeyGroups#COUNT} (unsigned) and its worker the one owning that key group's
 * range ({@link KeyGroups#worker}), so keyed state can be redistributed when the worker count changes.
 * Keyed operators recompute the same hash from the keys they hold ({@link #fold}, {@link #foldBytes},
 * {@link #foldNull}) to find each saved group's key group on a restore.
 */
public final class Partitioner {
  private static final long SEED = 0x9E3779B97F4A7C15L;
  private static final long NULL_HASH = 0x5BD1E9955BD1E995L;

  private Partitioner() {
  }

  /**
   * How the workers of a pipeline with keyed state get one source batch — the engine's routing
   * (its {@code PipelineGroup} calls this; tests call it to reproduce it): split by key when the
   * source feeds keyed state ({@code keyColumns} not null) and there are several workers, otherwise
   * the whole batch to the worker {@code turn} picks in rotation. Row kinds ({@code rowKinds}, null
   * for inserts only) travel with their rows.
   */
  public static Routed route(VectorSchemaRoot batch, TinyIntVector rowKinds, int[] keyColumns, int workers,
      int turn, BufferAllocator allocator) {
    if (keyColumns == null || workers == 1) {
      return new Routed(Math.floorMod(turn, workers), null);
    }
    return new Routed(-1, split(batch, rowKinds, partitionOf(batch, keyColumns, workers), workers, allocator));
  }

  /**
   * Where a batch goes: whole to worker {@code wholeTo} (when >= 0), or {@code parts[w]} to worker
   * w (null: nothing for that worker; the receiver owns and closes each part).
   */
  public record Routed(int wholeTo, Batch[] parts) {
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
    long[] hash = hashes(batch, keyColumns);
    for (int r = 0; r < rows; r++) {
      partition[r] = KeyGroups.worker(KeyGroups.of(hash[r]), workers);
    }
    return partition;
  }

  /** The hash of each row's key, the values of {@code keyColumns} (indices into the batch's schema). */
  static long[] hashes(VectorSchemaRoot batch, int[] keyColumns) {
    int rows = batch.getRowCount();
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
        if (reader.isNull(r)) {
          hash[r] = foldNull(hash[r]);
        } else if (type == SqlType.VARCHAR) {
          int length = reader.getBytes(r, scratch); // may grow scratch[0]: read it after
          hash[r] = foldBytes(hash[r], scratch[0], 0, length);
        } else {
          // floats read as the bits of the equal double, integers as their value
          hash[r] = fold(hash[r], reader.getLong(r));
        }
      }
    }
    return hash;
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

  /** The hash of a key before its first column is folded in. */
  static long seed() {
    return SEED;
  }

  /**
   * Folds a non-NULL, non-string key column into {@code h}: {@code v} as {@link ColumnReader#getLong}
   * reads it (the long encoding group keys are kept in).
   */
  static long fold(long h, long v) {
    return mix(h ^ mix(v));
  }

  /** Folds a string key column, given as its UTF-8 bytes {@code bytes[from..from+length)}, into {@code h}. */
  static long foldBytes(long h, byte[] bytes, int from, int length) {
    return fold(h, hashBytes(bytes, from, length));
  }

  /** Folds a NULL key column into {@code h}. */
  static long foldNull(long h) {
    return fold(h, NULL_HASH);
  }

  /** FNV-1a over the bytes, 64-bit. */
  private static long hashBytes(byte[] bytes, int from, int length) {
    long h = 0xCBF29CE484222325L;
    for (int i = from; i < from + length; i++) {
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
