package io.laminar.testkit.conformance;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A bounded source of rows {@code (id, "v<id>")}, id 0 … {@code rows - 1}, with a position as its
 * offset; {@link Flaw}s make it break one rule on purpose.
 */
final class MemorySource implements Source {
  static final Schema SCHEMA = new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true)),
      Field.nullable("name", ArrowType.Utf8.INSTANCE)));
  /** The context class loaders calls ran with, for the TCCL test. */
  static final Set<ClassLoader> CONTEXT_LOADERS = ConcurrentHashMap.newKeySet();

  enum Flaw {
    NONE,
    /** After a restore, hands out the last row before the offset again. */
    REPEATS_A_ROW_AFTER_RESTORE,
    /** Says it is exhausted once it has handed out half of its rows. */
    EXHAUSTED_EARLY,
    /** Keeps one buffer after close. */
    LEAKS_ON_CLOSE
  }

  static final class Factory implements SourceFactory {
    private final Flaw flaw;

    Factory(Flaw flaw) {
      this.flaw = flaw;
    }

    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder("memory_source", ConnectorKind.SOURCE)
          .description("Rows (id, name) from memory; for the testkit's own tests")
          .property(PropertySpec.builder("rows", PropertyType.INT).required().doc("How many rows").build())
          .property(PropertySpec.builder("poll_wait", PropertyType.DURATION).defaultValue("0s")
              .doc("Unused; shows a default converted by the host").tuning().build())
          .build();
    }

    @Override
    public Source create(ConnectorContext context) {
      CONTEXT_LOADERS.add(Thread.currentThread().getContextClassLoader());
      return new MemorySource(context, flaw);
    }
  }

  private final ConnectorContext context;
  private final Flaw flaw;
  private final int rows;
  private long position;
  private VectorSchemaRoot kept;

  private MemorySource(ConnectorContext context, Flaw flaw) {
    this.context = context;
    this.flaw = flaw;
    this.rows = context.properties().integer("rows").orElseThrow();
    context.properties().duration("poll_wait").orElseThrow();
  }

  @Override
  public void open(byte[] restoredOffsets) {
    CONTEXT_LOADERS.add(Thread.currentThread().getContextClassLoader());
    position = restoredOffsets == null ? 0 : ByteBuffer.wrap(restoredOffsets).getLong();
    if (flaw == Flaw.REPEATS_A_ROW_AFTER_RESTORE && position > 0) {
      position--;
    }
    if (flaw == Flaw.LEAKS_ON_CLOSE) {
      kept = VectorSchemaRoot.create(SCHEMA, context.allocator());
      kept.allocateNew();
    }
  }

  @Override
  public Batch poll(int maxRows, Duration timeout) {
    CONTEXT_LOADERS.add(Thread.currentThread().getContextClassLoader());
    int n = (int) Math.min(maxRows, rows - position);
    if (n <= 0) {
      return null;
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, context.allocator());
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector(0);
    VarCharVector name = (VarCharVector) root.getVector(1);
    for (int r = 0; r < n; r++) {
      id.setSafe(r, position + r);
      name.setSafe(r, ("v" + (position + r)).getBytes(StandardCharsets.UTF_8));
    }
    root.setRowCount(n);
    position += n;
    return Batch.of(root);
  }

  @Override
  public boolean isExhausted() {
    return position >= (flaw == Flaw.EXHAUSTED_EARLY ? rows / 2 : rows);
  }

  @Override
  public byte[] snapshotOffsets() {
    return ByteBuffer.allocate(8).putLong(position).array();
  }

  @Override
  public void close() {
    CONTEXT_LOADERS.add(Thread.currentThread().getContextClassLoader());
  }
}
