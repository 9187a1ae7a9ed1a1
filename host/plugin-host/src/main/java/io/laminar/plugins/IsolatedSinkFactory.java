package io.laminar.plugins;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;

/** A plugin's {@link SinkFactory} whose every call, and every call on its sinks, runs with the plugin's context class loader. */
public final class IsolatedSinkFactory implements SinkFactory {
  private final SinkFactory delegate;
  private final ClassLoader loader;

  /** Wraps {@code delegate}, a factory loaded by {@code loader}. */
  public IsolatedSinkFactory(SinkFactory delegate, ClassLoader loader) {
    this.delegate = delegate;
    this.loader = loader;
  }

  /** The plugin's own factory object. */
  public SinkFactory delegate() {
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
  public Sink create(ConnectorContext context) throws ConnectorException {
    return new IsolatedSink(PluginBatches.created(loader, context,
        ContextClassLoader.call(loader, () -> delegate.create(context))), loader);
  }
}
