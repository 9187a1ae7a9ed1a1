package io.laminar.testkit.conformance;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.Source;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Drives a source through the split SPI ({@link Source#splits()}, {@link Source#createReader},
 * {@link SplitReader}) as the host does, each call with the plugin loader as the thread context
 * class loader, and checks what readers hand out: each batch names a split of its reader and has the
 * configured columns and value counts (as the host's wrapper checks too, here as test failures).
 */
final class SplitReading {
  private SplitReading() {
  }

  /** Runs {@code call} with {@code loader} as the thread context class loader. */
  static <T> T call(ClassLoader loader, Callable<T> call) throws Exception {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      return call.call();
    } finally {
      t.setContextClassLoader(before);
    }
  }

  /** A reader whose every call runs with the plugin loader and whose batches are checked. */
  static final class Reader implements AutoCloseable {
    final SplitReader reader;
    final List<String> splits;
    private final ClassLoader loader;
    private final Schema schema;

    Reader(SplitReader reader, List<String> splits, ClassLoader loader, Schema schema) {
      this.reader = reader;
      this.splits = new ArrayList<>(splits);
      this.loader = loader;
      this.schema = schema;
    }

    /** One poll; the batch's split and rows, or null. Fails on a batch that breaks the rules. */
    SplitBatch poll(int maxRows, Duration timeout) throws Exception {
      SplitBatch b = call(loader, () -> reader.poll(maxRows, timeout));
      if (b == null) {
        return null;
      }
      try {
        List<String> problems = new ArrayList<>();
        if (!splits.contains(b.split())) {
          problems.add("a reader of splits " + splits + " returned a batch of split '" + b.split() + "'");
        }
        if (b.batch().rowCount() > maxRows) {
          problems.add("poll(" + maxRows + ", …) returned " + b.batch().rowCount() + " rows");
        }
        problems.addAll(columns(schema, b.batch()));
        ConnectorConformance.report(problems);
      } catch (AssertionError e) {
        b.batch().close();
        throw e;
      }
      return b;
    }

    boolean isExhausted(String split) throws Exception {
      return call(loader, () -> reader.isExhausted(split));
    }

    Map<String, byte[]> snapshotOffsets() throws Exception {
      Map<String, byte[]> offsets = call(loader, reader::snapshotOffsets);
      if (!offsets.keySet().containsAll(splits)) {
        throw new AssertionError("snapshotOffsets() of a reader of splits " + splits + " has offsets for "
            + offsets.keySet() + " only (it must have every split it was given)");
      }
      return offsets;
    }

    void checkpointCompleted(Map<String, byte[]> offsets) throws Exception {
      call(loader, () -> {
        reader.checkpointCompleted(offsets);
        return null;
      });
    }

    @Override
    public void close() throws ConnectorException {
      try {
        call(loader, () -> {
          reader.close();
          return null;
        });
      } catch (ConnectorException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The host's check of a batch against the configured schema: names, types, value counts. */
  static List<String> columns(Schema expected, Batch batch) {
    List<String> problems = new ArrayList<>();
    List<Field> want = expected.getFields();
    List<FieldVector> got = batch.data().getFieldVectors();
    if (got.size() != want.size()) {
      problems.add("a batch has " + got.size() + " columns where the configured schema has " + want.size());
      return problems;
    }
    for (int i = 0; i < want.size(); i++) {
      Field g = got.get(i).getField();
      if (!want.get(i).getName().equals(g.getName()) || !want.get(i).getType().equals(g.getType())) {
        problems.add("a batch has column " + (i + 1) + " '" + g.getName() + "' " + g.getType()
            + " where the configured schema has '" + want.get(i).getName() + "' " + want.get(i).getType());
      } else if (got.get(i).getValueCount() != batch.rowCount()) {
        problems.add("a batch says it has " + batch.rowCount() + " rows but its column '" + g.getName() + "' holds "
            + got.get(i).getValueCount() + " values");
      }
    }
    return problems;
  }
}
