package io.laminar.config;

import java.util.Optional;

/**
 * A {@code connector = "type"} or {@code connector = "type@plugin-id"} value: the connector type
 * and, when two plugins provide the same type, the plugin the user picked.
 *
 * @param type connector type, e.g. {@code kafka}
 * @param pluginId the plugin that must provide it, if given
 * @param position where the value is written
 */
public record ConnectorRef(String type, Optional<String> pluginId, Position position) {
  /** The value as the user wrote it. */
  public String text() {
    return pluginId.map(p -> type + "@" + p).orElse(type);
  }
}
