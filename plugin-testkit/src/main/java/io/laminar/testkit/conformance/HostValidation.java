package io.laminar.testkit.conformance;

import io.laminar.api.ConnectorProperties;
import io.laminar.api.ConnectorSpec;
import io.laminar.config.ConfigError;
import io.laminar.config.Position;
import io.laminar.config.PropertyValidator;
import io.laminar.config.RawProperties;
import io.laminar.config.RawProperty;
import io.laminar.config.ValidatedProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connector properties checked and converted by the host's own {@link PropertyValidator}, exactly as
 * a {@code [source.properties]} table would be: the same errors (unknown keys with suggestions,
 * missing required ones, values of the wrong type, invalid defaults) and the same conversions
 * (durations, enums to their canonical spelling, passwords to {@code Secret}, relative paths
 * resolved against the config file's directory).
 *
 * <p>Values are given as TOML would hand them: {@link String}, {@link Long}, {@link Double},
 * {@link Boolean} or a {@link List} of those. For convenience an {@link Integer}, {@link Short} or
 * {@link Byte} counts as a TOML integer, a {@link Float} as a TOML float, a {@link Path} as its
 * string and a {@link Duration} as its milliseconds ({@code "1500ms"}).
 */
public final class HostValidation {
  private HostValidation() {
  }

  /**
   * Validates {@code properties} (flattened keys, in order) against {@code spec}.
   *
   * @param configFile the file the properties are said to come from: messages name it and a
   *     relative PATH resolves against its directory
   */
  public static ValidatedProperties validate(ConnectorSpec spec, Map<String, ?> properties, Path configFile) {
    Map<String, RawProperty> raw = new LinkedHashMap<>();
    int line = 2;
    for (Map.Entry<String, ?> e : properties.entrySet()) {
      raw.put(e.getKey(), new RawProperty(e.getKey(), toml(e.getValue()), new Position(configFile, line++, 1)));
    }
    String label = spec.kind().label() + " 'conformance'";
    return PropertyValidator.validate(spec, label, new RawProperties(raw, new Position(configFile, 1, 1)));
  }

  /**
   * The typed properties a factory gets for {@code properties}; fails with every host error (as a
   * user would see them) when they are invalid.
   */
  public static ConnectorProperties require(ConnectorSpec spec, Map<String, ?> properties, Path configFile) {
    ValidatedProperties v = validate(spec, properties, configFile);
    if (!v.ok()) {
      throw new AssertionError("the host refuses these properties for connector '" + spec.type() + "':\n  "
          + String.join("\n  ", messages(v.errors())));
    }
    return v.properties();
  }

  /** The messages of {@code errors}, each with its {@code file:line:col}. */
  public static List<String> messages(List<ConfigError> errors) {
    List<String> out = new ArrayList<>();
    for (ConfigError e : errors) {
      out.add(e.format());
    }
    return out;
  }

  private static Object toml(Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof Path p) {
      return p.toString();
    }
    if (value instanceof Duration d) {
      return d.toMillis() + "ms";
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(toml(o));
      }
      return out;
    }
    return value;
  }
}
