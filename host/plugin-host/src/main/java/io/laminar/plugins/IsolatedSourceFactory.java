package io.laminar.plugins;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;

/** A plugin's {@link SourceFactory} whose every call, and every call on its sources, runs with the plugin's context class loader. */
public final class IsolatedSourceFactory implements SourceFactory {
  private final SourceFactory delegate;
  private final ClassLoader loader;

  /** Wraps {@code delegate}, a factory loaded by {@code loader}. */
  public IsolatedSourceFactory(SourceFactory delegate, ClassLoader loader) {
    this.delegate = delegate;
    this.loader = loader;
  }

  /** The plugin's own factory object. */
  public SourceFactory delegate() {
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
  public Source create(ConnectorContext context) throws ConnectorException {
    Source source = PluginBatches.created(loader, context, ContextClassLoader.call(loader, () -> delegate.create(context)));
    return new IsolatedSource(source, loader, PluginBatches.label(loader), context.schema());
  }
}
