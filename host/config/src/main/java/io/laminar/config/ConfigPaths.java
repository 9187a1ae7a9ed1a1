package io.laminar.config;

import java.nio.file.Path;

/**
 * Relative paths in a configuration mean "relative to the file that says so", as in Prometheus: a
 * server started from another working directory must find the same state, checkpoints, plugins and
 * data files. An overlay's paths resolve against the overlay's own directory; defaults (settings no
 * file sets) against the directory of the first file.
 */
public final class ConfigPaths {
  private ConfigPaths() {
  }

  /** {@code path} if absolute, else resolved against the directory of {@code configFile}; normalized. */
  public static Path resolve(Path configFile, Path path) {
    if (path.isAbsolute()) {
      return path.normalize();
    }
    return directoryOf(configFile).resolve(path).normalize();
  }

  /** The absolute directory holding {@code configFile}. */
  public static Path directoryOf(Path configFile) {
    Path parent = configFile.toAbsolutePath().normalize().getParent();
    return parent == null ? configFile.toAbsolutePath().getRoot() : parent;
  }
}
