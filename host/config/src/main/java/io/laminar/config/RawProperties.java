package io.laminar.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The properties table of a source, lookup or sink, unvalidated.
 *
 * @param entries properties by flattened key, in the order they are written
 * @param tablePosition the {@code [source.properties]} header, or the owning section when the
 *     table is absent (where "missing required property" errors point)
 */
public record RawProperties(Map<String, RawProperty> entries, Position tablePosition) {
  /** Copies the entries, keeping their order. */
  public RawProperties {
    entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  /** No properties; errors about missing ones point at {@code position}. */
  public static RawProperties empty(Position position) {
    return new RawProperties(Map.of(), position);
  }
}
