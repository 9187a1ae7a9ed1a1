package io.laminar.config;

import io.laminar.api.Secret;
import io.laminar.api.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A deterministic text rendering of a {@link LaminarConfig} for hashing: fixed field order, sorted
 * property keys, quoted strings, durations in nanoseconds, no positions. Secrets (the auth token,
 * every property {@link Secrets#isSecretName} marks) are rendered as {@code ****}: the hash is
 * written to every checkpoint manifest, and a hash over a short password can be brute-forced.
 * Rotating a credential therefore does not change the hash.
 */
final class CanonicalForm {
  private final StringBuilder out = new StringBuilder(1024);

  private CanonicalForm() {
  }

  static String render(LaminarConfig c) {
    CanonicalForm f = new CanonicalForm();
    f.server(c.server());
    f.line("state.path", c.state().path().toString());
    f.line("checkpoint.dir", c.checkpoint().dir().toString());
    f.line("checkpoint.interval", c.checkpoint().interval());
    f.line("checkpoint.retain", c.checkpoint().retain());
    for (SourceConfig s : c.sources()) {
      String p = "source." + s.name() + ".";
      f.connector(p, s.connector());
      f.properties(p, s.properties());
      f.columns(p, s.schema());
      s.watermark().ifPresent(w -> {
        f.line(p + "watermark.column", w.column());
        f.line(p + "watermark.max_out_of_orderness", w.maxOutOfOrderness());
      });
    }
    for (LookupConfig l : c.lookups()) {
      String p = "lookup." + l.name() + ".";
      f.connector(p, l.connector());
      f.properties(p, l.properties());
      f.columns(p, l.schema());
      f.line(p + "primary_key", l.primaryKey());
      l.cache().ifPresent(cache -> {
        f.line(p + "cache.size", cache.size());
        f.line(p + "cache.ttl", cache.ttl());
      });
    }
    for (PipelineConfig pl : c.pipelines()) {
      String p = "pipeline." + pl.name() + ".";
      f.line(p + "sql", pl.sql());
      f.line(p + "parallelism", pl.parallelism());
      // only when set, so configs without them keep the hash they had
      pl.emitInterval().ifPresent(d -> f.line(p + "emit_interval", d));
      pl.stateTtl().ifPresent(d -> f.line(p + "state_ttl", d));
    }
    for (SinkConfig s : c.sinks()) {
      String p = "sink." + s.name() + ".";
      f.line(p + "pipeline", s.pipeline());
      f.connector(p, s.connector());
      f.line(p + "delivery", s.delivery().label());
      f.properties(p, s.properties());
    }
    return f.out.toString();
  }

  static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  private void server(ServerSettings s) {
    line("server.name", s.name());
    line("server.bind_host", s.bindHost());
    line("server.bind_port", s.bindPort());
    line("server.workers", s.workers());
    line("server.log_level", s.logLevel());
    line("server.log_format", s.logFormat());
    line("server.plugins_dir", s.pluginsDir().map(Object::toString));
    line("server.plugins_required", s.pluginsRequired());
    line("server.auth_token", s.authToken().map(Secret::toString));
    line("server.shutdown_timeout", s.shutdownTimeout());
  }

  private void connector(String prefix, ConnectorRef c) {
    line(prefix + "connector", c.text());
  }

  private void properties(String prefix, RawProperties properties) {
    Map<String, Object> sorted = new TreeMap<>();
    // secrets are hashed out: the hash is written to every checkpoint manifest
    properties.entries().forEach((k, v) -> sorted.put(k, Secrets.isSecretName(k) ? Secrets.MASK
        : v.value() instanceof String text ? Secrets.maskUrlCredentials(text) : v.value()));
    sorted.forEach((k, v) -> line(prefix + "properties." + quote(k), v));
  }

  private void columns(String prefix, List<ColumnDef> columns) {
    for (int i = 0; i < columns.size(); i++) {
      ColumnDef c = columns.get(i);
      line(prefix + "schema." + i, List.of(c.name(), c.typeName(), c.nullable()));
    }
  }

  private void line(String key, Object value) {
    out.append(key).append('=');
    value(value);
    out.append('\n');
  }

  private void value(Object v) {
    if (v instanceof Optional<?>) {
      Optional<?> o = (Optional<?>) v;
      if (o.isPresent()) {
        value(o.get());
      } else {
        out.append("none");
      }
    } else if (v instanceof String) {
      out.append(quote((String) v));
    } else if (v instanceof Duration) {
      out.append(((Duration) v).toNanos()).append("ns");
    } else if (v instanceof List<?>) {
      out.append('[');
      boolean first = true;
      for (Object item : (List<?>) v) {
        if (!first) {
          out.append(',');
        }
        first = false;
        value(item);
      }
      out.append(']');
    } else {
      // Numbers and booleans: tag the type so 1 and "1" and 1.0 differ.
      out.append(v.getClass().getSimpleName()).append(':').append(v);
    }
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
