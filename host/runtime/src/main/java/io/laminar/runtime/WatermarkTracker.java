package io.laminar.runtime;

import java.time.Duration;

/**
 * A source's watermark: the largest event time seen minus the allowed out-of-orderness, never
 * moving backwards. Event times are in the event-time column's units (epoch ms, or epoch µs for a
 * TIMESTAMP(6)); the watermark is always epoch milliseconds. The delay is kept in nanoseconds so
 * sub-unit parts are not lost; the watermark is rounded down to whole milliseconds (conservative:
 * never ahead of the exact value).
 */
public final class WatermarkTracker {
  private final long delayNanos;
  /** Event-time units per millisecond: 1, or 1000 for microseconds. */
  private final long units;
  private long maxEventTime = Long.MIN_VALUE;
  private long watermark = WatermarkCoalescer.NONE;

  /** A tracker of millisecond event times with the given maximum out-of-orderness. */
  public WatermarkTracker(Duration maxOutOfOrderness) {
    this(maxOutOfOrderness, 1);
  }

  /** A tracker of event times with {@code unitsPerMilli} units per millisecond (1 or 1000). */
  public WatermarkTracker(Duration maxOutOfOrderness, long unitsPerMilli) {
    if (unitsPerMilli != 1 && unitsPerMilli != 1000) {
      throw new IllegalArgumentException("event times are milliseconds or microseconds, not 1/" + unitsPerMilli
          + " ms");
    }
    this.delayNanos = maxOutOfOrderness.toNanos();
    this.units = unitsPerMilli;
  }

  /** Records an event time (in the tracker's units); returns the watermark (epoch ms) afterwards. */
  public long observe(long eventTime) {
    if (eventTime > maxEventTime) {
      maxEventTime = eventTime;
      long nanosPerUnit = 1_000_000L / units;
      long whole = delayNanos / nanosPerUnit;
      long rest = delayNanos % nanosPerUnit;
      long w = Math.floorDiv(eventTime - whole - (rest > 0 ? 1 : 0), units);
      watermark = Math.max(watermark, w);
    }
    return watermark;
  }

  /**
   * A watermark (epoch ms, or {@link WatermarkCoalescer#NONE} / {@link Long#MAX_VALUE}) in units of
   * {@code unitsPerMilli} per millisecond, for comparing with event times of those units; the
   * sentinels stay sentinels.
   */
  static long toUnits(long watermarkMillis, long unitsPerMilli) {
    if (unitsPerMilli == 1 || watermarkMillis == WatermarkCoalescer.NONE || watermarkMillis == Long.MAX_VALUE) {
      return watermarkMillis;
    }
    long high = Math.multiplyHigh(watermarkMillis, unitsPerMilli);
    long low = watermarkMillis * unitsPerMilli;
    return high == (low >> 63) ? low : watermarkMillis < 0 ? Long.MIN_VALUE + 1 : Long.MAX_VALUE - 1;
  }

  /** The current watermark, {@link WatermarkCoalescer#NONE} before the first event. */
  public long watermark() {
    return watermark;
  }
}
