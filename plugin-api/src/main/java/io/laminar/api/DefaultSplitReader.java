package io.laminar.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reader of a source that keeps its single {@link Source#DEFAULT_SPLIT}: it opens the source
 * with the split's offsets and forwards every call to the source's own single-reader methods.
 */
final class DefaultSplitReader implements SplitReader {
  private final Source source;
  private boolean opened;

  DefaultSplitReader(Source source) {
    this.source = source;
  }

  @Override
  public void addSplits(Map<String, byte[]> splits) throws ConnectorException {
    for (Map.Entry<String, byte[]> e : splits.entrySet()) {
      if (!Source.DEFAULT_SPLIT.equals(e.getKey())) {
        throw new IllegalArgumentException("a single-reader source has only the split '" + Source.DEFAULT_SPLIT
            + "', not '" + e.getKey() + "'");
      }
      if (opened) {
        throw new IllegalStateException("the split '" + Source.DEFAULT_SPLIT + "' was already given to this reader");
      }
      source.open(e.getValue());
      opened = true;
    }
  }

  @Override
  public SplitBatch poll(int maxRows, Duration timeout) throws ConnectorException {
    if (!opened) {
      return null;
    }
    Batch batch = source.poll(maxRows, timeout);
    return batch == null ? null : new SplitBatch(Source.DEFAULT_SPLIT, batch);
  }

  @Override
  public boolean isExhausted(String split) {
    return opened && Source.DEFAULT_SPLIT.equals(split) && source.isExhausted();
  }

  @Override
  public Map<String, byte[]> snapshotOffsets() {
    Map<String, byte[]> offsets = new LinkedHashMap<>();
    if (opened) {
      offsets.put(Source.DEFAULT_SPLIT, source.snapshotOffsets());
    }
    return offsets;
  }

  @Override
  public void checkpointCompleted(Map<String, byte[]> offsets) throws ConnectorException {
    byte[] mine = offsets.get(Source.DEFAULT_SPLIT);
    if (mine != null) {
      source.checkpointCompleted(mine);
    }
  }

  @Override
  public void close() {
    // the host closes the source itself, after its readers
  }
}
