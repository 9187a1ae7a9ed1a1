package io.laminar.sql;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A table SQL can name: a source or a lookup, with its Arrow schema. Sources may name an event-time
 * column (a TIMESTAMP) and the delay their watermark trails the largest event time seen; lookups
 * name their primary key, the only columns a lookup join may match on. A {@code changelog} source
 * produces inserts, updates and deletes (CDC) rather than only appends.
 */
public record CatalogTable(String name, Schema schema, TableKind kind, Optional<String> eventTimeColumn,
    Duration maxOutOfOrderness, List<String> primaryKey, boolean changelog) {

  /** Validates and copies. */
  public CatalogTable {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(kind, "kind");
    eventTimeColumn = eventTimeColumn == null ? Optional.empty() : eventTimeColumn;
    maxOutOfOrderness = maxOutOfOrderness == null ? Duration.ZERO : maxOutOfOrderness;
    if (maxOutOfOrderness.isNegative()) {
      throw new IllegalArgumentException("max_out_of_orderness must not be negative: " + maxOutOfOrderness);
    }
    primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
    if (changelog && kind != TableKind.SOURCE) {
      throw new IllegalArgumentException("only a source can be a changelog: '" + name + "'");
    }
  }

  /** A source without an event-time column. */
  public static CatalogTable source(String name, Schema schema) {
    return new CatalogTable(name, schema, TableKind.SOURCE, Optional.empty(), Duration.ZERO, List.of(), false);
  }

  /** A source whose watermark follows {@code eventTimeColumn} minus {@code maxOutOfOrderness}. */
  public static CatalogTable source(String name, Schema schema, String eventTimeColumn, Duration maxOutOfOrderness) {
    return new CatalogTable(name, schema, TableKind.SOURCE, Optional.of(eventTimeColumn), maxOutOfOrderness,
        List.of(), false);
  }

  /** A lookup table keyed by {@code primaryKey}. */
  public static CatalogTable lookup(String name, Schema schema, List<String> primaryKey) {
    return new CatalogTable(name, schema, TableKind.LOOKUP, Optional.empty(), Duration.ZERO, primaryKey, false);
  }

  /** This source as one whose rows are inserts, updates and deletes. */
  public CatalogTable asChangelog() {
    return new CatalogTable(name, schema, kind, eventTimeColumn, maxOutOfOrderness, primaryKey, true);
  }
}
