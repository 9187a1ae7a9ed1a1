package io.laminar.testplugins.bundlesapi;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.time.Duration;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.pf4j.Extension;

/**
 * Ships its own plugin-api and Arrow jars in lib/; it works only because the host's copies of those
 * packages win. Its source emits one batch with a single INT row (42) so the host can read an Arrow
 * batch built by the plugin.
 */
@Extension
public final class BundledApiSourceFactory implements SourceFactory {

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("bundled_api", ConnectorKind.SOURCE)
        .description("emits one row with value 42")
        .build();
  }

  @Override
  public Source create(ConnectorContext context) {
    return new OneRowSource(context);
  }

  /** Emits one batch of one row, then is exhausted. */
  private static final class OneRowSource implements Source {
    private final ConnectorContext context;
    private boolean done;

    OneRowSource(ConnectorContext context) {
      this.context = context;
    }

    @Override
    public void open(byte[] restoredOffsets) {
    }

    @Override
    public Batch poll(int maxRows, Duration timeout) {
      if (done) {
        return null;
      }
      done = true;
      VectorSchemaRoot root = VectorSchemaRoot.create(context.schema(), context.allocator());
      IntVector value = (IntVector) root.getVector(0);
      value.allocateNew(1);
      value.set(0, 42);
      root.setRowCount(1);
      return Batch.of(root);
    }

    @Override
    public boolean isExhausted() {
      return done;
    }

    @Override
    public byte[] snapshotOffsets() {
      return new byte[] {(byte) (done ? 1 : 0)};
    }

    @Override
    public void close() {
    }
  }
}
