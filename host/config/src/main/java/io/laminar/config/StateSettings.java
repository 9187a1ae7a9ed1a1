package io.laminar.config;

import java.nio.file.Path;

/**
 * The {@code [state]} section.
 *
 * @param path directory for operator state (default {@code ./data/state})
 */
public record StateSettings(Path path) {
  /** Default state directory. */
  public static final Path DEFAULT_PATH = Path.of("./data/state");

  /** Settings used when the file has no {@code [state]} section. */
  public static StateSettings defaults() {
    return new StateSettings(DEFAULT_PATH);
  }
}
