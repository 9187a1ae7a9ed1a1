package io.laminar.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.PropertySpec;
import io.laminar.common.Suggestions;
import io.laminar.engine.CheckpointStatus;
import io.laminar.engine.ComponentStatus;
import io.laminar.engine.ConnectorInstance;
import io.laminar.engine.Engine;
import io.laminar.engine.LookupCacheStatus;
import io.laminar.engine.PipelineStatus;
import io.laminar.plugins.PluginInfo;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.RegisteredConnector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** The API's endpoints, each turning the server context into a {@link Reply}. */
final class Endpoints {
  /** Largest request body accepted (only POST /api/v1/checkpoint reads one). */
  static final int MAX_BODY_BYTES = 16 * 1024;

  private final ServerContext ctx;
  private final MetricsExporter metrics;
  private final ConsoleAssets console = new ConsoleAssets();

  Endpoints(ServerContext ctx, MetricsExporter metrics) {
    this.ctx = ctx;
    this.metrics = metrics;
  }

  Router router() {
    return new Router()
        .add("GET", "/health", (p, r) -> health())
        .add("GET", "/ready", (p, r) -> ready())
        .add("GET", "/metrics", (p, r) -> Reply.text(200, MetricsExporter.CONTENT_TYPE, metrics.scrape()))
        .add("GET", "/api/v1/pipelines", (p, r) -> Reply.json(200,
            ctx.engine().pipelines().stream().map(Views.Pipeline::of).toList()))
        .add("GET", "/api/v1/pipelines/{name}", (p, r) -> pipeline(p.get("name"))
            .map(s -> Reply.json(200, Views.Pipeline.of(s)))
            .orElseGet(() -> unknownPipeline(p.get("name"))))
        .add("GET", "/api/v1/pipelines/{name}/explain", (p, r) -> pipeline(p.get("name"))
            .map(s -> Reply.text(200, Reply.TEXT, s.explain().endsWith("\n") ? s.explain() : s.explain() + "\n"))
            .orElseGet(() -> unknownPipeline(p.get("name"))))
        .add("GET", "/api/v1/sources", (p, r) -> Reply.json(200, sources()))
        .add("GET", "/api/v1/lookups", (p, r) -> Reply.json(200, lookups()))
        .add("GET", "/api/v1/sinks", (p, r) -> Reply.json(200, sinks()))
        .add("GET", "/api/v1/connectors", (p, r) -> Reply.json(200, connectors()))
        .add("GET", "/api/v1/plugins", (p, r) -> Reply.json(200, plugins()))
        .add("GET", "/api/v1/checkpoint", (p, r) -> Reply.json(200, checkpointState()))
        .add("POST", "/api/v1/checkpoint", (p, r) -> checkpoint(r))
        .add("GET", "/api/v1/server", (p, r) -> Reply.json(200, server()))
        .add("GET", "/", (p, r) -> console.index(r))
        .add("GET", "/console/{file}", (p, r) -> console.file(p.get("file"), r));
  }

  private Reply health() {
    Engine engine = ctx.engine();
    Map<String, String> pipelines = new LinkedHashMap<>();
    engine.pipelines().forEach(p -> pipelines.put(p.name(), p.state()));
    Engine.State state = engine.state();
    // Liveness: only a failed engine is DOWN; stopping or stopped on request is still a healthy process.
    String status = state == Engine.State.FAILED ? "DOWN" : "UP";
    long uptime = Math.max(0, Duration.between(ctx.startedAt(), Instant.now()).toMillis());
    return Reply.json(200, new Views.Health(status, ctx.version(), state.name(), uptime, pipelines));
  }

  private Reply ready() {
    Engine engine = ctx.engine();
    // state() first: it flips to STOPPING the moment shutdown begins, before components notice.
    boolean ready = engine.state() == Engine.State.RUNNING && engine.ready();
    List<Views.Component> components = engine.components().stream().map(Views.Component::of).toList();
    return Reply.json(ready ? 200 : 503, new Views.Ready(ready, components));
  }

  /** What the console's overview needs beyond /health: the server's name, checkpoint interval, SQL positions. */
  private Views.Server server() {
    var config = ctx.engine().builder().config();
    Map<String, Views.ServerPipeline> pipelines = new LinkedHashMap<>();
    config.pipelines().forEach(p -> pipelines.put(p.name(), new Views.ServerPipeline(p.sqlPosition().toString(),
        p.position().toString(), p.parallelism().orElse(null))));
    Long interval = config.checkpoint() == null || config.checkpoint().interval() == null ? null
        : config.checkpoint().interval().toMillis();
    long uptime = Math.max(0, Duration.between(ctx.startedAt(), Instant.now()).toMillis());
    return new Views.Server(config.server().name(), ctx.version(), uptime, config.server().workers(), interval,
        ctx.checkpoints() != null, ctx.authToken().isPresent(), pipelines);
  }

  private Optional<PipelineStatus> pipeline(String name) {
    return ctx.engine().pipelines().stream().filter(p -> p.name().equals(name)).findFirst();
  }

  private Reply unknownPipeline(String name) {
    List<String> names = ctx.engine().pipelines().stream().map(PipelineStatus::name).toList();
    return Reply.error(404, "pipeline_not_found", "No pipeline '" + name + "'." + Suggestions.didYouMean(name, names)
        + " Pipelines: " + (names.isEmpty() ? "none" : String.join(", ", names)));
  }

  private Map<String, String> states(String kind) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ComponentStatus c : ctx.engine().components()) {
      if (c.kind().equals(kind)) {
        out.put(c.name(), c.state());
      }
    }
    return out;
  }

  private List<Views.Instance> sources() {
    Map<String, String> states = states("source");
    return ctx.engine().builder().sources().values().stream()
        .map(i -> instance(i, states.getOrDefault(i.name(), "UNKNOWN"), null)).toList();
  }

  private List<Views.Instance> lookups() {
    Map<String, String> states = states("lookup");
    List<LookupCacheStatus> caches = ctx.engine().lookupCaches();
    Map<String, io.laminar.runtime.LookupCache.Config> configs = ctx.engine().builder().lookupCaches();
    return ctx.engine().builder().lookups().values().stream()
        .map(i -> instance(i, states.getOrDefault(i.name(), "UNKNOWN"), null,
            cache(configs.get(i.name()), caches.stream().filter(c -> c.lookup().equals(i.name())).toList())))
        .toList();
  }

  private static Views.LookupCache cache(io.laminar.runtime.LookupCache.Config config, List<LookupCacheStatus> caches) {
    List<Views.LookupCachePipeline> pipelines = caches.stream().map(c -> new Views.LookupCachePipeline(c.pipeline(),
        c.hits(), c.misses(), c.evictions(), finite(c.hitRatio()))).toList();
    LookupCacheStatus all = new LookupCacheStatus("", "", caches.stream().mapToLong(LookupCacheStatus::hits).sum(),
        caches.stream().mapToLong(LookupCacheStatus::misses).sum(),
        caches.stream().mapToLong(LookupCacheStatus::evictions).sum());
    return new Views.LookupCache(config == null ? 0 : config.maxEntries(), config == null ? 0 : config.ttl().toMillis(),
        all.hits(), all.misses(), all.evictions(), finite(all.hitRatio()), pipelines);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private Views.CheckpointState checkpointState() {
    CheckpointStatus s = ctx.engine().checkpointStatus();
    long now = System.currentTimeMillis();
    CheckpointStatus.Completed c = s.last();
    CheckpointStatus.Failed f = s.lastFailure();
    return new Views.CheckpointState(
        c == null ? null : new Views.LastCheckpoint(c.id(), c.durationMs(), c.sizeBytes(),
            Instant.ofEpochMilli(c.completedAtMillis()).toString(), Math.max(0, now - c.completedAtMillis()),
            label(c.trigger())),
        f == null ? null : new Views.FailedCheckpoint(f.id(), f.message(), Instant.ofEpochMilli(f.atMillis()).toString(),
            label(f.trigger())),
        s.completed(), s.failed(), s.inProgress() == 0 ? null : s.inProgress(), s.intervalMs(),
        s.nextDueAtMillis() == null ? null : Instant.ofEpochMilli(s.nextDueAtMillis()).toString(),
        s.nextDueAtMillis() == null ? null : Math.max(0, s.nextDueAtMillis() - now));
  }

  private static String label(CheckpointStatus.Trigger t) {
    return t.name().toLowerCase(java.util.Locale.ROOT);
  }

  private List<Views.Instance> sinks() {
    Map<String, String> states = states("sink");
    List<Views.Instance> out = new ArrayList<>();
    ctx.engine().builder().sinks().forEach((pipeline, list) -> list.forEach(
        i -> out.add(instance(i, states.getOrDefault(i.name(), "UNKNOWN"), pipeline))));
    return out;
  }

  private Views.Instance instance(ConnectorInstance<?> i, String state, String pipeline) {
    return instance(i, state, pipeline, null);
  }

  private Views.Instance instance(ConnectorInstance<?> i, String state, String pipeline, Views.LookupCache cache) {
    ConnectorContext context = i.context();
    Map<String, Double> plain = new java.util.TreeMap<>();
    Map<String, List<Views.Series>> tagged = new java.util.TreeMap<>();
    connectorGauges(i, plain, tagged);
    return new Views.Instance(i.name(), i.connector().type(), i.connector().providerId(), state, pipeline,
        Redaction.properties(i.connector().spec(), context.properties()), plain, tagged.isEmpty() ? null : tagged,
        cache);
  }

  /**
   * The gauges the connector registered itself (e.g. a CDC snapshot's progress), by their short name:
   * untagged ones into {@code plain} (finite values only), tagged ones into {@code tagged} with their
   * tags (the host's own label left out), one series per tag set.
   */
  private void connectorGauges(ConnectorInstance<?> i, Map<String, Double> plain, Map<String, List<Views.Series>> tagged) {
    String kind = i.connector().kind().label();
    String prefix = "laminar_" + kind + "_";
    ctx.engine().metrics().gaugeValues().forEach((k, v) -> {
      if (!k.name().startsWith(prefix) || !i.name().equals(k.tags().get(kind))) {
        return;
      }
      String name = k.name().substring(prefix.length());
      if (k.tags().size() == 1) {
        if (Double.isFinite(v)) {
          plain.put(name, v);
        }
      } else {
        Map<String, String> tags = new java.util.TreeMap<>(k.tags());
        tags.remove(kind);
        tagged.computeIfAbsent(name, n -> new ArrayList<>()).add(new Views.Series(tags, finite(v)));
      }
    });
  }

  private List<Views.ConnectorType> connectors() {
    List<Views.ConnectorType> out = new ArrayList<>();
    for (RegisteredConnector c : ctx.registry().all()) {
      List<Views.Property> properties = new ArrayList<>();
      for (PropertySpec p : c.spec().properties()) {
        properties.add(new Views.Property(p.name(), p.type().name(), p.required(), Redaction.defaultValue(p),
            p.allowedValues(), p.doc()));
      }
      out.add(new Views.ConnectorType(c.type(), c.kind().label(), c.providerId(), c.providerVersion(),
          c.spec().description(), properties));
    }
    return out;
  }

  /** The same rows as {@code laminar plugins list --format json}: the built-ins first, then each plugin. */
  private List<Map<String, Object>> plugins() {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<RegisteredConnector> builtins = ctx.registry().all().stream().filter(RegisteredConnector::isBuiltin).toList();
    if (!builtins.isEmpty()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", ConnectorProvider.BUILTIN);
      row.put("version", builtins.get(0).providerVersion());
      row.put("state", "STARTED");
      row.put("provides", builtins.stream().map(c -> c.kind().label() + ":" + c.type()).toList());
      row.put("location", "(built in)");
      row.put("error", null);
      rows.add(row);
    }
    for (PluginInfo i : ctx.plugins()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", i.id());
      row.put("version", i.version());
      row.put("state", i.state().name());
      row.put("provides", i.provides());
      row.put("location", i.location() == null ? null : i.location().toString());
      row.put("error", i.error().orElse(null));
      if (!i.warnings().isEmpty()) {
        row.put("warnings", i.warnings());
      }
      rows.add(row);
    }
    return rows;
  }

  private Reply checkpoint(Request request) throws IOException {
    Optional<Reply> bad = checkNoOptions(request);
    if (bad.isPresent()) {
      return bad.get();
    }
    CheckpointTrigger trigger = ctx.checkpoints();
    if (trigger == null) {
      return Reply.error(503, "checkpoints_unavailable", "checkpointing is not configured on this server");
    }
    io.laminar.engine.CheckpointResult result;
    try {
      result = trigger.trigger();
    } catch (IllegalStateException e) {
      return Reply.error(503, "checkpoints_unavailable", message(e));
    } catch (Engine.CheckpointInProgress e) {
      return Reply.error(409, "checkpoint_in_progress", message(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.error(503, "checkpoints_unavailable", "interrupted while the checkpoint was in progress");
    } catch (Exception e) {
      return Reply.error(500, "checkpoint_failed", "the checkpoint failed: " + message(e));
    }
    return Reply.json(200, new Views.Checkpoint(result.checkpointId(), result.durationMs(), result.sizeBytes()));
  }

  /** The checkpoint takes no options yet: the body must be empty or {@code {}}. */
  private static Optional<Reply> checkNoOptions(Request request) throws IOException {
    long length = request.getLength();
    if (length > MAX_BODY_BYTES) {
      return Optional.of(Reply.error(400, "bad_request", "request body too large (" + length + " bytes)"));
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      return Optional.of(Reply.error(400, "bad_request", "request body too large"));
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = Reply.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      return Optional.of(Reply.error(400, "bad_request", "the body is not JSON" + where + ": " + e.getOriginalMessage()));
    }
    if (!node.isObject()) {
      return Optional.of(Reply.error(400, "bad_request", "the body must be a JSON object (or empty)"));
    }
    if (!node.isEmpty()) {
      return Optional.of(Reply.error(400, "bad_request", "POST /api/v1/checkpoint takes no options; unknown field '"
          + node.fieldNames().next() + "'"));
    }
    return Optional.empty();
  }

  static String message(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
