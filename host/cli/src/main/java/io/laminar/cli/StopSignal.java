package io.laminar.cli;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The first SIGTERM/SIGINT of a {@code run}, listened for from before the preparation starts, so a
 * signal in any phase stops the process in order rather than by the JVM's default action (exit 143).
 * The preparation looks at it at its safe points and abandons the start once it is set; a step that
 * only waits for other systems (the connectivity checks) runs {@link #interruptibly} so a slow broker
 * does not delay the stop. Once the engine has started, its graceful shutdown is chained on
 * {@link #signalled()}.
 */
final class StopSignal {
  private final CompletableFuture<Long> signalled = new CompletableFuture<>();
  private Thread waiting; // guarded by this: the thread inside interruptibly()
  private boolean interruptedWaiting; // guarded by this

  /** Records the signal (first call only counts) and interrupts a wait in progress. */
  synchronized void signal() {
    signalled.complete(System.nanoTime());
    if (waiting != null && !interruptedWaiting) {
      interruptedWaiting = true;
      waiting.interrupt();
    }
  }

  /** Whether a signal asked to stop. */
  boolean received() {
    return signalled.isDone();
  }

  /** Completes with {@link System#nanoTime()} of the signal. */
  CompletableFuture<Long> signalled() {
    return signalled;
  }

  /**
   * Runs {@code step}, which a signal cuts short by interrupting this thread. The interrupt does not
   * outlive the step: later phases (closing connectors, writing files) must not see it.
   */
  <T> T interruptibly(Supplier<T> step) {
    synchronized (this) {
      waiting = Thread.currentThread();
      if (received() && !interruptedWaiting) {
        interruptedWaiting = true;
        waiting.interrupt(); // signalled just before: the step returns at once
      }
    }
    try {
      return step.get();
    } finally {
      synchronized (this) {
        waiting = null;
        if (interruptedWaiting) {
          Thread.interrupted();
          interruptedWaiting = false;
        }
      }
    }
  }
}
