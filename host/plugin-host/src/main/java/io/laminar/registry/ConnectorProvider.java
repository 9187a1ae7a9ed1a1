package io.laminar.registry;

import io.laminar.api.LookupFactory;
import io.laminar.api.SinkFactory;
import io.laminar.api.SourceFactory;
import java.util.List;
import java.util.Objects;

/**
 * A set of connector factories from one origin: the host's built-ins ({@code id = "builtin"}) or
 * one started plugin ({@code id} = the plugin id).
 */
public record ConnectorProvider(
    String id, String version, List<SourceFactory> sources, List<LookupFactory> lookups, List<SinkFactory> sinks) {

  /** The provider id of the host's built-in connectors. */
  public static final String BUILTIN = "builtin";

  /** Copies the lists. */
  public ConnectorProvider {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    sources = List.copyOf(sources);
    lookups = List.copyOf(lookups);
    sinks = List.copyOf(sinks);
  }

  /** Whether this is the host's built-in provider. */
  public boolean isBuiltin() {
    return BUILTIN.equals(id);
  }

  /** How messages name this provider: {@code "builtin"} or {@code "plugin kafka 0.1.0"}. */
  public String label() {
    return isBuiltin() ? BUILTIN : "plugin " + id + " " + version;
  }
}
