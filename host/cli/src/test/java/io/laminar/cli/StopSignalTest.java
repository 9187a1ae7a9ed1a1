package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A signal cuts an interruptible step short, and the interrupt never reaches what runs after it. */
class StopSignalTest {

  @Test
  void aSignalInterruptsTheStepInProgressAndTheInterruptDoesNotOutliveIt() throws Exception {
    StopSignal stop = new StopSignal();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Void> signaller = CompletableFuture.runAsync(() -> {
      try {
        started.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      stop.signal();
    });
    String result = stop.interruptibly(() -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(); // a check whose system never answers
        return "answered";
      } catch (InterruptedException e) {
        return "interrupted";
      }
    });
    signaller.get(30, TimeUnit.SECONDS);
    assertEquals("interrupted", result);
    assertTrue(stop.received());
    assertFalse(Thread.currentThread().isInterrupted(), "the interrupt is cleared when the step ends");
  }

  @Test
  void aSignalBeforeTheStepMakesItReturnAtOnce() {
    StopSignal stop = new StopSignal();
    stop.signal();
    assertTrue(stop.interruptibly(() -> Thread.currentThread().isInterrupted()));
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void aSignalAfterTheStepLeavesTheThreadAlone() {
    StopSignal stop = new StopSignal();
    assertEquals("done", stop.interruptibly(() -> "done"));
    stop.signal();
    long first = stop.signalled().join();
    stop.signal(); // a second call changes nothing
    assertEquals(first, stop.signalled().join());
    assertFalse(Thread.currentThread().isInterrupted());
  }
}
