package io.laminar.runtime;

import java.time.Duration;

/**
 * A source's watermark: the largest event time seen minus the allowed out-of-orderness, never
 * moving backwards. The delay is kept in nanoseconds so sub-millisecond parts are not lost; the
 * watermark is rounded down to whole milliseconds (conservative: never ahead of the exact value).
 */
public final class WatermarkTracker {
  private final long delayNanos;
  private long maxEventTime = Long.MIN_VALUE;
  private long watermark = WatermarkCoalescer.NONE;

  /** A tracker with the given maximum out-of-orderness. */
  public WatermarkTracker(Duration maxOutOfOrderness) {
    this.delayNanos = maxOutOfOrderness.toNanos();
  }

  /** Records an event time (epoch ms); returns the watermark afterwards. */
  public long observe(long eventTimeMillis) {
    if (eventTimeMillis > maxEventTime) {
      maxEventTime = eventTimeMillis;
      long wholeMillis = delayNanos / 1_000_000L;
      long rest = delayNanos % 1_000_000L;
      long w = eventTimeMillis - wholeMillis - (rest > 0 ? 1 : 0);
      watermark = Math.max(watermark, w);
    }
    return watermark;
  }

  /** The current watermark, {@link WatermarkCoalescer#NONE} before the first event. */
  public long watermark() {
    return watermark;
  }
}
