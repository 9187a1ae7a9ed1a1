package io.laminar.config;

import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Reads a {@code properties} table into {@link RawProperties}: nested tables are flattened with '.',
 * quoted dotted keys stay as written, strings are substituted. Types are checked later, against the
 * connector's spec, by {@link PropertyValidator}.
 */
final class PropertiesReader {
  private PropertiesReader() {
  }

  /** The owner's properties, or an empty set positioned at the owner when there is no table. */
  static RawProperties read(TableReader owner) {
    Optional<TomlTable> table = owner.rawTable("properties");
    if (table.isEmpty()) {
      return RawProperties.empty(owner.position());
    }
    Position tablePosition = owner.keyPosition("properties");
    Map<String, RawProperty> out = new LinkedHashMap<>();
    flatten("", table.get(), tablePosition, owner, out);
    return new RawProperties(out, tablePosition);
  }

  private static void flatten(String prefix, TomlTable table, Position tablePosition, TableReader owner,
      Map<String, RawProperty> out) {
    for (Field f : TomlValues.fields(table, tablePosition, owner.reading()).values()) {
      String key = prefix + f.key();
      if (f.value() instanceof TomlTable) {
        flatten(key + ".", (TomlTable) f.value(), f.keyPosition(), owner, out);
        continue;
      }
      Optional<Object> value = scalarOrList(key, f.value(), f.valuePosition(), owner);
      if (value.isEmpty()) {
        continue;
      }
      RawProperty earlier = out.get(key);
      if (earlier != null) {
        owner.error(f.keyPosition(), "property '" + key + "' of " + owner.label() + " is set twice (first at "
            + earlier.position() + ")");
        continue;
      }
      out.put(key, new RawProperty(key, value.get(), f.keyPosition()));
    }
  }

  private static Optional<Object> scalarOrList(String key, Object value, Position position, TableReader owner) {
    if (value instanceof TomlArray) {
      TomlArray a = (TomlArray) value;
      List<Object> items = new ArrayList<>(a.size());
      for (int i = 0; i < a.size(); i++) {
        Object item = a.get(i);
        Position p = TomlValues.elementPosition(a, i, position, owner.reading());
        if (item instanceof TomlArray || item instanceof TomlTable) {
          owner.error(p, "property '" + key + "' of " + owner.label() + " may hold an array of plain values, not "
              + TomlValues.describe(item));
          return Optional.empty();
        }
        Optional<Object> v = scalar(item, p, owner);
        if (v.isEmpty()) {
          return Optional.empty();
        }
        items.add(v.get());
      }
      return Optional.of(List.copyOf(items));
    }
    return scalar(value, position, owner);
  }

  private static Optional<Object> scalar(Object value, Position position, TableReader owner) {
    if (value instanceof String) {
      return owner.reading().env().expand((String) value, position, owner.reading().problems()).map(s -> s);
    }
    if (value instanceof TemporalAccessor) {
      return Optional.of(value.toString());
    }
    return Optional.of(value);
  }
}
