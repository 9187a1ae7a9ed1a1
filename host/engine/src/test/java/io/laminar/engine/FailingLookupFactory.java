package io.laminar.engine;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A lookup (type {@code failing_lookup}) whose every lookup fails with a run-time (deterministic) error. */
final class FailingLookupFactory implements LookupFactory {
  static final AtomicInteger CALLS = new AtomicInteger();

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("failing_lookup", ConnectorKind.LOOKUP).description("always fails").build();
  }

  @Override
  public LookupSource create(ConnectorContext context) {
    return new LookupSource() {
      @Override
      public void open() {
      }

      @Override
      public VectorSchemaRoot lookup(VectorSchemaRoot keys) throws ConnectorException {
        CALLS.incrementAndGet();
        throw ConnectorException.runtime("injected: table 'instruments' has a column of the wrong type", null);
      }

      @Override
      public void close() {
      }
    };
  }
}
