package io.laminar.runtime;

import java.io.IOException;
import java.util.Arrays;

/**
 * The watermark of an operator with several inputs: the minimum of the inputs' watermarks, reported
 * only when it advances. An input that has ended counts as {@link Long#MAX_VALUE}.
 */
public final class WatermarkCoalescer {
  /** Nothing seen yet. */
  public static final long NONE = Long.MIN_VALUE;
  private final long[] watermarks;
  private long current = NONE;

  /** A coalescer over {@code inputs} inputs. */
  public WatermarkCoalescer(int inputs) {
    if (inputs < 1) {
      throw new IllegalArgumentException("inputs must be >= 1");
    }
    watermarks = new long[inputs];
    Arrays.fill(watermarks, NONE);
  }

  /**
   * Records input {@code input}'s watermark (a lower value than before is ignored) and returns the
   * new combined watermark if it advanced, else {@link #NONE}.
   */
  public long update(int input, long watermark) {
    if (watermark <= watermarks[input]) {
      return NONE;
    }
    watermarks[input] = watermark;
    long min = Long.MAX_VALUE;
    for (long w : watermarks) {
      min = Math.min(min, w);
    }
    if (min > current) {
      current = min;
      return min;
    }
    return NONE;
  }

  /** The combined watermark so far. */
  public long current() {
    return current;
  }

  void writeState(StateWriter out) throws IOException {
    out.writeInt(watermarks.length);
    out.writeLongs(watermarks, watermarks.length);
    out.writeLong(current);
  }

  void readState(StateReader in) throws IOException {
    int n = in.readInt();
    if (n != watermarks.length) {
      throw new IOException("corrupt state: watermark coalescer of " + n + " inputs, expected " + watermarks.length);
    }
    in.readLongs(watermarks, n);
    current = in.readLong();
  }
}
