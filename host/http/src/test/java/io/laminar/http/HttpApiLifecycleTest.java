package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null)) {
      HttpApi slow = fx.startAnother(Optional.empty(), () -> {
        entered.countDown();
        Thread.sleep(700);
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
      long t0 = System.nanoTime();
      slow.close();
      long closeMs = (System.nanoTime() - t0) / 1_000_000;
      HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"checkpoint_id\":7"), r.body());
      assertTrue(closeMs >= 300, "close returned before the request finished: " + closeMs + " ms");
      IOException refused = assertThrows(IOException.class, () -> fx.send(slow, "GET", "/health", null));
      assertTrue(refused instanceof ConnectException || refused.getCause() instanceof ConnectException,
          refused.toString());
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
