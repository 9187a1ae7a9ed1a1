package io.laminar.delta;

import io.delta.kernel.Transaction;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes one partition's rows of one epoch as Parquet files through Kernel's default Parquet handler,
 * on a thread of its own: Kernel's writer pulls batches from an iterator, the sink pushes them, so a
 * small bounded queue joins the two (and gives backpressure). The handler rolls over to a new file at
 * the target size. {@link #finish()} ends the input and returns the files written.
 */
final class PartitionWriter {
  private static final Object END = new Object();

  private final Map<String, Literal> partitionValues;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(4);
  private final Thread thread;
  private final List<DataFileStatus> files = new ArrayList<>();
  private volatile Throwable failure;
  private volatile boolean done;
  /** Set by {@link #cancel()}: the writer stops at its next look at the input, even if an interrupt was swallowed. */
  private volatile boolean cancelled;

  PartitionWriter(Engine engine, Row txnState, Map<String, Literal> partitionValues, String stagingDir,
      List<Column> statsColumns, String threadName) {
    this.partitionValues = partitionValues;
    this.thread = new Thread(() -> run(engine, txnState, stagingDir, statsColumns), threadName);
    thread.setDaemon(true);
    thread.setContextClassLoader(PartitionWriter.class.getClassLoader());
    thread.start();
  }

  Map<String, Literal> partitionValues() {
    return partitionValues;
  }

  private void run(Engine engine, Row txnState, String stagingDir, List<Column> statsColumns) {
    Input input = new Input();
    try (CloseableIterator<DataFileStatus> written = engine.getParquetHandler().writeParquetFiles(stagingDir,
        Transaction.transformLogicalData(engine, txnState, input, partitionValues), statsColumns)) {
      while (written.hasNext()) {
        DataFileStatus f = written.next();
        synchronized (files) {
          files.add(f);
        }
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      input.releaseCurrent();
      done = true;
      drain();
    }
  }

  /** Queues rows for writing; blocks while the writer is behind. */
  void write(FilteredColumnarBatch batch) throws InterruptedException {
    while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
      if (done) {
        release(batch);
        drain();
        return;
      }
    }
    if (done) {
      drain();
    }
  }

  /** Ends the input, waits for the last file to close; returns every file written, or throws the writer's failure. */
  List<DataFileStatus> finish() throws Throwable {
    while (!done && !queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
      // the writer takes batches as it goes; wait for room for the end marker
    }
    thread.join();
    if (failure != null) {
      throw failure;
    }
    synchronized (files) {
      return List.copyOf(files);
    }
  }

  /** Stops the writer without waiting for its files (the caller discards them). */
  void cancel() {
    cancelled = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drain();
  }

  Throwable failure() {
    return failure;
  }

  private void drain() {
    Object b;
    while ((b = queue.poll()) != null) {
      release(b);
    }
  }

  private static void release(Object b) {
    if (b instanceof FilteredColumnarBatch f && f.getData() instanceof ArrowBatch a) {
      a.owner().release();
    }
  }

  /** The batches the sink queued, as the iterator Kernel's writer pulls from; releases each when the next is taken. */
  private final class Input implements CloseableIterator<FilteredColumnarBatch> {
    private FilteredColumnarBatch current;
    private FilteredColumnarBatch next;
    private boolean ended;

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      if (ended) {
        return false;
      }
      try {
        Object b = null;
        // a bounded wait, so a cancel is seen even when a library under the writer swallowed the interrupt
        while (b == null) {
          if (cancelled) {
            throw new IllegalStateException("the epoch's writer was cancelled");
          }
          b = queue.poll(100, TimeUnit.MILLISECONDS);
        }
        if (b == END) {
          ended = true;
          return false;
        }
        next = (FilteredColumnarBatch) b;
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for rows", e);
      }
    }

    @Override
    public FilteredColumnarBatch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      releaseCurrent();
      current = next;
      next = null;
      return current;
    }

    void releaseCurrent() {
      if (current != null) {
        release(current);
        current = null;
      }
    }

    @Override
    public void close() {
      // the writer thread's finally releases what is left
    }
  }

  /** A selection vector over a {@code boolean[]}: the rows of one partition in a shared batch. */
  static final class Selection implements ColumnVector {
    private final boolean[] selected;

    Selection(boolean[] selected) {
      this.selected = selected;
    }

    @Override
    public DataType getDataType() {
      return BooleanType.BOOLEAN;
    }

    @Override
    public int getSize() {
      return selected.length;
    }

    @Override
    public void close() {
    }

    @Override
    public boolean isNullAt(int rowId) {
      return false;
    }

    @Override
    public boolean getBoolean(int rowId) {
      return selected[rowId];
    }
  }
}
