package io.laminar.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A connector instance's properties, already validated and converted by the host against the
 * factory's {@link ConnectorSpec}: required properties are present, defaults are filled in and every
 * value has its declared Java type ({@link String}, {@link Integer}, {@link Long}, {@link Double},
 * {@link Boolean}, {@link Duration}, enum values as their canonical {@link String}, passwords as
 * {@link Secret}). Keys matched by a prefix spec ({@code "kafka.*"}) are kept as strings.
 *
 * <p>Asking for a property with the wrong type is a programming error in the connector and throws
 * {@link IllegalStateException}.
 */
public final class ConnectorProperties {
  private final Map<String, Object> values;

  /** Wraps already-typed values; used by the host and by connector tests. */
  public ConnectorProperties(Map<String, ?> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** An empty property set. */
  public static ConnectorProperties empty() {
    return new ConnectorProperties(Map.of());
  }

  /** Whether the key has a value (given or defaulted). */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** A string (or enum) value. */
  public Optional<String> string(String key) {
    return Optional.ofNullable(typed(key, String.class));
  }

  /** An int value. */
  public Optional<Integer> integer(String key) {
    return Optional.ofNullable(typed(key, Integer.class));
  }

  /** A long value. */
  public Optional<Long> longValue(String key) {
    return Optional.ofNullable(typed(key, Long.class));
  }

  /** A double value. */
  public Optional<Double> doubleValue(String key) {
    return Optional.ofNullable(typed(key, Double.class));
  }

  /** A boolean value. */
  public Optional<Boolean> bool(String key) {
    return Optional.ofNullable(typed(key, Boolean.class));
  }

  /** A duration value. */
  public Optional<Duration> duration(String key) {
    return Optional.ofNullable(typed(key, Duration.class));
  }

  /** A password value. */
  public Optional<Secret> secret(String key) {
    return Optional.ofNullable(typed(key, Secret.class));
  }

  /** A required string, for properties the spec marks required or defaults. */
  public String requireString(String key) {
    return string(key).orElseThrow(() -> missing(key));
  }

  /**
   * Every key starting with {@code prefix}, with the prefix removed, sorted by key; for
   * pass-through settings such as {@code "kafka.*"}.
   */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix) && k.length() > prefix.length()) {
        out.put(k.substring(prefix.length()), String.valueOf(v instanceof Secret ? ((Secret) v).reveal() : v));
      }
    });
    return out;
  }

  /** All values, typed; secrets stay wrapped. */
  public Map<String, Object> asMap() {
    return values;
  }

  private <T> T typed(String key, Class<T> type) {
    Object v = values.get(key);
    if (v == null) {
      return null;
    }
    if (!type.isInstance(v)) {
      throw new IllegalStateException("property '" + key + "' is a " + v.getClass().getSimpleName()
          + ", not a " + type.getSimpleName());
    }
    return type.cast(v);
  }

  private static IllegalStateException missing(String key) {
    return new IllegalStateException("property '" + key + "' has no value and no default");
  }

  /** Renders the properties with secrets masked. */
  @Override
  public String toString() {
    return values.toString();
  }
}
