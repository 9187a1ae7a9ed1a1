package io.laminar.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs connector calls that must not block the engine forever (a sink's {@code prepareCommit} and
 * {@code commit}, a source's {@code snapshotOffsets}) on threads of their own and waits for them
 * until a deadline. A call that does not return in time is abandoned, not interrupted (an interrupt
 * could leave the connector in a worse state than the restart that follows), and stays listed in
 * {@link #stuck()} until it returns, so a shutdown can name it.
 */
final class BoundedCalls implements AutoCloseable {
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "laminar-call-" + threads.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  private final Set<String> stuck = ConcurrentHashMap.newKeySet();

  /** A connector call that can throw a checked exception. */
  @FunctionalInterface
  interface Call<T> {
    T call() throws Exception;
  }

  /** The call did not return by its deadline. */
  static final class Timeout extends Exception {
    private static final long serialVersionUID = 1L;

    Timeout(String message) {
      super(message);
    }
  }

  /**
   * Runs {@code call} (named {@code label}, e.g. {@code sink 'out' prepareCommit(7)}) and returns
   * its result; throws what it threw, or {@link Timeout} once {@code deadlineNanos} passed.
   */
  <T> T call(String label, long deadlineNanos, Call<T> call) throws Exception {
    Callable<T> task = () -> {
      try {
        return call.call();
      } finally {
        stuck.remove(label);
      }
    };
    Future<T> future = pool.submit(task);
    try {
      return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (!future.isDone()) {
        stuck.add(label);
      }
      throw new Timeout(label + " did not return in time");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw (Error) cause;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  /**
   * Runs {@code body} once per element, all at once on threads of their own, and waits for them
   * all: each part of a checkpoint gets the whole deadline, so a region whose sink hangs does not
   * use up the others' time.
   */
  <T> void each(List<T> elements, java.util.function.Consumer<T> body) throws InterruptedException {
    if (elements.size() == 1) {
      body.accept(elements.get(0));
      return;
    }
    List<Future<?>> running = new java.util.ArrayList<>();
    for (T e : elements) {
      running.add(pool.submit(() -> body.accept(e)));
    }
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        throw (Error) cause;
      }
    }
  }

  /** Calls that timed out and have not returned since. */
  List<String> stuck() {
    return List.copyOf(stuck);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
