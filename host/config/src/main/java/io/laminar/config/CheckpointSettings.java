package io.laminar.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code [checkpoint]} section.
 *
 * @param dir checkpoint directory, from {@code url = "file:///…"} or {@code path = "…"}
 *     (default {@code ./data/checkpoints})
 * @param interval time between checkpoints (default 10s)
 * @param retain how many completed checkpoints to keep (default 3, at least 1)
 */
public record CheckpointSettings(Path dir, Duration interval, int retain) {
  /** Default checkpoint directory. */
  public static final Path DEFAULT_DIR = Path.of("./data/checkpoints");
  /** Default checkpoint interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  /** The shortest interval accepted: below a millisecond the engine's scheduler cannot keep up. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(1);
  /** Default number of checkpoints kept. */
  public static final int DEFAULT_RETAIN = 3;

  /** Settings used when the file has no {@code [checkpoint]} section. */
  public static CheckpointSettings defaults() {
    return new CheckpointSettings(DEFAULT_DIR, DEFAULT_INTERVAL, DEFAULT_RETAIN);
  }
}
