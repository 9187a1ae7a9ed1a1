package io.laminar.testkit.conformance;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A bounded source with three splits: split {@code s<k>} holds the ids {@code i} with
 * {@code i % 3 == k} of {@code (id, "v<id>")}, id 0 … {@code rows - 1}; its offset is the next index
 * in the split. With {@code flawed}, a reader given saved offsets starts each split one row early.
 */
final class MemorySplitSource implements Source {
  static final int SPLITS = 3;

  static final class Factory implements SourceFactory {
    private final boolean flawed;

    Factory(boolean flawed) {
      this.flawed = flawed;
    }

    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder("memory_split_source", ConnectorKind.SOURCE)
          .description("Rows (id, name) from memory in three splits; for the testkit's own tests")
          .property(PropertySpec.builder("rows", PropertyType.INT).required().doc("How many rows").build())
          .build();
    }

    @Override
    public Source create(ConnectorContext context) {
      MemorySource.CONTEXT_LOADERS.add(Thread.currentThread().getContextClassLoader());
      return new MemorySplitSource(context, flawed);
    }
  }

  private final ConnectorContext context;
  private final boolean flawed;
  private final int rows;

  private MemorySplitSource(ConnectorContext context, boolean flawed) {
    this.context = context;
    this.flawed = flawed;
    this.rows = context.properties().integer("rows").orElseThrow();
  }

  @Override
  public List<String> splits() {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < SPLITS; k++) {
      out.add("s" + k);
    }
    return out;
  }

  @Override
  public boolean isExhausted() {
    return true; // the split list is final
  }

  @Override
  public SplitReader createReader(Map<String, byte[]> splits) {
    MemorySource.CONTEXT_LOADERS.add(Thread.currentThread().getContextClassLoader());
    Reader r = new Reader();
    r.addSplits(splits);
    return r;
  }

  @Override
  public void close() {
    MemorySource.CONTEXT_LOADERS.add(Thread.currentThread().getContextClassLoader());
  }

  private final class Reader implements SplitReader {
    /** Per split: the next index inside it. */
    private final Map<String, Long> next = new LinkedHashMap<>();
    private int turn;

    @Override
    public void addSplits(Map<String, byte[]> splits) {
      splits.forEach((split, offsets) -> {
        long at = offsets == null ? 0 : ByteBuffer.wrap(offsets).getLong();
        next.put(split, flawed && at > 0 ? at - 1 : at);
      });
    }

    private long size(String split) {
      int k = Integer.parseInt(split.substring(1));
      return k < rows ? (rows - 1 - k) / SPLITS + 1 : 0;
    }

    @Override
    public SplitBatch poll(int maxRows, Duration timeout) {
      MemorySource.CONTEXT_LOADERS.add(Thread.currentThread().getContextClassLoader());
      List<String> ids = new ArrayList<>(next.keySet());
      for (int i = 0; i < ids.size(); i++) {
        String split = ids.get((turn + i) % ids.size());
        long at = next.get(split);
        int n = (int) Math.min(maxRows, size(split) - at);
        if (n <= 0) {
          continue;
        }
        turn = (turn + i + 1) % ids.size();
        int k = Integer.parseInt(split.substring(1));
        VectorSchemaRoot root = VectorSchemaRoot.create(MemorySource.SCHEMA, context.allocator());
        root.allocateNew();
        for (int r = 0; r < n; r++) {
          long id = (at + r) * SPLITS + k;
          ((BigIntVector) root.getVector(0)).setSafe(r, id);
          ((VarCharVector) root.getVector(1)).setSafe(r, ("v" + id).getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(n);
        next.put(split, at + n);
        return new SplitBatch(split, Batch.of(root));
      }
      return null;
    }

    @Override
    public boolean isExhausted(String split) {
      return next.containsKey(split) && next.get(split) >= size(split);
    }

    @Override
    public Map<String, byte[]> snapshotOffsets() {
      Map<String, byte[]> out = new LinkedHashMap<>();
      next.forEach((split, at) -> out.put(split, ByteBuffer.allocate(8).putLong(at).array()));
      return out;
    }

    @Override
    public void close() {
    }
  }
}
