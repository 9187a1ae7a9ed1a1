package io.laminar.runtime;

import java.io.IOException;
import java.util.Arrays;

/**
 * The watermark of an operator with several inputs: the minimum of the inputs' watermarks, reported
 * only when it advances. An input that has ended counts as {@link Long#MAX_VALUE}. An input marked
 * idle ({@code [source.watermark] idle_timeout}) is left out of the minimum until it is active
 * again; while every input is idle the watermark stays where it is. The combined watermark never
 * moves back: an input that returns behind it holds it until it catches up (its rows behind it are
 * late). Idleness is not part of the state: after a restore every input is active.
 */
public final class WatermarkCoalescer {
  /** Nothing seen yet. */
  public static final long NONE = Long.MIN_VALUE;
  private final long[] watermarks;
  private final boolean[] idle;
  private int idleInputs;
  private long current = NONE;

  /** A coalescer over {@code inputs} inputs. */
  public WatermarkCoalescer(int inputs) {
    if (inputs < 1) {
      throw new IllegalArgumentException("inputs must be >= 1");
    }
    watermarks = new long[inputs];
    idle = new boolean[inputs];
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
    return advance();
  }

  /**
   * Marks input {@code input} idle (left out of the minimum) or active again; returns the new
   * combined watermark if that advanced it, else {@link #NONE}.
   */
  public long idle(int input, boolean isIdle) {
    if (idle[input] == isIdle) {
      return NONE;
    }
    idle[input] = isIdle;
    idleInputs += isIdle ? 1 : -1;
    return advance();
  }

  /** Whether every input is idle. */
  public boolean allIdle() {
    return idleInputs == idle.length;
  }

  private long advance() {
    if (idleInputs == idle.length) {
      return NONE;
    }
    long min = Long.MAX_VALUE;
    for (int i = 0; i < watermarks.length; i++) {
      if (!idle[i]) {
        min = Math.min(min, watermarks[i]);
      }
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

  /**
   * Combines another worker's coalescer of the same inputs into this fresh one on a restore
   * ({@code first}: nothing combined yet): each input's watermark is the minimum of the two.
   */
  void absorb(WatermarkCoalescer other, boolean first) {
    for (int i = 0; i < watermarks.length; i++) {
      watermarks[i] = first ? other.watermarks[i] : Math.min(watermarks[i], other.watermarks[i]);
    }
    current = first ? other.current : Math.min(current, other.current);
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
