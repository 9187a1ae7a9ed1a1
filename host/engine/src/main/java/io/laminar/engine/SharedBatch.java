package io.laminar.engine;

import io.laminar.api.Batch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A source batch read by several pipelines: each pipeline releases it once done, and the last
 * release frees the Arrow memory. Saves copying a batch per consumer.
 */
final class SharedBatch {
  private final Batch batch;
  private final AtomicInteger references;

  SharedBatch(Batch batch, int consumers) {
    this.batch = batch;
    this.references = new AtomicInteger(consumers);
  }

  VectorSchemaRoot root() {
    return batch.data();
  }

  /** The row kinds of a changelog batch, or null for a batch of inserts. */
  TinyIntVector rowKinds() {
    return batch.rowKinds();
  }

  void release() {
    int left = references.decrementAndGet();
    if (left == 0) {
      batch.close();
    } else if (left < 0) {
      throw new IllegalStateException("batch released more often than it was shared");
    }
  }
}
