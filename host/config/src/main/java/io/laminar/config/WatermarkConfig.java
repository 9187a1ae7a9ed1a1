package io.laminar.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A source's {@code [source.watermark]}: which TIMESTAMP column carries event time and how late
 * rows may arrive. The watermark is the maximum event time seen minus {@code maxOutOfOrderness}.
 *
 * @param column the event-time column (a TIMESTAMP column of the schema)
 * @param maxOutOfOrderness allowed lateness (default 0)
 * @param position where the column name is written
 * @param idleTimeout after producing nothing for this long (processing time) the source stops
 *     holding back the watermark of a UNION it feeds, until it produces again (absent = never)
 */
public record WatermarkConfig(String column, Duration maxOutOfOrderness, Position position,
    Optional<Duration> idleTimeout) {
  /** A watermark without an idle timeout. */
  public WatermarkConfig(String column, Duration maxOutOfOrderness, Position position) {
    this(column, maxOutOfOrderness, position, Optional.empty());
  }
}
