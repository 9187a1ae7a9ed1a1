package io.laminar.config;

import io.laminar.api.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code [server]} section.
 *
 * @param name server name shown by the API and in logs (default {@code "laminar"})
 * @param bindHost host of the HTTP API (from {@code bind = "host:port"}, default 127.0.0.1)
 * @param bindPort port of the HTTP API (default 8080; 0 picks a free port)
 * @param workers worker threads (default: available processors)
 * @param logLevel trace, debug, info, warn or error (default info)
 * @param logFormat text or json (default text)
 * @param pluginsDir where plugins are installed, if set in the file
 * @param pluginsRequired plugin ids that must load, or the server refuses to start
 * @param authToken bearer token that mutating HTTP endpoints require, if set
 * @param shutdownTimeout how long a graceful shutdown may take (default 30s)
 * @param restart how failed pipelines are restarted ({@code [server.restart]}; default exponential)
 * @param onPipelineFailure {@code continue} (default: the server keeps serving the other pipelines
 *     when one has failed for good) or {@code exit} (the server stops and exits 1)
 */
public record ServerSettings(String name, String bindHost, int bindPort, int workers, String logLevel,
    String logFormat, Optional<Path> pluginsDir, List<String> pluginsRequired, Optional<Secret> authToken,
    Duration shutdownTimeout, RestartSettings restart, String onPipelineFailure) {
  /** Default server name. */
  public static final String DEFAULT_NAME = "laminar";
  /** Default bind host: loopback only, so a fresh install is not reachable from the network. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default HTTP port. */
  public static final int DEFAULT_PORT = 8080;
  /** Accepted log levels. */
  public static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error");
  /** Accepted log formats. */
  public static final List<String> LOG_FORMATS = List.of("text", "json");
  /** Default graceful-shutdown budget. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  /** Accepted values of {@code on_pipeline_failure}. */
  public static final List<String> ON_PIPELINE_FAILURE = List.of("continue", "exit");

  /** Copies the list. */
  public ServerSettings {
    pluginsRequired = List.copyOf(pluginsRequired);
  }

  /** Settings used when the file has no {@code [server]} section. */
  public static ServerSettings defaults() {
    return new ServerSettings(DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT, Runtime.getRuntime().availableProcessors(),
        "info", "text", Optional.empty(), List.of(), Optional.empty(), DEFAULT_SHUTDOWN_TIMEOUT,
        RestartSettings.defaults(), "continue");
  }

  /** Whether a pipeline that failed for good stops the whole server. */
  public boolean exitOnPipelineFailure() {
    return onPipelineFailure.equals("exit");
  }

  /** {@code host:port} as written in the file (IPv6 hosts in brackets). */
  public String bind() {
    return (bindHost.contains(":") ? "[" + bindHost + "]" : bindHost) + ":" + bindPort;
  }
}
