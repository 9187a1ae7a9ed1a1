package io.laminar.runtime;

import io.laminar.api.RowKind;
import io.laminar.plan.CompiledPipeline;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Shared by the changelog oracles: changes of {@link TestTables#EVENTS} rows, fed as batches; rows in a stable order. */
final class Changes {
  private Changes() {
  }

  /** One change of the input: a row and its kind. */
  record Change(RowKind kind, Object[] row) {
  }

  /** Feeds {@code batch} to {@code e} as one changelog batch of source {@code events}. */
  static void feed(PipelineExecutor e, List<Change> batch, BufferAllocator allocator) {
    List<Object[]> rows = new ArrayList<>();
    batch.forEach(c -> rows.add(c.row()));
    try (VectorSchemaRoot root = TestTables.batch(TestTables.EVENTS, rows, allocator);
        TinyIntVector kinds = new TinyIntVector("kind", allocator)) {
      kinds.allocateNew(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        kinds.set(i, batch.get(i).kind().code());
      }
      kinds.setValueCount(rows.size());
      e.onBatch("events", root, kinds);
    }
  }

  /** A sorted copy of {@code rows} (by {@link #ROWS}). */
  static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> copy = new ArrayList<>(rows);
    copy.sort(ROWS);
    return copy;
  }

  /** Rows compared column by column, NULL first. */
  static final Comparator<List<Object>> ROWS = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return ((Comparable) a).compareTo(b);
  }

  /**
   * Snapshots {@code executor}, closes it and returns a fresh executor restored from the snapshot, as
   * after a restart. Counters start from zero in a new process; the late and ignored counts are
   * carried over so the totals stay checkable.
   */
  static PipelineExecutor restart(PipelineExecutor executor, CompiledPipeline pipeline, BufferAllocator allocator,
      OutputCallback out) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(bytes)) {
      executor.snapshot(data);
    }
    long late = executor.metrics().lateRowsDropped();
    long ignored = executor.metrics().ignoredRetractions();
    executor.close();
    PipelineExecutor restored = new PipelineExecutor(pipeline, allocator, Map.of(), out);
    restored.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    restored.metrics().addLateRows(late, 0, 0);
    if (ignored > 0) {
      restored.metrics().addIgnoredRetractions(ignored);
    }
    return restored;
  }

  /** Collects the rows emitted since last cleared; a window or session aggregate's output is append-only. */
  static final class AppendOnly implements OutputCallback {
    final List<List<Object>> rows = new ArrayList<>();

    @Override
    public void onOutput(VectorSchemaRoot batch) {
      StreamRunner.collect(batch, rows);
    }

    @Override
    public void onOutput(VectorSchemaRoot batch, TinyIntVector rowKinds) {
      throw new AssertionError("a window aggregate's output must be append-only");
    }
  }
}
