package io.laminar.testplugins.misbehaving;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.pf4j.Extension;

/** A correct source except that it allocates a buffer in {@code open()} and never releases it. */
@Extension
public final class LeakySourceFactory implements SourceFactory {
  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("leaky", ConnectorKind.SOURCE).description("leaks 64 bytes of Arrow memory").build();
  }

  @Override
  public Source create(ConnectorContext context) {
    return new Misbehaviour(context) {
      private ArrowBuf leaked;

      @Override
      public void open(byte[] restoredOffsets) {
        leaked = context.allocator().buffer(64);
      }

      @Override
      VectorSchemaRoot batch() {
        VectorSchemaRoot root = VectorSchemaRoot.create(context.schema(), context.allocator());
        root.allocateNew();
        root.setRowCount(0);
        return root;
      }
    };
  }
}
