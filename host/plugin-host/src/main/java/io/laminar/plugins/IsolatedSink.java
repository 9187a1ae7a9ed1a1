package io.laminar.plugins;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorException;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/** A plugin's {@link Sink} whose every call runs with the plugin's context class loader. */
final class IsolatedSink implements Sink {
  private final Sink delegate;
  private final ClassLoader loader;

  IsolatedSink(Sink delegate, ClassLoader loader) {
    this.delegate = delegate;
    this.loader = loader;
  }

  @Override
  public DeliveryGuarantee maxGuarantee() {
    return ContextClassLoader.call(loader, delegate::maxGuarantee);
  }

  @Override
  public ChangelogMode acceptedChangelogMode() {
    return ContextClassLoader.call(loader, delegate::acceptedChangelogMode);
  }

  @Override
  public List<String> validateSchema(Schema input) {
    return ContextClassLoader.call(loader, () -> delegate.validateSchema(input));
  }

  @Override
  public void check() throws ConnectorException {
    ContextClassLoader.run(loader, delegate::check);
  }

  @Override
  public void open(long lastCommittedEpoch) throws ConnectorException {
    ContextClassLoader.run(loader, () -> delegate.open(lastCommittedEpoch));
  }

  @Override
  public void write(Batch batch) throws ConnectorException {
    ContextClassLoader.run(loader, () -> delegate.write(batch));
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    ContextClassLoader.run(loader, () -> delegate.prepareCommit(epoch));
  }

  @Override
  public boolean acceptsConcurrentWrites() {
    return ContextClassLoader.call(loader, delegate::acceptsConcurrentWrites);
  }

  @Override
  public boolean acceptsWritesWhileCommitting() {
    return ContextClassLoader.call(loader, delegate::acceptsWritesWhileCommitting);
  }

  @Override
  public void commit(long epoch) throws ConnectorException {
    ContextClassLoader.run(loader, () -> delegate.commit(epoch));
  }

  @Override
  public void abort(long epoch) throws ConnectorException {
    ContextClassLoader.run(loader, () -> delegate.abort(epoch));
  }

  @Override
  public void close() throws ConnectorException {
    ContextClassLoader.run(loader, delegate::close);
  }
}
