package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LateRowWarningsTest {
  private long now = TimeUnit.HOURS.toNanos(5);
  private final List<String> logged = new ArrayList<>();
  private final LateRowWarnings warnings = new LateRowWarnings("vwap", Duration.ofSeconds(10), () -> now, logged::add);

  private void advance(long millis) {
    now += TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void theFirstDropIsLoggedAtOnceWithCountSourceAndLateness() {
    warnings.onLateRows("trades", 3, 4500, 6000);
    assertEquals(List.of("pipeline 'vwap' dropped 3 late rows of source 'trades' so far: the watermark had passed "
        + "the end of their window by up to 4.5 s (2.0 s on average). A larger max_out_of_orderness in "
        + "[source.watermark] keeps such rows; totals per source are in /api/v1/pipelines."), logged);
  }

  @Test
  void laterDropsAreAddedUpAndLoggedAtMostOncePerIntervalPerSource() {
    warnings.onLateRows("trades", 1, 100, 100);
    for (int i = 0; i < 99; i++) {
      advance(100); // 99 drops over 9.9 s: no second warning yet
      warnings.onLateRows("trades", 2, 300 + i, 400);
    }
    assertEquals(1, logged.size(), logged.toString());
    advance(100); // 10 s after the first warning
    warnings.onLateRows("trades", 2, 50, 60);
    assertEquals(2, logged.size(), logged.toString());
    assertEquals("pipeline 'vwap' dropped 200 late rows of source 'trades' in the last 10.0 s: the watermark had "
        + "passed the end of their window by up to 398 ms (198 ms on average). A larger max_out_of_orderness in "
        + "[source.watermark] keeps such rows; totals per source are in /api/v1/pipelines.", logged.get(1));
  }

  @Test
  void eachSourceHasItsOwnInterval() {
    warnings.onLateRows("trades", 1, 10, 10);
    warnings.onLateRows("quotes", 1, 10, 10);
    warnings.onLateRows("trades", 1, 10, 10);
    assertEquals(2, logged.size(), logged.toString());
    assertEquals(List.of(true, true), List.of(logged.get(0).contains("'trades'"), logged.get(1).contains("'quotes'")));
  }

  @Test
  void flushLogsWhatWasDroppedSinceTheLastWarningAndNothingWhenNothingWas() {
    warnings.onLateRows("trades", 1, 10, 10);
    advance(2_000);
    warnings.onLateRows("trades", 5, 2_000, 5_000);
    warnings.flush();
    assertEquals(2, logged.size(), logged.toString());
    assertEquals(true, logged.get(1).startsWith("pipeline 'vwap' dropped 5 late rows of source 'trades' in the last "
        + "2.0 s"), logged.get(1));
    warnings.flush();
    assertEquals(2, logged.size(), "nothing new to report");
  }
}
