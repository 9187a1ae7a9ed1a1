package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/v1/checkpoint wired to the real engine's checkpoint coordinator. */
class EngineCheckpointTest {
  @TempDir Path dir;

  @Test
  void checkpointOfARunningEngineIsWrittenAndReported() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null);
        HttpApi api = fx.startAnother(Optional.empty(), CheckpointTrigger.of(fx.engine))) {
      fx.awaitRows();
      HttpResponse<String> r = fx.send(api, "POST", "/api/v1/checkpoint", null);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode body = new ObjectMapper().readTree(r.body());
      assertTrue(body.path("checkpoint_id").asLong() >= 1, r.body());
      assertTrue(body.path("duration_ms").asLong() >= 0, r.body());
      assertTrue(body.path("size_bytes").asLong() > 0, r.body());
      try (var files = Files.list(dir.resolve("checkpoints"))) {
        assertTrue(files.findAny().isPresent(), "nothing written under " + dir.resolve("checkpoints"));
      }
    }
  }

  @Test
  void aFloodOfCheckpointRequestsIsAnsweredAt200Or409AndHealthKeepsAnswering() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null);
        HttpApi api = fx.startAnother(Optional.empty(), CheckpointTrigger.of(fx.engine))) {
      fx.awaitRows();
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> posts = new java.util.ArrayList<>();
      for (int i = 0; i < 64; i++) {
        posts.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(LaminarFixture.uri(api, "/api/v1/checkpoint"))
            .timeout(Duration.ofSeconds(30)).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      // while the requests are in flight, liveness answers (each request times out after 10 s)
      for (int i = 0; i < 20; i++) {
        assertEquals(200, fx.send(api, "GET", "/health", null).statusCode());
      }
      java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
      for (var f : posts) {
        statuses.merge(f.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
      }
      assertTrue(statuses.keySet().stream().allMatch(s -> s == 200 || s == 409), statuses.toString());
      assertTrue(statuses.getOrDefault(200, 0) >= 1, statuses.toString());
    }
  }

  @Test
  void checkpointOfAStoppedEngineIs503() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null);
        HttpApi api = fx.startAnother(Optional.empty(), CheckpointTrigger.of(fx.engine))) {
      fx.stopEngine();
      HttpResponse<String> r = fx.send(api, "POST", "/api/v1/checkpoint", null);
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"error\":\"checkpoints_unavailable\""), r.body());
      assertTrue(r.body().contains("stopped"), r.body());
    }
  }
}
