package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, binding and graceful closing. */
class HttpApiLifecycleTest {
  @TempDir Path dir;

  @Test
  void closeLetsAnInFlightRequestFinishThenRefusesConnections() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null)) {
      HttpApi slow = fx.startAnother(Optional.empty(), () -> {
        entered.countDown();
        assertTrue(release.await(20, TimeUnit.SECONDS), "the test never released the request");
        return new io.laminar.engine.CheckpointResult(7, 700, 1);
      });
      CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
        try {
          return fx.send(slow, "POST", "/api/v1/checkpoint", null);
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(entered.await(10, TimeUnit.SECONDS));
      CompletableFuture<Void> closing = CompletableFuture.runAsync(slow::close);
      // close() stops accepting at once, but waits for the request it is serving
      awaitRefused(fx, slow);
      assertFalse(closing.isDone(), "close returned while a request was in flight");
      release.countDown();
      HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"checkpoint_id\":7"), r.body());
      closing.get(10, TimeUnit.SECONDS);
    }
  }

  /** Waits until a new connection to {@code api} is refused. */
  private static void awaitRefused(LaminarFixture fx, HttpApi api) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        fx.send(api, "GET", "/health", null);
      } catch (IOException refused) {
        assertTrue(refused instanceof ConnectException || refused.getCause() instanceof ConnectException,
            refused.toString());
        return;
      }
      assertTrue(System.nanoTime() < deadline, "still accepting connections 10 s after close()");
      Thread.sleep(5); // poll interval, not a guess at timing
    }
  }

  @Test
  void closeDoesNotWaitForIdleKeepAliveConnections() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null)) {
      HttpApi other = fx.startAnother(Optional.empty(), null);
      assertEquals(200, fx.send(other, "GET", "/health", null).statusCode()); // leaves a pooled connection
      long t0 = System.nanoTime();
      other.close();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertTrue(took.toMillis() < HttpApi.STOP_TIMEOUT_MS, "close took " + took);
    }
  }

  @Test
  void portInUseIsAnIOExceptionNamingTheAddress() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null)) {
      int taken = fx.api.port();
      IOException e = assertThrows(IOException.class, () -> HttpApi.start(
          new ServerContext("v", java.time.Instant.now(), fx.engine, LaminarFixture.REGISTRY, java.util.List.of(),
              Optional.empty(), null, fx.allocator::getAllocatedMemory), "127.0.0.1", taken));
      assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken + ": "), e.getMessage());
    }
  }
}
