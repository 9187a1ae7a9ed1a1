package io.laminar.registry;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.SinkFactory;
import io.laminar.api.SourceFactory;

/**
 * One installed connector: its type and kind, who provides it, its spec (read once when the
 * registry was built) and the factory ({@link SourceFactory}, {@link LookupFactory} or
 * {@link SinkFactory} according to {@code kind}).
 */
public record RegisteredConnector(
    String type, ConnectorKind kind, String providerId, String providerVersion, ConnectorSpec spec, Object factory) {

  /** Whether the host's built-in provider offers it. */
  public boolean isBuiltin() {
    return ConnectorProvider.BUILTIN.equals(providerId);
  }

  /** How listings and messages name it: {@code "generator (builtin)"}, {@code "kafka (plugin kafka 0.1.0)"}. */
  public String label() {
    return type + " (" + providerLabel() + ")";
  }

  /** {@code "builtin"} or {@code "plugin kafka 0.1.0"}. */
  public String providerLabel() {
    return isBuiltin() ? ConnectorProvider.BUILTIN : "plugin " + providerId + " " + providerVersion;
  }

  /** The factory of a source connector. */
  public SourceFactory sourceFactory() {
    return as(ConnectorKind.SOURCE, SourceFactory.class);
  }

  /** The factory of a lookup connector. */
  public LookupFactory lookupFactory() {
    return as(ConnectorKind.LOOKUP, LookupFactory.class);
  }

  /** The factory of a sink connector. */
  public SinkFactory sinkFactory() {
    return as(ConnectorKind.SINK, SinkFactory.class);
  }

  private <T> T as(ConnectorKind expected, Class<T> type) {
    if (kind != expected) {
      throw new IllegalStateException(label() + " is a " + kind.label() + " connector, not a " + expected.label());
    }
    return type.cast(factory);
  }
}
