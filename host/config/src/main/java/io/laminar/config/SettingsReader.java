package io.laminar.config;

import io.laminar.api.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads the single-instance sections {@code [server]}, {@code [state]} and {@code [checkpoint]}. */
final class SettingsReader {
  static final List<String> SERVER_KEYS = List.of("name", "bind", "workers", "log_level", "log_format",
      "plugins_dir", "plugins_required", "auth_token", "shutdown_timeout", "restart", "on_pipeline_failure");
  static final List<String> STATE_KEYS = List.of("path");
  static final List<String> CHECKPOINT_KEYS = List.of("url", "path", "interval", "retain", "timeout");
  /** Keys of which a later file's value replaces the other one too (two spellings of one setting). */
  static final List<List<String>> CHECKPOINT_ALTERNATIVES = List.of(List.of("url", "path"));

  private static final int MAX_WORKERS = 4096;

  private SettingsReader() {
  }

  static ServerSettings server(TableReader t) {
    t.allowOnly(SERVER_KEYS);
    ServerSettings d = ServerSettings.defaults();
    String name = t.string("name").orElse(d.name());
    if (t.has("name") && name.isBlank()) {
      t.error(t.valuePosition("name"), "'name' in [server] must not be empty");
    }
    String host = d.bindHost();
    int port = d.bindPort();
    Optional<String> bind = t.string("bind");
    if (bind.isPresent()) {
      Optional<HostPort> hp = HostPort.parse(bind.get());
      if (hp.isPresent()) {
        host = hp.get().host();
        port = hp.get().port();
      } else {
        t.error(t.valuePosition("bind"), "'bind' in [server] must be \"host:port\" with a port from 0 to 65535"
            + " (e.g. \"127.0.0.1:8080\", \"[::1]:8080\"), got \"" + bind.get() + "\"");
      }
    }
    int workers = t.intInRange("workers", 1, MAX_WORKERS, "between 1 and " + MAX_WORKERS).orElse(d.workers());
    String level = t.choice("log_level", ServerSettings.LOG_LEVELS).orElse(d.logLevel());
    String format = t.choice("log_format", ServerSettings.LOG_FORMATS).orElse(d.logFormat());
    Optional<Path> pluginsDir = t.string("plugins_dir").flatMap(s -> path(t, "plugins_dir", s));
    List<String> required = t.strings("plugins_required")
        .map(l -> l.stream().map(Located::value).toList())
        .orElse(List.of());
    Optional<Secret> token = t.string("auth_token").map(s -> authToken(t, s));
    if (token.isPresent() && token.get().reveal().isEmpty()) {
      t.error(t.valuePosition("auth_token"), "'auth_token' in [server] must not be empty (remove it to disable auth)");
    }
    Duration shutdown = t.positiveDuration("shutdown_timeout").orElse(d.shutdownTimeout());
    RestartSettings restart = RestartReader.read(t).orElse(d.restart());
    String onFailure = t.choice("on_pipeline_failure", ServerSettings.ON_PIPELINE_FAILURE).orElse(d.onPipelineFailure());
    return new ServerSettings(name, host, port, workers, level, format, pluginsDir, required, token, shutdown,
        restart, onFailure);
  }

  /**
   * The token without surrounding whitespace: a secret mounted from a file or an environment variable
   * often ends in a newline, which no client sends in an Authorization header, so kept as is it would
   * lock everyone out. Trimming is safe (header values cannot carry it anyway); the user is told.
   */
  private static Secret authToken(TableReader t, String value) {
    String trimmed = value.strip();
    if (!trimmed.equals(value) && !trimmed.isEmpty()) {
      t.reading().problems().warn(t.valuePosition("auth_token"), "'auth_token' in [server] has leading or trailing"
          + " whitespace (often a newline from a secret file); it was removed, and clients must send the token"
          + " without it");
    }
    return new Secret(trimmed);
  }

  static StateSettings state(TableReader t) {
    t.allowOnly(STATE_KEYS);
    return new StateSettings(t.string("path").flatMap(s -> path(t, "path", s)).orElse(StateSettings.DEFAULT_PATH));
  }

  static CheckpointSettings checkpoint(TableReader t, Path defaultDir) {
    t.allowOnly(CHECKPOINT_KEYS);
    if (t.has("url") && t.has("path")) {
      t.error(t.keyPosition("path"), "set either 'url' or 'path' in [checkpoint], not both");
    }
    Path dir = defaultDir;
    if (t.has("url")) {
      dir = t.string("url").flatMap(u -> fileUrl(t, u)).orElse(dir);
    } else if (t.has("path")) {
      dir = t.string("path").flatMap(s -> path(t, "path", s)).orElse(dir);
    }
    Duration interval = t.positiveDuration("interval").orElse(CheckpointSettings.DEFAULT_INTERVAL);
    if (interval.compareTo(CheckpointSettings.MIN_INTERVAL) < 0) {
      t.error(t.valuePosition("interval"), "'interval' in [checkpoint] must be at least "
          + Durations.format(CheckpointSettings.MIN_INTERVAL) + ", got " + Durations.format(interval));
      interval = CheckpointSettings.DEFAULT_INTERVAL;
    }
    int retain = t.intInRange("retain", 1, Integer.MAX_VALUE, "at least 1").orElse(CheckpointSettings.DEFAULT_RETAIN);
    Duration timeout = t.positiveDuration("timeout").orElse(CheckpointSettings.DEFAULT_TIMEOUT);
    return new CheckpointSettings(dir, interval, retain, timeout);
  }

  /** A path setting; a relative one is resolved against the directory of the file that sets it. */
  private static Optional<Path> path(TableReader t, String key, String text) {
    if (text.isBlank()) {
      t.error(t.valuePosition(key), "'" + key + "' in " + t.label() + " must not be empty");
      return Optional.empty();
    }
    try {
      return Optional.of(ConfigPaths.resolve(t.valuePosition(key).file(), Path.of(text)));
    } catch (InvalidPathException e) {
      t.error(t.valuePosition(key), "'" + key + "' in " + t.label() + " is not a valid path: " + e.getReason());
      return Optional.empty();
    }
  }

  private static Optional<Path> fileUrl(TableReader t, String text) {
    String problem;
    try {
      URI uri = new URI(text);
      if (!"file".equalsIgnoreCase(uri.getScheme())) {
        problem = "only file:// URLs are supported";
      } else {
        return Optional.of(Path.of(uri));
      }
    } catch (URISyntaxException e) {
      problem = e.getReason();
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      problem = "it must be an absolute file URL such as file:///var/lib/laminar/checkpoints";
    }
    t.error(t.valuePosition("url"), "'url' in [checkpoint] is not a usable checkpoint location \"" + text + "\": "
        + problem);
    return Optional.empty();
  }

  /** A parsed {@code host:port}. */
  record HostPort(String host, int port) {
    static Optional<HostPort> parse(String text) {
      String s = text.strip();
      String host;
      String port;
      if (s.startsWith("[")) {
        int close = s.indexOf(']');
        if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
          return Optional.empty();
        }
        host = s.substring(1, close);
        port = s.substring(close + 2);
      } else {
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
          return Optional.empty();
        }
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
        if (host.contains(":")) {
          return Optional.empty();
        }
      }
      if (host.isEmpty() || !port.matches("\\d{1,5}")) {
        return Optional.empty();
      }
      int p = Integer.parseInt(port);
      return p <= 65_535 ? Optional.of(new HostPort(host, p)) : Optional.empty();
    }
  }
}
