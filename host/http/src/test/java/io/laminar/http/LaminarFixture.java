package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Secret;
import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.engine.Engine;
import io.laminar.engine.EngineBuilder;
import io.laminar.engine.EngineMetrics;
import io.laminar.plugins.PluginInfo;
import io.laminar.plugins.PluginState;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.io.IOException;
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
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A real engine (unbounded generator, a password-guarded test source, a CSV lookup, blackhole
 * sinks) started from TOML, and an HTTP API in front of it on an ephemeral loopback port.
 */
final class LaminarFixture implements AutoCloseable {
  static final String VAULT_PASSWORD = "hunter2-vault-password";
  static final String VAULT_EXTRA_TOKEN = "extra-token-s3cr3t";
  /** A PEM private key as Kafka's {@code ssl.keystore.key} takes it (no credential word in its name). */
  static final String VAULT_PEM_KEY = "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----";

  static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider(ConnectorProvider.BUILTIN, "0.1.0", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("vault-plugin", "1.2.3", List.of(new VaultSourceFactory()), List.of(), List.of())))
      .registry();

  /** What a plugin host would report: one started plugin and one that failed. */
  static final List<PluginInfo> PLUGINS = List.of(
      new PluginInfo("vault-plugin", "1.2.3", PluginState.STARTED, List.of("source:vault"),
          Path.of("/opt/laminar/plugins/vault-plugin"), Optional.empty(), "vault test plugin", ">=0.1.0", List.of()),
      new PluginInfo("broken", "", PluginState.FAILED, List.of(), Path.of("/opt/laminar/plugins/broken.zip"),
          Optional.of("cannot read plugin.properties"), "", "", List.of()));

  private static final String CONFIG = """
      [state]
      path = "%1$s/state"

      [checkpoint]
      path = "%1$s/checkpoints"
      interval = "1h"

      [[source]]
      name = "trades"
      connector = "generator"
      [source.properties]
      rows_per_second = 5000
      events_per_second = 1000
      start_time = "2026-01-01T00:00:00Z"
      "fields.symbol.values" = "A,B,C,D"
      "fields.price.min" = "0"
      "fields.price.max" = "100"
      [[source.schema]]
      name = "symbol"
      type = "VARCHAR"
      [[source.schema]]
      name = "price"
      type = "DOUBLE"
      [[source.schema]]
      name = "ts"
      type = "TIMESTAMP"
      [source.watermark]
      column = "ts"
      max_out_of_orderness = "100ms"

      [[source]]
      name = "vault"
      connector = "vault"
      [source.properties]
      password = "%2$s"
      "extra.auth_token" = "%3$s"
      "extra.color" = "blue"
      "extra.url" = "redis://app:url-password-1@cache:6379/0"
      "extra.ssl.keystore.key" = "%4$s"
      [[source.schema]]
      name = "item"
      type = "VARCHAR"

      [[lookup]]
      name = "names"
      connector = "csv"
      primary_key = ["symbol"]
      [lookup.properties]
      path = "%1$s/names.csv"
      [[lookup.schema]]
      name = "symbol"
      type = "VARCHAR"
      [[lookup.schema]]
      name = "name"
      type = "VARCHAR"

      [[pipeline]]
      name = "cheap"
      sql = "SELECT symbol, price FROM trades WHERE price < 50"

      [[pipeline]]
      name = "enriched"
      sql = "SELECT t.symbol, n.name FROM trades t JOIN names n ON t.symbol = n.symbol"

      [[pipeline]]
      name = "vaulted"
      sql = "SELECT item FROM vault"

      [[sink]]
      name = "cheap_out"
      pipeline = "cheap"
      connector = "blackhole"

      [[sink]]
      name = "enriched_out"
      pipeline = "enriched"
      connector = "blackhole"

      [[sink]]
      name = "vaulted_out"
      pipeline = "vaulted"
      connector = "blackhole"
      """;

  /** The config edit that makes the vault source register snapshot and per-partition lag gauges. */
  static final UnaryOperator<String> WITH_GAUGES = c -> c.replace("\"extra.color\" = \"blue\"\n",
      "\"extra.color\" = \"blue\"\ngauges = true\n");

  final BufferAllocator allocator;
  final Engine engine;
  final HttpApi api;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private boolean engineStopped;

  private LaminarFixture(BufferAllocator allocator, Engine engine, HttpApi api) {
    this.allocator = allocator;
    this.engine = engine;
    this.api = api;
  }

  /** Builds and starts the engine, then the API with the given token and checkpoint trigger. */
  static LaminarFixture start(Path dir, Optional<String> token, CheckpointTrigger checkpoints) throws Exception {
    return start(dir, token, checkpoints, UnaryOperator.identity());
  }

  /** As above, with the TOML edited first (to vary one setting). */
  static LaminarFixture start(Path dir, Optional<String> token, CheckpointTrigger checkpoints,
      UnaryOperator<String> editConfig) throws Exception {
    Files.writeString(dir.resolve("names.csv"), "symbol,name\nA,Alpha\nB,Beta\nC,Gamma\nD,Delta\n");
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, editConfig.apply(CONFIG.formatted(dir, VAULT_PASSWORD, VAULT_EXTRA_TOKEN, VAULT_PEM_KEY)));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    BufferAllocator allocator = new RootAllocator();
    EngineMetrics metrics = new EngineMetrics();
    EngineBuilder builder = new EngineBuilder(loaded.config(), REGISTRY, allocator, metrics);
    assertTrue(builder.construct().ok(), () -> builder.construct().errors().toString());
    Engine engine = new Engine(builder, allocator, metrics);
    engine.start();
    try {
      return new LaminarFixture(allocator, engine, HttpApi.start(context(engine, allocator, token, checkpoints),
          "127.0.0.1", 0));
    } catch (IOException e) {
      engine.shutdown(Duration.ofSeconds(10));
      allocator.close();
      throw e;
    }
  }

  private static ServerContext context(Engine engine, BufferAllocator allocator, Optional<String> token,
      CheckpointTrigger checkpoints) {
    return new ServerContext("9.9.9-test", Instant.now().minusSeconds(5), engine, REGISTRY, PLUGINS,
        token.map(Secret::new), checkpoints, allocator::getAllocatedMemory);
  }

  /** A second API over the same engine, with other settings; the caller closes it. */
  HttpApi startAnother(Optional<String> token, CheckpointTrigger checkpoints) throws IOException {
    return HttpApi.start(context(engine, allocator, token, checkpoints), "127.0.0.1", 0);
  }

  URI uri(String path) {
    return uri(api, path);
  }

  static URI uri(HttpApi target, String path) {
    return URI.create("http://127.0.0.1:" + target.port() + path);
  }

  HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    return send(api, "GET", path, null, headers);
  }

  HttpResponse<String> send(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    return send(api, method, path, body, headers);
  }

  /** One request to {@code target}; {@code headers} are name, value pairs. */
  HttpResponse<String> send(HttpApi target, String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(target, path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until the generator pipeline has processed rows (the engine is warm). */
  void awaitRows() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (engine.pipelines().stream().noneMatch(p -> p.name().equals("cheap") && p.rowsIn() > 0)) {
      assertTrue(System.nanoTime() < deadline, "no rows after 20 s");
      Thread.sleep(20);
    }
  }

  Engine.Outcome stopEngine() {
    engineStopped = true;
    return engine.shutdown(Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    api.close();
    if (!engineStopped) {
      stopEngine();
    }
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }
}
