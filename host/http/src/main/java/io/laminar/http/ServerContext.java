package io.laminar.http;

import io.laminar.api.Secret;
import io.laminar.engine.Engine;
import io.laminar.plugins.PluginInfo;
import io.laminar.registry.ConnectorRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Everything the HTTP API reports on or acts upon. Built once by whoever starts the server.
 *
 * @param version the server version shown by {@code /health}
 * @param startedAt when the process started, for {@code uptime_ms}
 * @param engine the running engine
 * @param registry every installed connector type, for {@code /api/v1/connectors} and {@code /api/v1/plugins}
 * @param plugins what the plugin host found (built-ins are listed from the registry)
 * @param authToken when present, {@code /api/v1/*} requires {@code Authorization: Bearer <token>}
 * @param checkpoints takes a checkpoint on request; {@code null} when checkpointing is not configured
 * @param arrowAllocatedBytes bytes the engine's root Arrow allocator holds, for
 *     {@code laminar_arrow_allocated_bytes}
 */
public record ServerContext(String version, Instant startedAt, Engine engine, ConnectorRegistry registry,
    List<PluginInfo> plugins, Optional<Secret> authToken, CheckpointTrigger checkpoints,
    LongSupplier arrowAllocatedBytes) {

  /** Checks the required parts and copies the plugin list. */
  public ServerContext {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(authToken, "authToken");
    Objects.requireNonNull(arrowAllocatedBytes, "arrowAllocatedBytes");
    plugins = List.copyOf(plugins);
  }
}
