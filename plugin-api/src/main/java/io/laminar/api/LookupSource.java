package io.laminar.api;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A running lookup table instance for enrichment joins. The host batches keys so an external store
 * can answer a whole batch in one round trip, and owns the cache in front of it.
 */
public interface LookupSource extends AutoCloseable {

  /** Connectivity probe, as {@link Source#check()}. */
  default void check() throws ConnectorException {
  }

  /** Prepares connections or loads data. */
  void open() throws ConnectorException;

  /**
   * Looks up a batch of keys. {@code keys} holds the primary-key columns (named as in the config's
   * {@code primary_key}) of the rows to find, possibly with duplicates. The result has the lookup's
   * full configured schema and contains, in any order, every stored row whose key is among them;
   * keys without a row are simply absent. The result belongs to the caller.
   */
  VectorSchemaRoot lookup(VectorSchemaRoot keys) throws ConnectorException;

  /** Releases resources. */
  @Override
  void close() throws ConnectorException;
}
