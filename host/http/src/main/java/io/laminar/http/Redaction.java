package io.laminar.http;

import io.laminar.api.ConnectorProperties;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.Secret;
import io.laminar.api.Secrets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns connector properties into JSON-safe values with every secret replaced by {@code "****"}.
 * A value is secret when it is a {@link Secret}, when its spec is a PASSWORD, or when its key names
 * a credential by {@link Secrets#isSecretName} — the rule the config validator and the config hash
 * use too. A password inside a URL value ({@code redis://user:pw@host}) is masked in any property.
 */
final class Redaction {
  static final String MASK = Secrets.MASK;

  private Redaction() {
  }

  static Map<String, Object> properties(ConnectorSpec spec, ConnectorProperties properties) {
    Map<String, Object> out = new LinkedHashMap<>();
    properties.asMap().forEach((key, value) -> {
      boolean secret = value instanceof Secret
          || spec.property(key).map(PropertySpec::isSecret).orElse(false)
          || Secrets.isSecretName(key);
      out.put(key, secret ? MASK : jsonValue(value));
    });
    return out;
  }

  /** A spec's default as shown by {@code /api/v1/connectors}. */
  static String defaultValue(PropertySpec spec) {
    return spec.defaultValue().map(d -> spec.isSecret() ? MASK : d).orElse(null);
  }

  private static Object jsonValue(Object value) {
    if (value instanceof String text) {
      return Secrets.maskUrlCredentials(text);
    }
    if (value == null || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Duration d) {
      return d.toString(); // ISO-8601, e.g. PT0.1S
    }
    return String.valueOf(value);
  }
}
