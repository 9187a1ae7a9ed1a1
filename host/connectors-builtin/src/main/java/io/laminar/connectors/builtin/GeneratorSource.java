package io.laminar.connectors.builtin;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.Source;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A running generator. Its offset is the number of rows handed out plus the event-time origin, so a
 * restore continues with exactly the rows an uninterrupted run would have produced.
 *
 * <p>With {@code splits = n > 1} it is read in splits {@code "0"} … {@code "n-1"}: row {@code g}
 * (the same row one split would produce at that position) lies in block {@code g / BLOCK_ROWS},
 * and block {@code b} belongs to split {@code b mod n}. So split {@code i} produces the blocks
 * {@code i, i+n, i+2n, …} and the union of the splits is exactly the one-split output (in another
 * order). A split's offset is the number of its own rows handed out plus the event-time origin, which
 * every split shares.
 */
final class GeneratorSource implements Source {
  /** Rows per block of the split layout (a constant: the layout must not depend on poll sizes). */
  static final int BLOCK_ROWS = 8192;

  private final BufferAllocator allocator;
  private final Schema schema;
  private final GeneratorSettings settings;
  private final List<ColumnGenerator> columns;

  private long emitted;
  private ColumnGenerator.EventClock clock;
  /** The event-time origin every split shares (split mode), set by the first reader. */
  private Long splitOrigin;
  private long throttleOriginNanos;
  private long throttleOriginRows;

  GeneratorSource(ConnectorContext ctx, GeneratorSettings settings) {
    this.allocator = ctx.allocator();
    this.schema = ctx.schema();
    this.settings = settings;
    this.columns = settings.columns();
  }

  @Override
  public void open(byte[] restoredOffsets) {
    long start;
    if (restoredOffsets != null && restoredOffsets.length == 16) {
      ByteBuffer b = ByteBuffer.wrap(restoredOffsets);
      emitted = b.getLong();
      start = b.getLong();
    } else {
      emitted = 0;
      start = settings.startTimeMillis() != null ? settings.startTimeMillis()
          : System.currentTimeMillis() / 1000 * 1000;
    }
    clock = new ColumnGenerator.EventClock(start, settings.eventsPerSecond());
    throttleOriginNanos = System.nanoTime();
    throttleOriginRows = emitted;
  }

  @Override
  public Batch poll(int maxRows, Duration timeout) throws ConnectorException {
    if (clock == null) {
      throw ConnectorException.runtime("generator polled before open()", null);
    }
    long remaining = settings.maxRows().isPresent() ? settings.maxRows().getAsLong() - emitted : Long.MAX_VALUE;
    int n = (int) Math.min(maxRows, remaining);
    if (n <= 0) {
      return null;
    }
    if (settings.rowsPerSecond().isPresent()) {
      n = (int) Math.min(n, allowedByThrottle(settings.rowsPerSecond().getAsLong(), timeout));
      if (n <= 0) {
        return null;
      }
    }
    VectorSchemaRoot root = fill(emitted, n, clock);
    emitted += n;
    return Batch.of(root);
  }

  /** Rows {@code firstRow .. firstRow+n-1} of the one-split sequence. */
  private VectorSchemaRoot fill(long firstRow, int n, ColumnGenerator.EventClock eventClock) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    try {
      List<FieldVector> vectors = root.getFieldVectors();
      for (int c = 0; c < columns.size(); c++) {
        FieldVector v = vectors.get(c);
        ColumnGenerator column = columns.get(c);
        if (!column.allocateValid(v, n, allocator)) {
          v.setInitialCapacity(n); // one allocation of the right size instead of doubling
          v.allocateNew();
          ensureCapacity(v, n);
        }
        column.fill(v, settings.seed(), firstRow, n, eventClock);
        v.setValueCount(n);
      }
      root.setRowCount(n);
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  private static void ensureCapacity(FieldVector v, int n) {
    while (v.getValueCapacity() < n) {
      v.reAlloc();
    }
  }

  /** Rows the throttle allows now, waiting up to {@code timeout} for at least one. */
  private long allowedByThrottle(long rowsPerSecond, Duration timeout) {
    return allowedByThrottle(rowsPerSecond, timeout, throttleOriginNanos, throttleOriginRows, emitted);
  }

  /** As above, for a reader that handed out {@code emitted} rows since {@code originRows} at {@code originNanos}. */
  private static long allowedByThrottle(double rowsPerSecond, Duration timeout, long throttleOriginNanos,
      long throttleOriginRows, long emitted) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long now = System.nanoTime();
      long due = (long) ((now - throttleOriginNanos) / 1e9 * rowsPerSecond) - (emitted - throttleOriginRows);
      if (due > 0) {
        return due;
      }
      long nextRowAt = throttleOriginNanos
          + (long) ((emitted - throttleOriginRows + 1) * 1e9 / rowsPerSecond);
      long wait = Math.min(nextRowAt, deadline) - now;
      if (wait <= 0) {
        return 0;
      }
      LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
      if (Thread.currentThread().isInterrupted()) {
        return 0;
      }
    }
  }

  @Override
  public boolean isExhausted() {
    if (settings.splits() > 1) {
      return settings.maxRows().isPresent(); // the splits are fixed; each reader says when its are done
    }
    return settings.maxRows().isPresent() && emitted >= settings.maxRows().getAsLong();
  }

  @Override
  public List<String> splits() {
    if (settings.splits() == 1) {
      return List.of(DEFAULT_SPLIT);
    }
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < settings.splits(); i++) {
      ids.add(Integer.toString(i));
    }
    return ids;
  }

  @Override
  public SplitReader createReader(Map<String, byte[]> splits) throws ConnectorException {
    if (settings.splits() == 1) {
      return Source.super.createReader(splits);
    }
    List<SplitState> mine = new java.util.ArrayList<>();
    synchronized (this) {
      for (Map.Entry<String, byte[]> e : splits.entrySet()) {
        SplitState st = new SplitState(e.getKey(), splitIndex(e.getKey()));
        if (e.getValue() != null && e.getValue().length == 16) {
          ByteBuffer b = ByteBuffer.wrap(e.getValue());
          st.emitted = b.getLong();
          long origin = b.getLong();
          if (splitOrigin == null) {
            splitOrigin = origin;
          }
        }
        mine.add(st);
      }
      if (splitOrigin == null) {
        splitOrigin = settings.startTimeMillis() != null ? settings.startTimeMillis()
            : System.currentTimeMillis() / 1000 * 1000;
      }
    }
    return new GeneratorSplitReader(mine, new ColumnGenerator.EventClock(splitOrigin, settings.eventsPerSecond()));
  }

  private int splitIndex(String id) throws ConnectorException {
    try {
      int i = Integer.parseInt(id);
      if (i >= 0 && i < settings.splits()) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ConnectorException.runtime("the generator has splits 0.." + (settings.splits() - 1) + ", not '" + id
        + "'", null);
  }

  /** One split of a reader: its index and how many of its rows were handed out. */
  private static final class SplitState {
    final String id;
    final int index;
    long emitted;

    SplitState(String id, int index) {
      this.id = id;
      this.index = index;
    }
  }

  /** Reads some of the generator's splits, a block at a time, in turn. */
  private final class GeneratorSplitReader implements SplitReader {
    private final List<SplitState> splits;
    private final ColumnGenerator.EventClock eventClock;
    private final long originNanos = System.nanoTime();
    private long readerEmitted;
    private int next;

    GeneratorSplitReader(List<SplitState> splits, ColumnGenerator.EventClock eventClock) {
      this.splits = new java.util.ArrayList<>(splits);
      this.eventClock = eventClock;
    }

    /** The one-split row number of the {@code k}-th row of split {@code i}. */
    private long globalRow(int i, long k) {
      long block = i + (k / BLOCK_ROWS) * settings.splits();
      return block * BLOCK_ROWS + k % BLOCK_ROWS;
    }

    private boolean done(SplitState st) {
      return settings.maxRows().isPresent() && globalRow(st.index, st.emitted) >= settings.maxRows().getAsLong();
    }

    @Override
    public SplitBatch poll(int maxRows, Duration timeout) {
      for (int tried = 0; tried < splits.size(); tried++) {
        SplitState st = splits.get(next);
        next = (next + 1) % splits.size();
        if (done(st)) {
          continue;
        }
        long first = globalRow(st.index, st.emitted);
        long n = Math.min(maxRows, BLOCK_ROWS - st.emitted % BLOCK_ROWS);
        if (settings.maxRows().isPresent()) {
          n = Math.min(n, settings.maxRows().getAsLong() - first);
        }
        if (settings.rowsPerSecond().isPresent()) {
          double share = (double) settings.rowsPerSecond().getAsLong() * splits.size() / settings.splits();
          n = Math.min(n, allowedByThrottle(share, timeout, originNanos, 0, readerEmitted));
        }
        if (n <= 0) {
          return null;
        }
        VectorSchemaRoot root = fill(first, (int) n, eventClock);
        st.emitted += n;
        readerEmitted += n;
        return new SplitBatch(st.id, Batch.of(root));
      }
      return null;
    }

    @Override
    public void addSplits(Map<String, byte[]> added) throws ConnectorException {
      for (String id : added.keySet()) {
        splits.add(new SplitState(id, splitIndex(id)));
      }
    }

    @Override
    public boolean isExhausted(String split) {
      for (SplitState st : splits) { // asked after every batch: no stream per call
        if (st.id.equals(split)) {
          return done(st);
        }
      }
      return false;
    }

    @Override
    public Map<String, byte[]> snapshotOffsets() {
      Map<String, byte[]> offsets = new java.util.LinkedHashMap<>();
      for (SplitState st : splits) {
        offsets.put(st.id, ByteBuffer.allocate(16).putLong(st.emitted).putLong(eventClock.startMillis()).array());
      }
      return offsets;
    }

    @Override
    public void close() {
      // nothing held between polls
    }
  }

  @Override
  public byte[] snapshotOffsets() {
    return ByteBuffer.allocate(16).putLong(emitted).putLong(clock == null ? 0 : clock.startMillis()).array();
  }

  @Override
  public void close() {
    // nothing held between polls: batches belong to the caller
  }
}
