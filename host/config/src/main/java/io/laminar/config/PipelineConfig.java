package io.laminar.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@code [[pipeline]]}: one continuous SQL query.
 *
 * @param name pipeline name
 * @param sql the query text, after {@code ${VAR}} substitution
 * @param sqlPosition where the first character of the SQL text is in the file
 * @param parallelism worker count for this pipeline, if it overrides {@code [server] workers}
 * @param emitInterval for a GROUP BY without a window: emit its changes this often, coalesced
 *     (absent = after every input batch)
 * @param stateTtl for a GROUP BY without a window: forget groups not updated for this long
 *     (absent = keep every group)
 * @param restart this pipeline's restart strategy, if it overrides {@code [server.restart]}
 * @param position where the {@code [[pipeline]]} starts
 * @param onError what a row whose expression fails at run time does ({@code on.error})
 * @param deadLetterPath where {@code on.error = "dead_letter"} writes bad rows (absolute; set exactly then)
 */
public record PipelineConfig(String name, String sql, Position sqlPosition, Optional<Integer> parallelism,
    Optional<Duration> emitInterval, Optional<Duration> stateTtl, Optional<RestartSettings> restart,
    Position position, RowErrorPolicy onError, Optional<Path> deadLetterPath) {
  /** A pipeline without a restart strategy of its own that fails on a bad row. */
  public PipelineConfig(String name, String sql, Position sqlPosition, Optional<Integer> parallelism,
      Optional<Duration> emitInterval, Optional<Duration> stateTtl, Position position) {
    this(name, sql, sqlPosition, parallelism, emitInterval, stateTtl, Optional.empty(), position, RowErrorPolicy.FAIL,
        Optional.empty());
  }

  /** A pipeline that fails on a bad row. */
  public PipelineConfig(String name, String sql, Position sqlPosition, Optional<Integer> parallelism,
      Optional<Duration> emitInterval, Optional<Duration> stateTtl, Optional<RestartSettings> restart,
      Position position) {
    this(name, sql, sqlPosition, parallelism, emitInterval, stateTtl, restart, position, RowErrorPolicy.FAIL,
        Optional.empty());
  }

  /** A pipeline without a restart strategy of its own. */
  public PipelineConfig(String name, String sql, Position sqlPosition, Optional<Integer> parallelism,
      Optional<Duration> emitInterval, Optional<Duration> stateTtl, Position position, RowErrorPolicy onError,
      Optional<Path> deadLetterPath) {
    this(name, sql, sqlPosition, parallelism, emitInterval, stateTtl, Optional.empty(), position, onError,
        deadLetterPath);
  }

  /**
   * Maps a 1-based position inside {@link #sql()} to the file: line 1 is offset by the column the SQL
   * starts at, later lines keep their column; in a basic string with escapes, through the escapes.
   */
  public Position positionInFile(int sqlLine, int sqlColumn) {
    Position throughEscapes = BasicStringPositions.map(sqlPosition, sqlLine, sqlColumn);
    if (throughEscapes != null) {
      return throughEscapes;
    }
    if (sqlLine <= 1) {
      return new Position(sqlPosition.file(), sqlPosition.line(), sqlPosition.column() + sqlColumn - 1);
    }
    return new Position(sqlPosition.file(), sqlPosition.line() + sqlLine - 1, sqlColumn);
  }
}
