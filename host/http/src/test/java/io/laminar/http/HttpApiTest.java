package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint and status code over real HTTP, against a running engine, without auth. */
class HttpApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong CHECKPOINTS = new AtomicLong();

  @TempDir static Path dir;
  private static LaminarFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = LaminarFixture.start(dir, Optional.empty(),
        () -> new io.laminar.engine.CheckpointResult(CHECKPOINTS.incrementAndGet(), 12, 4096));
    fx.awaitRows();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""), r.body());
    return JSON.readTree(r.body());
  }

  private static void assertError(HttpResponse<String> r, int status, String error) throws IOException {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode body = json(r);
    assertEquals(error, body.path("error").asText(), r.body());
    assertFalse(body.path("message").asText().isEmpty(), r.body());
    assertEquals(2, body.size(), "only error and message: " + r.body());
  }

  @Test
  void healthIsUpWithVersionUptimeAndPipelineStates() throws Exception {
    HttpResponse<String> r = fx.get("/health");
    assertEquals(200, r.statusCode());
    JsonNode body = json(r);
    assertEquals("UP", body.path("status").asText());
    assertEquals("9.9.9-test", body.path("version").asText());
    assertTrue(body.path("uptime_ms").asLong() >= 5000, r.body());
    assertEquals("RUNNING", body.path("pipelines").path("cheap").asText(), r.body());
    assertEquals(List.of("cheap", "enriched", "vaulted"), fieldNames(body.path("pipelines")));
  }

  @Test
  void readyIs200WithEveryComponent() throws Exception {
    HttpResponse<String> r = fx.get("/ready");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = json(r);
    assertTrue(body.path("ready").asBoolean());
    List<String> components = new ArrayList<>();
    body.path("components").forEach(c -> components.add(c.path("kind").asText() + ":" + c.path("name").asText()
        + ":" + c.path("connector").asText() + ":" + c.path("state").asText()));
    assertTrue(components.contains("source:trades:generator:RUNNING"), components.toString());
    assertTrue(components.contains("lookup:names:csv:RUNNING"), components.toString());
    assertTrue(components.contains("pipeline:cheap::RUNNING"), components.toString());
    assertTrue(components.contains("sink:cheap_out:blackhole:RUNNING"), components.toString());
  }

  @Test
  void pipelinesListsEveryPipelineInConfigOrder() throws Exception {
    JsonNode body = json(fx.get("/api/v1/pipelines"));
    List<String> names = new ArrayList<>();
    body.forEach(p -> names.add(p.path("name").asText()));
    assertEquals(List.of("cheap", "enriched", "vaulted"), names);
  }

  @Test
  void pipelineDetailHasStateSqlTopologyCountersAndIsoWatermark() throws Exception {
    HttpResponse<String> r = fx.get("/api/v1/pipelines/enriched");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode p = json(r);
    assertEquals("enriched", p.path("name").asText());
    assertEquals("RUNNING", p.path("state").asText());
    assertTrue(p.path("sql").asText().contains("JOIN names"), r.body());
    assertEquals("[\"trades\"]", p.path("sources").toString());
    assertEquals("[\"names\"]", p.path("lookups").toString());
    assertEquals("[\"enriched_out\"]", p.path("sinks").toString());
    assertTrue(p.path("rows_in").asLong() > 0, r.body());
    assertTrue(p.has("rows_out") && p.has("late_rows_dropped"), r.body());
    assertEquals("fail", p.path("on_error").asText(), r.body());
    assertEquals(0, p.path("row_errors").asLong(-1), r.body());
    // the generator's event time starts at 2026-01-01; the watermark follows it
    Instant watermark = Instant.parse(p.path("watermark").asText());
    assertTrue(watermark.isAfter(Instant.parse("2025-12-31T23:59:59Z")), r.body());
  }

  @Test
  void watermarkIsNullBeforeTheFirstEvent() throws Exception {
    JsonNode p = json(fx.get("/api/v1/pipelines/vaulted"));
    assertTrue(p.path("watermark").isNull(), p.toString());
  }

  @Test
  void unknownPipelineIs404WithDidYouMean() throws Exception {
    HttpResponse<String> r = fx.get("/api/v1/pipelines/chep");
    assertError(r, 404, "pipeline_not_found");
    assertEquals("No pipeline 'chep'. Did you mean 'cheap'? Pipelines: cheap, enriched, vaulted",
        json(r).path("message").asText());
    assertError(fx.get("/api/v1/pipelines/chep/explain"), 404, "pipeline_not_found");
  }

  @Test
  void explainIsThePhysicalPlanAsPlainText() throws Exception {
    HttpResponse<String> r = fx.get("/api/v1/pipelines/cheap/explain");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
    String expected = fx.engine.pipelines().stream().filter(p -> p.name().equals("cheap")).findFirst()
        .orElseThrow().explain();
    assertEquals(expected.strip(), r.body().strip());
    assertFalse(r.body().isBlank());
  }

  @Test
  void sourcesShowConnectorProviderStateAndProperties() throws Exception {
    JsonNode body = json(fx.get("/api/v1/sources"));
    assertEquals(2, body.size(), body.toString());
    JsonNode trades = body.get(0);
    assertEquals("trades", trades.path("name").asText());
    assertEquals("generator", trades.path("connector").asText());
    assertEquals("builtin", trades.path("provider").asText());
    assertEquals("RUNNING", trades.path("state").asText());
    assertEquals(5000, trades.path("properties").path("rows_per_second").asLong(), trades.toString());
    assertEquals("A,B,C,D", trades.path("properties").path("fields.symbol.values").asText());
    assertFalse(trades.has("pipeline"), "only sinks name a pipeline");
  }

  @Test
  void passwordPropertiesAreRedactedInSources() throws Exception {
    HttpResponse<String> r = fx.get("/api/v1/sources");
    JsonNode vault = json(r).get(1);
    assertEquals("vault", vault.path("connector").asText());
    assertEquals("vault-plugin", vault.path("provider").asText());
    JsonNode props = vault.path("properties");
    assertEquals("****", props.path("password").asText(), props.toString());
    assertEquals("****", props.path("api_key").asText(), "defaulted secrets too: " + props);
    assertEquals("****", props.path("extra.auth_token").asText(), "credential-like pass-through keys: " + props);
    assertEquals("****", props.path("extra.ssl.keystore.key").asText(), "every ssl/sasl pass-through key: " + props);
    assertEquals("blue", props.path("extra.color").asText());
    assertEquals("redis://app:****@cache:6379/0", props.path("extra.url").asText(), "a URL's password: " + props);
    assertFalse(r.body().contains("url-password-1"), r.body());
    assertEquals("eu-west", props.path("region").asText());
    assertFalse(r.body().contains(LaminarFixture.VAULT_PASSWORD), r.body());
    assertFalse(r.body().contains(LaminarFixture.VAULT_EXTRA_TOKEN), r.body());
    assertFalse(r.body().contains(LaminarFixture.VAULT_PEM_KEY), r.body());
    assertFalse(r.body().contains("default-api-key-value"), r.body());
  }

  @Test
  void lookupsShowTheCsvLookup() throws Exception {
    JsonNode body = json(fx.get("/api/v1/lookups"));
    assertEquals(1, body.size());
    assertEquals("names", body.get(0).path("name").asText());
    assertEquals("csv", body.get(0).path("connector").asText());
    assertEquals("RUNNING", body.get(0).path("state").asText());
    assertTrue(body.get(0).path("properties").path("path").asText().endsWith("names.csv"));
  }

  @Test
  void sinksNameTheirPipeline() throws Exception {
    JsonNode body = json(fx.get("/api/v1/sinks"));
    List<String> sinks = new ArrayList<>();
    body.forEach(s -> sinks.add(s.path("name").asText() + "<-" + s.path("pipeline").asText() + ":"
        + s.path("connector").asText() + ":" + s.path("state").asText()));
    assertEquals(List.of("cheap_out<-cheap:blackhole:RUNNING", "enriched_out<-enriched:blackhole:RUNNING",
        "vaulted_out<-vaulted:blackhole:RUNNING"), sinks);
  }

  @Test
  void connectorsListEveryTypeWithPropertySpecs() throws Exception {
    JsonNode body = json(fx.get("/api/v1/connectors"));
    List<String> types = new ArrayList<>();
    body.forEach(c -> types.add(c.path("kind").asText() + ":" + c.path("type").asText() + "@"
        + c.path("provider").asText()));
    assertEquals(List.of("source:generator@builtin", "source:vault@vault-plugin", "lookup:csv@builtin",
        "sink:blackhole@builtin", "sink:stdout@builtin"), types);
    JsonNode csv = body.get(2);
    JsonNode header = property(csv, "header");
    assertEquals("BOOLEAN", header.path("type").asText());
    assertFalse(header.path("required").asBoolean());
    assertEquals("true", header.path("default").asText());
    assertTrue(header.path("allowed_values").isArray());
    assertFalse(header.path("doc").asText().isEmpty());
    assertTrue(property(csv, "path").path("required").asBoolean());
    assertTrue(property(csv, "path").path("default").isNull());
  }

  @Test
  void passwordDefaultsAreRedactedInConnectors() throws Exception {
    HttpResponse<String> r = fx.get("/api/v1/connectors");
    JsonNode vault = json(r).get(1);
    assertEquals("PASSWORD", property(vault, "api_key").path("type").asText());
    assertEquals("****", property(vault, "api_key").path("default").asText());
    assertEquals("eu-west", property(vault, "region").path("default").asText());
    assertFalse(r.body().contains("default-api-key-value"), r.body());
  }

  @Test
  void pluginsHaveTheCliJsonShape() throws Exception {
    JsonNode body = json(fx.get("/api/v1/plugins"));
    assertEquals(3, body.size(), body.toString());
    JsonNode builtin = body.get(0);
    assertEquals(List.of("id", "version", "state", "provides", "location", "error"), fieldNames(builtin));
    assertEquals("builtin", builtin.path("id").asText());
    assertEquals("STARTED", builtin.path("state").asText());
    assertEquals("[\"source:generator\",\"lookup:csv\",\"sink:blackhole\",\"sink:stdout\"]",
        builtin.path("provides").toString());
    assertEquals("(built in)", builtin.path("location").asText());
    assertTrue(builtin.path("error").isNull());
    JsonNode vault = body.get(1);
    assertEquals("vault-plugin", vault.path("id").asText());
    assertEquals("1.2.3", vault.path("version").asText());
    assertEquals("[\"source:vault\"]", vault.path("provides").toString());
    assertEquals("/opt/laminar/plugins/vault-plugin", vault.path("location").asText());
    JsonNode broken = body.get(2);
    assertEquals("FAILED", broken.path("state").asText());
    assertEquals("cannot read plugin.properties", broken.path("error").asText());
  }

  @Test
  void checkpointReturnsIdDurationAndSize() throws Exception {
    HttpResponse<String> r = fx.send("POST", "/api/v1/checkpoint", null);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = json(r);
    assertTrue(body.path("checkpoint_id").asLong() >= 1, r.body());
    assertEquals(12, body.path("duration_ms").asLong());
    assertEquals(4096, body.path("size_bytes").asLong());
  }

  @Test
  void checkpointAcceptsAnEmptyJsonObject() throws Exception {
    assertEquals(200, fx.send("POST", "/api/v1/checkpoint", "{}", "Content-Type", "application/json").statusCode());
  }

  @Test
  void checkpointWithUnknownOptionIs400() throws Exception {
    HttpResponse<String> r = fx.send("POST", "/api/v1/checkpoint", "{\"force\": true}");
    assertError(r, 400, "bad_request");
    assertTrue(json(r).path("message").asText().contains("unknown field 'force'"), r.body());
  }

  @Test
  void checkpointWithMalformedJsonIs400WithPosition() throws Exception {
    HttpResponse<String> r = fx.send("POST", "/api/v1/checkpoint", "{\n  nope");
    assertError(r, 400, "bad_request");
    assertTrue(json(r).path("message").asText().contains("line 2"), r.body());
  }

  @Test
  void checkpointWithoutTriggerIs503() throws Exception {
    try (HttpApi other = fx.startAnother(Optional.empty(), null)) {
      HttpResponse<String> r = fx.send(other, "POST", "/api/v1/checkpoint", null);
      assertError(r, 503, "checkpoints_unavailable");
    }
  }

  @Test
  void checkpointRefusedByTheEngineIs503WithItsMessage() throws Exception {
    try (HttpApi other = fx.startAnother(Optional.empty(), () -> {
      throw new IllegalStateException("the engine is stopping; checkpoints are taken only while it runs");
    })) {
      HttpResponse<String> r = fx.send(other, "POST", "/api/v1/checkpoint", null);
      assertError(r, 503, "checkpoints_unavailable");
      assertTrue(r.body().contains("the engine is stopping"), r.body());
    }
  }

  @Test
  void checkpointWhileAnotherRunsIs409AtOnce() throws Exception {
    try (HttpApi other = fx.startAnother(Optional.empty(), () -> {
      throw new io.laminar.engine.Engine.CheckpointInProgress();
    })) {
      HttpResponse<String> r = fx.send(other, "POST", "/api/v1/checkpoint", null);
      assertError(r, 409, "checkpoint_in_progress");
      assertTrue(r.body().contains("already in progress"), r.body());
    }
  }

  @Test
  void pipelinesShowRestartsAndLastError() throws Exception {
    JsonNode p = json(fx.get("/api/v1/pipelines")).get(0);
    assertEquals(0, p.path("restarts").asLong(-1), p.toString());
    assertTrue(p.has("last_error") && p.get("last_error").isNull(), p.toString());
  }

  @Test
  void failedCheckpointIs500WithMessageButNoStackTrace() throws Exception {
    try (HttpApi other = fx.startAnother(Optional.empty(), () -> {
      throw new IOException("disk full");
    })) {
      HttpResponse<String> r = fx.send(other, "POST", "/api/v1/checkpoint", null);
      assertError(r, 500, "checkpoint_failed");
      assertEquals("the checkpoint failed: disk full", json(r).path("message").asText());
      assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
    }
  }

  @Test
  void unknownPathIs404WithDidYouMean() throws Exception {
    HttpResponse<String> r = fx.get("/api/v1/pipeline");
    assertError(r, 404, "not_found");
    assertEquals("No endpoint /api/v1/pipeline. Did you mean '/api/v1/pipelines'?", json(r).path("message").asText());
    assertError(fx.get("/nothing/here/at/all"), 404, "not_found");
  }

  @Test
  void wrongMethodIs405WithAllowHeader() throws Exception {
    HttpResponse<String> post = fx.send("POST", "/health", "");
    assertError(post, 405, "method_not_allowed");
    assertEquals("GET, HEAD", post.headers().firstValue("allow").orElse(""));
    HttpResponse<String> delete = fx.send("DELETE", "/api/v1/checkpoint", null);
    assertError(delete, 405, "method_not_allowed");
    assertEquals("GET, HEAD, POST", delete.headers().firstValue("allow").orElse(""));
    assertEquals("GET, HEAD", fx.send("DELETE", "/api/v1/pipelines/cheap", null).headers().firstValue("allow")
        .orElse(""));
  }

  @Test
  void headHasTheHeadersOfGetAndNoBody() throws Exception {
    HttpResponse<String> head = fx.send("HEAD", "/health", null);
    assertEquals(200, head.statusCode());
    assertEquals("application/json", head.headers().firstValue("content-type").orElse(""));
    assertEquals("", head.body());
  }

  @Test
  void trailingSlashIsTheSameEndpoint() throws Exception {
    assertEquals(200, fx.get("/api/v1/pipelines/").statusCode());
  }

  @Test
  void malformedRequestIs400InJson() throws Exception {
    // java.net.URI refuses bad percent-encoding, so write the request line by hand.
    try (Socket socket = new Socket("127.0.0.1", fx.api.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /api/v1/pipelines/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 400"), response);
      assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), response);
      String body = response.substring(response.indexOf("\r\n\r\n") + 4);
      JsonNode json = JSON.readTree(body);
      assertEquals("bad_request", json.path("error").asText(), body);
      assertEquals("Bad Request", json.path("message").asText(), body);
    }
  }

  @Test
  void responsesAreNotCached() throws Exception {
    assertEquals("no-store", fx.get("/api/v1/pipelines").headers().firstValue("cache-control").orElse(""));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  private static JsonNode property(JsonNode connector, String name) {
    for (JsonNode p : connector.path("properties")) {
      if (p.path("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no property " + name + " in " + connector);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
