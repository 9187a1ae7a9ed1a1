package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.engine.Engine;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /ready follows the engine's lifecycle; /health stays answering through it. */
class ReadinessTest {
  @TempDir Path dir;

  @Test
  void readyFlipsTo503OnceShutdownBegins() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null)) {
      assertEquals(200, fx.get("/ready").statusCode());
      CompletableFuture<Engine.Outcome> stopping = CompletableFuture.supplyAsync(fx::stopEngine);
      // Shutdown begins synchronously with the state change; poll until the API sees it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      HttpResponse<String> r;
      do {
        r = fx.get("/ready");
      } while (r.statusCode() == 200 && System.nanoTime() < deadline);
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.body().startsWith("{\"ready\":false,\"components\":["), r.body());
      assertEquals(Engine.State.STOPPED, stopping.get(10, TimeUnit.SECONDS).state());
      HttpResponse<String> after = fx.get("/ready");
      assertEquals(503, after.statusCode(), "stays unready once stopped");
      assertTrue(after.body().contains("\"state\":\"STOPPED\""), after.body());
    }
  }

  @Test
  void healthStaysUpAndReportsTheStoppedState() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null)) {
      fx.stopEngine();
      HttpResponse<String> r = fx.get("/health");
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("\"status\":\"UP\""), r.body());
      assertTrue(r.body().contains("\"state\":\"STOPPED\""), r.body());
    }
  }

  @Test
  void aFailedPipelineLeavesTheServerUpButUnready() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null,
        toml -> toml.replace("password = ", "fail = true\npassword = "))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!fx.get("/health").body().contains("\"vaulted\":\"FAILED\"") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      HttpResponse<String> health = fx.get("/health");
      assertEquals(200, health.statusCode());
      assertTrue(health.body().contains("\"status\":\"UP\"") && health.body().contains("\"vaulted\":\"FAILED\"")
          && health.body().contains("\"cheap\":\"RUNNING\""), "the other pipelines run on: " + health.body());
      HttpResponse<String> ready = fx.get("/ready");
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("\"state\":\"FAILED\""), ready.body());
    }
  }

  @Test
  void anEngineStoppedByOnPipelineFailureExitIsDownAndUnready() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null,
        toml -> toml.replace("password = ", "fail = true\npassword = ")
            .replace("[state]\n", "[server]\non_pipeline_failure = \"exit\"\n\n[state]\n"))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (fx.engine.state() != Engine.State.FAILED && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      HttpResponse<String> health = fx.get("/health");
      assertEquals(200, health.statusCode(), "liveness answers even when the engine failed");
      assertTrue(health.body().contains("\"status\":\"DOWN\""), health.body());
      assertTrue(health.body().contains("\"state\":\"FAILED\""), health.body());
      HttpResponse<String> ready = fx.get("/ready");
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("\"state\":\"FAILED\""), ready.body());
    }
  }
}
