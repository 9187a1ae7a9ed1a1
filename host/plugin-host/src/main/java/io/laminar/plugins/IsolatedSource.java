package io.laminar.plugins;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorException;
import io.laminar.api.Source;
import io.laminar.api.SplitReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A plugin's {@link Source} whose every call runs with the plugin's context class loader, and whose
 * batches are checked against the configured schema before the host uses them.
 */
final class IsolatedSource implements Source {
  private final Source delegate;
  private final ClassLoader loader;
  private final String label;
  private final Schema schema;

  IsolatedSource(Source delegate, ClassLoader loader, String label, Schema schema) {
    this.delegate = delegate;
    this.loader = loader;
    this.label = label;
    this.schema = schema;
  }

  @Override
  public void check() throws ConnectorException {
    ContextClassLoader.run(loader, delegate::check);
  }

  @Override
  public List<String> splits() throws ConnectorException {
    return ContextClassLoader.call(loader, delegate::splits);
  }

  @Override
  public Duration splitDiscoveryInterval() {
    return ContextClassLoader.call(loader, delegate::splitDiscoveryInterval);
  }

  @Override
  public Map<String, byte[]> remapOffsets(Map<String, byte[]> saved, List<String> splits) throws ConnectorException {
    return ContextClassLoader.call(loader, () -> delegate.remapOffsets(saved, splits));
  }

  /**
   * The plugin's own reader (its default one for a single-reader source), wrapped so its calls run
   * with the plugin's loader and its batches are checked.
   */
  @Override
  public SplitReader createReader(Map<String, byte[]> splits) throws ConnectorException {
    SplitReader reader = ContextClassLoader.call(loader, () -> delegate.createReader(splits));
    return new IsolatedSplitReader(reader, loader, label, schema);
  }

  @Override
  public void open(byte[] restoredOffsets) throws ConnectorException {
    ContextClassLoader.run(loader, () -> delegate.open(restoredOffsets));
  }

  @Override
  public Batch poll(int maxRows, Duration timeout) throws ConnectorException {
    return PluginBatches.checked(label, schema, ContextClassLoader.call(loader, () -> delegate.poll(maxRows, timeout)));
  }

  @Override
  public boolean isExhausted() {
    return ContextClassLoader.call(loader, delegate::isExhausted);
  }

  @Override
  public ChangelogMode changelogMode() {
    return ContextClassLoader.call(loader, delegate::changelogMode);
  }

  @Override
  public byte[] snapshotOffsets() {
    return ContextClassLoader.call(loader, delegate::snapshotOffsets);
  }

  @Override
  public void checkpointCompleted(byte[] offsets) throws ConnectorException {
    ContextClassLoader.run(loader, () -> delegate.checkpointCompleted(offsets));
  }

  @Override
  public void close() throws ConnectorException {
    ContextClassLoader.run(loader, delegate::close);
  }
}
