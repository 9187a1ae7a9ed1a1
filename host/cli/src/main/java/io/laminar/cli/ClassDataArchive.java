package io.laminar.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The class-data-sharing archive {@code bin/laminar} has the JVM write when a {@code run} ends: the
 * launcher keeps that archive for later starts only if this run got as far as a started engine (so the
 * archive holds the runtime's classes, not just those of a run that stopped at a configuration error).
 * It says so with a marker file, whose path it passes as {@value #COMPLETE_MARKER}.
 */
final class ClassDataArchive {
  static final String COMPLETE_MARKER = "laminar.cds.completeMarker";

  private ClassDataArchive() {
  }

  /** Called once the engine has started: writes the marker when the launcher asked for one. */
  static void engineStarted() {
    String marker = System.getProperty(COMPLETE_MARKER);
    if (marker == null || marker.isEmpty()) {
      return;
    }
    try {
      Files.write(Path.of(marker), new byte[0]);
    } catch (IOException | InvalidPathException e) {
      // only costs a later start the archive: the launcher then writes one again
      LoggerFactory.getLogger(ClassDataArchive.class).debug("class-data archive marker not written: {}", e.toString());
    }
  }
}
