package io.laminar.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * What every reader shares while one configuration is loaded: the error sink, the environment, and
 * per file how tomlj's line numbers map back to the file (blank and comment lines are not parsed).
 */
record Reading(Problems problems, EnvSubstitution env, Map<Path, TriviaLines.Stripped> lineMaps) {
  /** {@code line} of tomlj's view of {@code file} as a line of the file itself. */
  int originalLine(Path file, int line) {
    TriviaLines.Stripped map = lineMaps.get(file);
    return map == null ? line : map.original(line);
  }
}
