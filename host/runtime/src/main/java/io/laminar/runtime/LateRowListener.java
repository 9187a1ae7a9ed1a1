package io.laminar.runtime;

/**
 * Told, once per source batch, about the rows of that batch dropped as late. A row's lateness is how
 * far the watermark had already passed the point at which its window closed (the window's end, or a
 * session's last time plus the gap): a watermark delay larger by more than that would have kept it.
 * Called on the executor's thread.
 */
@FunctionalInterface
public interface LateRowListener {
  /**
   * @param source the source whose batch held the rows
   * @param rows rows dropped (> 0)
   * @param maxLatenessMillis the largest lateness among them
   * @param totalLatenessMillis the sum of their latenesses, for an average
   */
  void onLateRows(String source, long rows, long maxLatenessMillis, long totalLatenessMillis);
}
