package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WatermarkTest {
  @Test
  void coalescerReportsMinimumOnlyOnceEveryInputHasAWatermark() {
    WatermarkCoalescer c = new WatermarkCoalescer(2);
    assertEquals(WatermarkCoalescer.NONE, c.update(0, 100));
    assertEquals(50, c.update(1, 50));
    assertEquals(100, c.update(1, 200));
  }

  @Test
  void coalescerIgnoresWatermarksThatGoBackwards() {
    WatermarkCoalescer c = new WatermarkCoalescer(1);
    assertEquals(100, c.update(0, 100));
    assertEquals(WatermarkCoalescer.NONE, c.update(0, 90));
    assertEquals(100, c.current());
  }

  @Test
  void coalescerTreatsEndedInputAsInfinity() {
    WatermarkCoalescer c = new WatermarkCoalescer(2);
    c.update(0, Long.MAX_VALUE);
    assertEquals(70, c.update(1, 70));
    assertEquals(Long.MAX_VALUE, c.update(1, Long.MAX_VALUE));
  }

  @Test
  void trackerSubtractsDelayFromMaxEventTime() {
    WatermarkTracker t = new WatermarkTracker(Duration.ofSeconds(2));
    assertEquals(8_000, t.observe(10_000));
    assertEquals(8_000, t.observe(9_000));
    assertEquals(10_000, t.observe(12_000));
  }

  @Test
  void trackerKeepsSubMillisecondDelayConservatively() {
    WatermarkTracker t = new WatermarkTracker(Duration.ofNanos(1_500_000));
    assertEquals(998, t.observe(1_000));
  }

  @Test
  void anIdleInputIsLeftOutOfTheMinimumUntilItIsActiveAgain() {
    WatermarkCoalescer c = new WatermarkCoalescer(2);
    assertEquals(WatermarkCoalescer.NONE, c.update(0, 100));
    assertEquals(100, c.idle(1, true));
    assertEquals(200, c.update(0, 200));
    assertEquals(WatermarkCoalescer.NONE, c.idle(1, false));
    // back behind the combined watermark: it holds it until it catches up
    assertEquals(WatermarkCoalescer.NONE, c.update(1, 150));
    assertEquals(WatermarkCoalescer.NONE, c.update(0, 300));
    assertEquals(200, c.current());
    assertEquals(250, c.update(1, 250));
  }

  @Test
  void whileEveryInputIsIdleTheWatermarkStays() {
    WatermarkCoalescer c = new WatermarkCoalescer(2);
    c.update(0, 100);
    c.update(1, 50);
    c.idle(0, true);
    assertEquals(WatermarkCoalescer.NONE, c.idle(1, true));
    assertEquals(true, c.allIdle());
    assertEquals(50, c.current());
    assertEquals(100, c.idle(0, false));
  }
}
