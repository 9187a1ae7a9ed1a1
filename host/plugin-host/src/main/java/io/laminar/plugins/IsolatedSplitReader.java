package io.laminar.plugins;

import io.laminar.api.ConnectorException;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import java.time.Duration;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A plugin's {@link SplitReader} whose every call runs with the plugin's context class loader, and
 * whose batches are checked against the configured schema like {@link IsolatedSource}'s.
 */
final class IsolatedSplitReader implements SplitReader {
  private final SplitReader delegate;
  private final ClassLoader loader;
  private final String label;
  private final Schema schema;

  IsolatedSplitReader(SplitReader delegate, ClassLoader loader, String label, Schema schema) {
    this.delegate = delegate;
    this.loader = loader;
    this.label = label;
    this.schema = schema;
  }

  @Override
  public SplitBatch poll(int maxRows, Duration timeout) throws ConnectorException {
    SplitBatch got = ContextClassLoader.call(loader, () -> delegate.poll(maxRows, timeout));
    if (got == null) {
      return null;
    }
    PluginBatches.checked(label, schema, got.batch());
    return got;
  }

  @Override
  public void addSplits(Map<String, byte[]> splits) throws ConnectorException {
    ContextClassLoader.run(loader, () -> delegate.addSplits(splits));
  }

  @Override
  public boolean isExhausted(String split) {
    return ContextClassLoader.call(loader, () -> delegate.isExhausted(split));
  }

  @Override
  public Map<String, byte[]> snapshotOffsets() {
    return ContextClassLoader.call(loader, delegate::snapshotOffsets);
  }

  @Override
  public void checkpointCompleted(Map<String, byte[]> offsets) throws ConnectorException {
    ContextClassLoader.run(loader, () -> delegate.checkpointCompleted(offsets));
  }

  @Override
  public void close() throws ConnectorException {
    ContextClassLoader.run(loader, delegate::close);
  }
}
