package io.laminar.http;

import io.laminar.api.ConnectorProperties;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.Secret;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns connector properties into JSON-safe values with every secret replaced by {@code "****"}.
 * A value is secret when it is a {@link Secret}, when its spec is a PASSWORD, or when its key looks
 * like a credential: pass-through prefix keys ({@code "kafka.sasl.jaas.config"}) are plain strings
 * to the host, yet may carry passwords.
 */
final class Redaction {
  static final String MASK = "****";

  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(password|passwd|secret|token|credential|jaas|private|api[._-]?key).*");

  private Redaction() {
  }

  static Map<String, Object> properties(ConnectorSpec spec, ConnectorProperties properties) {
    Map<String, Object> out = new LinkedHashMap<>();
    properties.asMap().forEach((key, value) -> {
      boolean secret = value instanceof Secret
          || spec.property(key).map(PropertySpec::isSecret).orElse(false)
          || SECRET_KEY.matcher(key).matches();
      out.put(key, secret ? MASK : jsonValue(value));
    });
    return out;
  }

  /** A spec's default as shown by {@code /api/v1/connectors}. */
  static String defaultValue(PropertySpec spec) {
    return spec.defaultValue().map(d -> spec.isSecret() ? MASK : d).orElse(null);
  }

  private static Object jsonValue(Object value) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Duration d) {
      return d.toString(); // ISO-8601, e.g. PT0.1S
    }
    return String.valueOf(value);
  }
}
