package io.laminar.engine;

import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.Secret;
import io.laminar.api.Secrets;
import io.laminar.api.Source;
import io.laminar.plan.SqlType;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a source reads, as far as its saved offsets are concerned: its connector type, the
 * properties that select the data (every property that is neither tuning nor secret, see
 * {@link PropertySpec#isIdentity()}) and its schema. Saved with each checkpoint; a source whose
 * identity changed must not resume offsets taken in other data. Secrets are never part of it, so
 * a manifest holds none and rotating a password does not invalidate offsets.
 *
 * @param connector the connector type
 * @param properties identity properties set to other values than their defaults
 * @param schema the columns, one {@code name type} per entry
 */
record SourceIdentity(String connector, SortedMap<String, String> properties, List<String> schema) {
  /** The metadata key of a source's identity in a checkpoint manifest. */
  static String metadataKey(String source) {
    return "source." + source + ".identity";
  }

  SourceIdentity {
    properties = new TreeMap<>(properties);
    schema = List.copyOf(schema);
  }

  static SourceIdentity of(ConnectorInstance<Source> source) {
    ConnectorSpec spec = source.connector().spec();
    SortedMap<String, String> props = new TreeMap<>();
    for (Map.Entry<String, Object> e : source.context().properties().asMap().entrySet()) {
      Optional<PropertySpec> p = spec.property(e.getKey());
      boolean identity = p.map(PropertySpec::isIdentity).orElse(true);
      // A default value is left out, so a connector version that adds a property with a default
      // (or a config that spells out a default) does not count as reading other data.
      boolean isDefault = p.flatMap(PropertySpec::defaultValue).map(d -> d.equals(String.valueOf(e.getValue())))
          .orElse(false);
      if (identity && !isDefault && !(e.getValue() instanceof Secret)
          && !Secrets.isSecretName(e.getKey())) {
        props.put(e.getKey(), Secrets.maskUrlCredentials(String.valueOf(e.getValue())));
      }
    }
    return new SourceIdentity(source.connector().type(), props, columns(source.context().schema()));
  }

  private static List<String> columns(Schema schema) {
    List<String> out = new ArrayList<>();
    for (Field f : schema.getFields()) {
      SqlType type = SqlType.fromArrow(f.getType());
      out.add(f.getName() + " " + (type == null ? f.getType().toString() : type.name())
          + (f.isNullable() ? "" : " NOT NULL"));
    }
    return out;
  }

  /** A text form for the manifest's metadata (java.util.Properties escaping). */
  String encode() {
    Properties p = new Properties();
    p.setProperty("connector", connector);
    p.setProperty("columns", Integer.toString(schema.size()));
    for (int i = 0; i < schema.size(); i++) {
      p.setProperty("column." + i, schema.get(i));
    }
    properties.forEach((k, v) -> p.setProperty("property." + k, v));
    StringWriter out = new StringWriter();
    try {
      p.store(out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    // Drop the date comment Properties writes, so equal identities encode equally.
    return out.toString().lines().filter(l -> !l.startsWith("#")).sorted().reduce("", (a, b) -> a + b + "\n");
  }

  /** Reads {@link #encode()}'s form; empty if it is not one. */
  static Optional<SourceIdentity> decode(String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
    String connector = p.getProperty("connector");
    List<String> schema = new ArrayList<>();
    try {
      int columns = Integer.parseInt(p.getProperty("columns", "-1"));
      for (int i = 0; i < columns; i++) {
        schema.add(Objects.requireNonNull(p.getProperty("column." + i)));
      }
      if (connector == null || columns < 0) {
        return Optional.empty();
      }
    } catch (NumberFormatException | NullPointerException e) {
      return Optional.empty();
    }
    SortedMap<String, String> props = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith("property.")) {
        props.put(key.substring("property.".length()), p.getProperty(key));
      }
    }
    return Optional.of(new SourceIdentity(connector, props, schema));
  }

  /** What changed from {@code saved} to this identity, one phrase each; empty if nothing did. */
  List<String> changesSince(SourceIdentity saved) {
    List<String> changes = new ArrayList<>();
    if (!connector.equals(saved.connector)) {
      changes.add("connector was '" + saved.connector + "', now '" + connector + "'");
    }
    TreeSet<String> keys = new TreeSet<>(properties.keySet());
    keys.addAll(saved.properties.keySet());
    for (String key : keys) {
      String before = saved.properties.get(key);
      String now = properties.get(key);
      if (!Objects.equals(before, now)) {
        changes.add("property '" + key + "' was " + shown(before) + ", now " + shown(now));
      }
    }
    if (!schema.equals(saved.schema)) {
      changes.add("schema was (" + String.join(", ", saved.schema) + "), now (" + String.join(", ", schema) + ")");
    }
    return changes;
  }

  private static String shown(String value) {
    return value == null ? "the default" : "\"" + value + "\"";
  }
}
