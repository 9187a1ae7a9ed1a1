package io.laminar.config;

import io.laminar.api.ConnectorProperties;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Secret;
import io.laminar.api.Secrets;
import io.laminar.common.Suggestions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks a connector instance's {@link RawProperties} against the factory's {@link ConnectorSpec} and
 * converts them to typed values, so no connector parses its own configuration.
 *
 * <p>Rules: unknown keys are errors (with a suggestion); required properties must be present;
 * INT and LONG take TOML integers or strings of digits, range-checked; DOUBLE takes integers, floats
 * or numeric strings; BOOLEAN takes a TOML boolean or "true"/"false"; DURATION takes a
 * {@link Durations duration string}; ENUM matches the allowed values case-insensitively and yields the
 * canonical spelling; PASSWORD yields a {@link Secret}; PATH yields an absolute path string, a relative
 * one resolved against the directory of the file that sets it ({@link ConfigPaths}); keys under a prefix spec ({@code "kafka.*"})
 * and STRING properties take any plain value as a string, and an array as its comma-separated
 * elements; a prefix key whose name marks a credential ({@link Secrets#isSecretName}) yields a
 * {@link Secret} (connectors read pass-through keys through {@code withPrefix}, which reveals it). Defaults are filled in, parsed by the same rules. Values of PASSWORD properties never
 * appear in messages.
 */
public final class PropertyValidator {
  private PropertyValidator() {
  }

  /**
   * Validates {@code raw} and puts the typed value of every valid property, and of every default, into
   * {@code out}.
   *
   * @param instanceLabel how messages name the instance, e.g. {@code "source 'orders'"}
   * @return every problem found; empty when the properties are valid
   */
  public static List<ConfigError> validate(ConnectorSpec spec, String instanceLabel, RawProperties raw,
      Map<String, Object> out) {
    List<ConfigError> errors = new ArrayList<>();
    String owner = instanceLabel + " (connector " + spec.type() + ")";
    for (RawProperty p : raw.entries().values()) {
      Optional<PropertySpec> ps = spec.property(p.key());
      if (ps.isEmpty()) {
        errors.add(ConfigError.at(p.position(), "unknown property '" + p.key() + "' for " + owner + "."
            + Suggestions.didYouMean(p.key(), exactNames(spec)) + known(spec)));
        continue;
      }
      Converted c = convert(ps.get(), p.value(), p.position().file());
      if (c.error() != null) {
        errors.add(ConfigError.at(p.position(), "property '" + p.key() + "' of " + owner + " " + c.error()));
      } else if (ps.get().isPrefix() && Secrets.isSecretName(p.key())) {
        // a pass-through credential: the host shows and hashes it as a secret (Secrets' rule)
        out.put(p.key(), new Secret((String) c.value()));
      } else {
        out.put(p.key(), c.value());
      }
    }
    for (PropertySpec ps : spec.properties()) {
      if (ps.isPrefix() || raw.entries().containsKey(ps.name())) {
        continue;
      }
      if (ps.required()) {
        errors.add(ConfigError.at(raw.tablePosition(), instanceLabel + " is missing required property '" + ps.name()
            + "' of connector " + spec.type() + (ps.doc().isEmpty() ? "" : " (" + ps.doc() + ")")));
      } else if (ps.defaultValue().isPresent()) {
        Converted c = convert(ps, ps.defaultValue().get(), raw.tablePosition().file());
        if (c.error() != null) {
          errors.add(ConfigError.at(raw.tablePosition(), "connector " + spec.type() + " declares an invalid default"
              + " for property '" + ps.name() + "': it " + c.error()));
        } else {
          out.put(ps.name(), c.value());
        }
      }
    }
    return errors;
  }

  /** Validates {@code raw} and wraps the typed values as {@link ConnectorProperties}. */
  public static ValidatedProperties validate(ConnectorSpec spec, String instanceLabel, RawProperties raw) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<ConfigError> errors = validate(spec, instanceLabel, raw, out);
    return new ValidatedProperties(new ConnectorProperties(out), errors);
  }

  /** A converted value, or a message fragment ("must be …, got …") saying why there is none. */
  private record Converted(Object value, String error) {
    static Converted of(Object value) {
      return new Converted(value, null);
    }

    static Converted fail(String error) {
      return new Converted(null, error);
    }

    Converted toInt() {
      return error == null ? of(((Long) value).intValue()) : this;
    }
  }

  /** @param configFile the file the value comes from, against whose directory a relative PATH resolves */
  private static Converted convert(PropertySpec spec, Object value, Path configFile) {
    if (spec.isPrefix()) {
      return text(value);
    }
    switch (spec.type()) {
      case STRING:
        return text(value);
      case PASSWORD:
        if (value instanceof List<?>) {
          return Converted.fail("must be a string, got an array");
        }
        return Converted.of(new Secret(String.valueOf(value)));
      case INT:
        return whole(value, Integer.MIN_VALUE, Integer.MAX_VALUE, "INT").toInt();
      case LONG:
        return whole(value, Long.MIN_VALUE, Long.MAX_VALUE, "LONG");
      case DOUBLE:
        return real(value);
      case BOOLEAN:
        return bool(value);
      case DURATION:
        return duration(value);
      case ENUM:
        return choice(spec, value);
      case PATH:
        return path(value, configFile);
      default:
        throw new IllegalArgumentException("unhandled property type " + spec.type());
    }
  }

  private static Converted path(Object value, Path configFile) {
    if (!(value instanceof String) || ((String) value).isBlank()) {
      return Converted.fail("must be a non-empty path string (PATH), got " + show(value));
    }
    try {
      return Converted.of(ConfigPaths.resolve(configFile, Path.of((String) value)).toString());
    } catch (InvalidPathException e) {
      return Converted.fail("is not a valid path (" + e.getReason() + "), got " + show(value));
    }
  }

  private static Converted text(Object value) {
    if (value instanceof List<?>) {
      return Converted.of(((List<?>) value).stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    return Converted.of(String.valueOf(value));
  }

  private static Converted whole(Object value, long min, long max, String type) {
    long v;
    if (value instanceof Long) {
      v = (Long) value;
    } else if (value instanceof String && ((String) value).strip().matches("[+-]?\\d+")) {
      try {
        v = Long.parseLong(((String) value).strip());
      } catch (NumberFormatException tooLong) {
        return Converted.fail("is out of range for " + type + ", got " + show(value));
      }
    } else {
      return Converted.fail("must be an integer (" + type + "), got " + show(value));
    }
    if (v < min || v > max) {
      return Converted.fail("is out of range for " + type + " (" + min + ".." + max + "), got " + v);
    }
    return Converted.of(v);
  }

  private static Converted real(Object value) {
    if (value instanceof Long) {
      return Converted.of(((Long) value).doubleValue());
    }
    if (value instanceof Double) {
      return Converted.of(value);
    }
    if (value instanceof String) {
      try {
        double d = Double.parseDouble(((String) value).strip());
        if (Double.isFinite(d)) {
          return Converted.of(d);
        }
      } catch (NumberFormatException notANumber) {
        // reported below
      }
    }
    return Converted.fail("must be a number (DOUBLE), got " + show(value));
  }

  private static Converted bool(Object value) {
    if (value instanceof Boolean) {
      return Converted.of(value);
    }
    if (value instanceof String) {
      String s = ((String) value).strip().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        return Converted.of(Boolean.valueOf(s));
      }
    }
    return Converted.fail("must be true or false (BOOLEAN), got " + show(value));
  }

  private static Converted duration(Object value) {
    if (value instanceof String) {
      Optional<Duration> d = Durations.parse((String) value);
      if (d.isPresent()) {
        return Converted.of(d.get());
      }
    }
    if (value instanceof String && Durations.problem((String) value).startsWith("is too large")) {
      return Converted.fail(Durations.problem((String) value));
    }
    return Converted.fail("must be a duration such as \"250ms\", \"10s\", \"5m\" or \"1h\" (DURATION), got "
        + show(value));
  }

  private static Converted choice(PropertySpec spec, Object value) {
    if (!(value instanceof List<?>)) {
      String s = String.valueOf(value).strip();
      for (String allowed : spec.allowedValues()) {
        if (allowed.equalsIgnoreCase(s)) {
          return Converted.of(allowed);
        }
      }
    }
    return Converted.fail("must be one of " + String.join(", ", spec.allowedValues()) + ", got " + show(value) + "."
        + (value instanceof String ? Suggestions.didYouMean((String) value, spec.allowedValues()) : ""));
  }

  /** A value for a message: strings quoted, arrays described. Never called for PASSWORD values. */
  private static String show(Object value) {
    if (value instanceof String) {
      return "\"" + value + "\"";
    }
    if (value instanceof List<?>) {
      return "an array";
    }
    return String.valueOf(value);
  }

  private static List<String> exactNames(ConnectorSpec spec) {
    return spec.properties().stream().filter(p -> !p.isPrefix()).map(PropertySpec::name).toList();
  }

  private static String known(ConnectorSpec spec) {
    if (spec.properties().isEmpty()) {
      return " It takes no properties.";
    }
    return " Known properties: " + spec.properties().stream().map(PropertySpec::name).collect(Collectors.joining(", "));
  }
}
