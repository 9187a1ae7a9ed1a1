package io.laminar.plugins;

import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A plugin's {@link LookupSource} whose every call runs with the plugin's context class loader. */
final class IsolatedLookupSource implements LookupSource {
  private final LookupSource delegate;
  private final ClassLoader loader;

  IsolatedLookupSource(LookupSource delegate, ClassLoader loader) {
    this.delegate = delegate;
    this.loader = loader;
  }

  @Override
  public void check() throws ConnectorException {
    ContextClassLoader.run(loader, delegate::check);
  }

  @Override
  public void open() throws ConnectorException {
    ContextClassLoader.run(loader, delegate::open);
  }

  @Override
  public VectorSchemaRoot lookup(VectorSchemaRoot keys) throws ConnectorException {
    return ContextClassLoader.call(loader, () -> delegate.lookup(keys));
  }

  @Override
  public void close() throws ConnectorException {
    ContextClassLoader.run(loader, delegate::close);
  }
}
