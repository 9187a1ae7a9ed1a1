package io.laminar.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where plugins are looked for: {@code --plugins DIR}, else {@code $LAMINAR_PLUGINS}, else the
 * config's {@code [server] plugins_dir}, else {@code <install>/plugins} when started from an install.
 */
final class PluginsDirectory {
  private PluginsDirectory() {
  }

  static Optional<Path> resolve(Path option, Map<String, String> env, Optional<Path> fromConfig) {
    if (option != null) {
      return Optional.of(option);
    }
    String fromEnv = env.get("LAMINAR_PLUGINS");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(Path.of(fromEnv));
    }
    if (fromConfig.isPresent()) {
      return fromConfig;
    }
    String home = System.getProperty("laminar.home");
    return home == null ? Optional.empty() : Optional.of(Path.of(home, "plugins"));
  }
}
