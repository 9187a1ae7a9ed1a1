package io.laminar.config;

import java.time.Duration;

/**
 * A source's {@code [source.watermark]}: which TIMESTAMP column carries event time and how late
 * rows may arrive. The watermark is the maximum event time seen minus {@code maxOutOfOrderness}.
 *
 * @param column the event-time column (a TIMESTAMP column of the schema)
 * @param maxOutOfOrderness allowed lateness (default 0)
 * @param position where the column name is written
 */
public record WatermarkConfig(String column, Duration maxOutOfOrderness, Position position) {
}
