package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.engine.Engine;
import io.laminar.engine.EngineBuilder;
import io.laminar.engine.EngineMetrics;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real engine drops late rows of an out-of-order source; /api/v1/pipelines shows them per source. */
class LateRowsApiTest {
  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider(ConnectorProvider.BUILTIN, "0.1.0", List.of(new ShuffledSourceFactory()), List.of(),
          BuiltinConnectors.sinks()))).registry();

  @TempDir Path dir;

  @Test
  void pipelinesShowLateRowsPerSourceWithTheirLargestLateness() throws Exception {
    Path file = dir.resolve("late.toml");
    Files.writeString(file, """
        [checkpoint]
        path = "%s"
        interval = "1h"

        [[source]]
        name = "clicks"
        connector = "shuffled"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "0s"

        [[pipeline]]
        name = "per_second"
        sql = "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end"

        [[sink]]
        name = "out"
        pipeline = "per_second"
        connector = "blackhole"
        """.formatted(dir.resolve("checkpoints")));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    try (BufferAllocator allocator = new RootAllocator()) {
      EngineMetrics metrics = new EngineMetrics();
      EngineBuilder builder = new EngineBuilder(loaded.config(), REGISTRY, allocator, metrics);
      assertTrue(builder.construct().ok(), () -> builder.construct().errors().toString());
      Engine engine = new Engine(builder, allocator, metrics);
      engine.start();
      try (HttpApi api = HttpApi.start(new ServerContext("test", Instant.now(), engine, REGISTRY, List.of(),
          Optional.empty(), CheckpointTrigger.of(engine), allocator::getAllocatedMemory), "127.0.0.1", 0)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (engine.pipelines().get(0).lateRowsDropped() < 2) {
          assertTrue(System.nanoTime() < deadline, "the late rows were not dropped within 20 s");
          Thread.sleep(10); // polls the condition; the deadline bounds the wait
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + api.port() + "/api/v1/pipelines")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode pipeline = new ObjectMapper().readTree(r.body()).get(0);
        assertEquals(2, pipeline.path("late_rows_dropped").asLong(), r.body());
        assertEquals("{\"clicks\":{\"rows\":2,\"max_lateness_ms\":4000}}",
            pipeline.path("late_rows_by_source").toString(), r.body());
      } finally {
        assertEquals(Engine.State.STOPPED, engine.shutdown(Duration.ofSeconds(10)).state());
      }
    }
  }
}
