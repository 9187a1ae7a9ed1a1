package io.laminar.plugins;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;

/** A plugin's {@link LookupFactory} whose every call, and every call on its lookups, runs with the plugin's context class loader. */
public final class IsolatedLookupFactory implements LookupFactory {
  private final LookupFactory delegate;
  private final ClassLoader loader;

  /** Wraps {@code delegate}, a factory loaded by {@code loader}. */
  public IsolatedLookupFactory(LookupFactory delegate, ClassLoader loader) {
    this.delegate = delegate;
    this.loader = loader;
  }

  /** The plugin's own factory object. */
  public LookupFactory delegate() {
    return delegate;
  }

  /** The plugin's class loader. */
  public ClassLoader classLoader() {
    return loader;
  }

  @Override
  public ConnectorSpec spec() {
    return ContextClassLoader.call(loader, delegate::spec);
  }

  @Override
  public LookupSource create(ConnectorContext context) throws ConnectorException {
    return new IsolatedLookupSource(PluginBatches.created(loader, context,
        ContextClassLoader.call(loader, () -> delegate.create(context))), loader);
  }
}
