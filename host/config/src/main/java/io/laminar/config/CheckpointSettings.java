package io.laminar.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code [checkpoint]} section.
 *
 * @param dir checkpoint directory, from {@code url = "file:///…"} or {@code path = "…"}
 *     (default {@code <[state] path>/<[server] name>}, so that configs with other server names
 *     never share checkpoints; the store keeps them in its {@code checkpoints/} child)
 * @param interval time between checkpoints (default 10s)
 * @param retain how many completed checkpoints to keep (default 3, at least 1)
 * @param timeout how long one checkpoint (and each connector call in it: a source's
 *     {@code snapshotOffsets}, a sink's {@code prepareCommit} and {@code commit}) may take before it
 *     is abandoned and the pipelines it waits on are restarted (default 10 min)
 */
public record CheckpointSettings(Path dir, Duration interval, int retain, Duration timeout) {
  /** Default checkpoint directory, for the default state path and server name. */
  public static final Path DEFAULT_DIR = defaultDir(StateSettings.DEFAULT_PATH, ServerSettings.DEFAULT_NAME);
  /** Default checkpoint interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  /** The shortest interval accepted: below a millisecond the engine's scheduler cannot keep up. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(1);
  /** Default number of checkpoints kept. */
  public static final int DEFAULT_RETAIN = 3;
  /** Default checkpoint timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  /** Settings with the default timeout. */
  public CheckpointSettings(Path dir, Duration interval, int retain) {
    this(dir, interval, retain, DEFAULT_TIMEOUT);
  }

  /**
   * Where checkpoints go when {@code [checkpoint]} names no location: under the state directory,
   * in a directory named after the server (characters unsafe in a file name become {@code _}).
   */
  public static Path defaultDir(Path stateDir, String serverName) {
    String safe = serverName.replaceAll("[^A-Za-z0-9._-]", "_");
    return stateDir.resolve(safe.equals(".") || safe.equals("..") ? "_" : safe);
  }

  /** Settings used when the file has no {@code [checkpoint]} section. */
  public static CheckpointSettings defaults() {
    return new CheckpointSettings(DEFAULT_DIR, DEFAULT_INTERVAL, DEFAULT_RETAIN);
  }
}
