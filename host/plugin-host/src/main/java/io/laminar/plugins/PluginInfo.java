package io.laminar.plugins;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code laminar plugins list} shows for one plugin.
 *
 * @param id the plugin id (the directory or file name when the descriptor could not be read)
 * @param version the plugin version, or {@code ""} if unknown
 * @param state started, failed, disabled or not needed
 * @param provides what the started plugin's extensions actually provide, as {@code "source:kafka"},
 *     sorted; for a {@link PluginState#NOT_NEEDED} plugin what its {@code plugin.provides} declares;
 *     empty otherwise
 * @param location the plugin directory, zip or jar
 * @param error why the plugin failed
 * @param description the plugin's {@code plugin.description}
 * @param requires the plugin's {@code plugin.requires} (API version range)
 * @param warnings problems that did not stop the plugin (bundled host classes, a
 *     {@code plugin.provides} that disagrees with the extensions)
 */
public record PluginInfo(
    String id,
    String version,
    PluginState state,
    List<String> provides,
    Path location,
    Optional<String> error,
    String description,
    String requires,
    List<String> warnings) {

  /** Copies the lists. */
  public PluginInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    provides = List.copyOf(provides);
    warnings = List.copyOf(warnings);
  }
}
