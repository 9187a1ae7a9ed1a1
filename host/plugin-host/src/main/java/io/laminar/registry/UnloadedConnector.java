package io.laminar.registry;

import io.laminar.api.ConnectorKind;
import java.util.Objects;

/**
 * A connector type that an installed plugin declares in its {@code plugin.provides} but that is not
 * in the registry because the plugin was not loaded (the configuration uses none of its types). It
 * only completes messages about unknown types, so they still list every installed type.
 */
public record UnloadedConnector(ConnectorKind kind, String type, String pluginId, String pluginVersion) {

  /** Checks the fields. */
  public UnloadedConnector {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(pluginId, "pluginId");
    Objects.requireNonNull(pluginVersion, "pluginVersion");
  }

  /** How messages name it: {@code "kafka (plugin kafka 0.1.0, not loaded)"}. */
  public String label() {
    return type + " (plugin " + pluginId + " " + pluginVersion + ", not loaded)";
  }
}
