package io.laminar.testplugins.misbehaving;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.pf4j.Extension;

/** A source that calls {@code System.exit(0)} in {@code open()}, as a careless library might. */
@Extension
public final class ExitOnOpenSourceFactory implements SourceFactory {
  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("exit_on_open", ConnectorKind.SOURCE).description("System.exit(0) in open()").build();
  }

  @Override
  public Source create(ConnectorContext context) {
    return new Misbehaviour(context) {
      @Override
      public void open(byte[] restoredOffsets) {
        System.exit(0);
      }

      @Override
      VectorSchemaRoot batch() {
        throw new IllegalStateException("never polled");
      }
    };
  }
}
