package io.laminar.config;

import java.util.List;
import java.util.Optional;

/**
 * A {@code [[lookup]]}: a keyed table that pipelines join against to enrich rows.
 *
 * @param name SQL table name (shares the namespace of sources)
 * @param connector the connector that answers lookups
 * @param properties connector properties, validated later against the connector's spec
 * @param schema the columns, in order (never empty)
 * @param primaryKey key columns, each a schema column (never empty)
 * @param cache host-side cache settings, if any
 * @param position where the {@code [[lookup]]} starts
 */
public record LookupConfig(String name, ConnectorRef connector, RawProperties properties, List<ColumnDef> schema,
    List<String> primaryKey, Optional<CacheConfig> cache, Position position) {
  /** Copies the lists. */
  public LookupConfig {
    schema = List.copyOf(schema);
    primaryKey = List.copyOf(primaryKey);
  }
}
