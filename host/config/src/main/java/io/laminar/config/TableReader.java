package io.laminar.config;

import io.laminar.common.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Reads the keys of one TOML table (or of one section merged from several files) with type checks,
 * {@code ${VAR}} substitution and positioned errors. Every accessor returns empty both when the key
 * is absent and when its value is invalid; in the latter case the error is already recorded, so
 * callers can simply fall back to a default.
 */
final class TableReader {
  private final String label;
  private final Map<String, Field> fields;
  private final Position position;
  private final Reading reading;

  /**
   * @param label how messages name the table: {@code "[server]"}, {@code "source 'orders'"}
   * @param fields the table's keys
   * @param position where the table starts (missing keys are reported here)
   */
  TableReader(String label, Map<String, Field> fields, Position position, Reading reading) {
    this.label = label;
    this.fields = fields;
    this.position = position;
    this.reading = reading;
  }

  static TableReader of(String label, TomlTable table, Position position, Reading reading) {
    return new TableReader(label, TomlValues.fields(table, position, reading), position, reading);
  }

  /** The same table under a new name, once e.g. the source's name is known. */
  TableReader relabel(String newLabel) {
    return new TableReader(newLabel, fields, position, reading);
  }

  String label() {
    return label;
  }

  Position position() {
    return position;
  }

  Reading reading() {
    return reading;
  }

  /** Reports every key not in {@code allowed}, with a suggestion. */
  void allowOnly(Collection<String> allowed) {
    allowOnly(allowed, java.util.Set.of());
  }

  /** As {@link #allowOnly(Collection)}, except for keys the caller reports with a message of its own. */
  void allowOnly(Collection<String> allowed, java.util.Set<String> reportedElsewhere) {
    for (Field f : fields.values()) {
      if (!allowed.contains(f.key()) && !reportedElsewhere.contains(f.key())) {
        error(f.keyPosition(), "unknown key '" + f.key() + "' in " + label + "." + Suggestions.didYouMean(f.key(), allowed));
      }
    }
  }

  /** The table's keys, in file order. */
  java.util.Set<String> keys() {
    return java.util.Collections.unmodifiableSet(fields.keySet());
  }

  boolean has(String key) {
    return fields.containsKey(key);
  }

  Optional<Field> field(String key) {
    return Optional.ofNullable(fields.get(key));
  }

  /** Where the key's value is, or the table's position when the key is absent. */
  Position valuePosition(String key) {
    Field f = fields.get(key);
    return f == null ? position : f.valuePosition();
  }

  /** Where the key is, or the table's position when the key is absent. */
  Position keyPosition(String key) {
    Field f = fields.get(key);
    return f == null ? position : f.keyPosition();
  }

  /** A string value, substituted. */
  Optional<String> string(String key) {
    Field f = fields.get(key);
    if (f == null) {
      return Optional.empty();
    }
    if (!(f.value() instanceof String)) {
      return typeError(f, "a string");
    }
    return reading.env().expand((String) f.value(), f.valuePosition(), reading.problems());
  }

  /** A string that must be present. */
  Optional<String> requiredString(String key) {
    if (!has(key)) {
      error(position, label + " is missing '" + key + "'");
      return Optional.empty();
    }
    return string(key);
  }

  /** A whole number: a TOML integer, or a string (after substitution) holding one. */
  Optional<Long> integer(String key) {
    Field f = fields.get(key);
    if (f == null) {
      return Optional.empty();
    }
    if (f.value() instanceof Long) {
      return Optional.of((Long) f.value());
    }
    if (!(f.value() instanceof String)) {
      return typeError(f, "an integer");
    }
    Optional<String> s = string(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(s.get().strip()));
    } catch (NumberFormatException e) {
      return unparsable(f, "an integer", s.get());
    }
  }

  /** A whole number in {@code [min, max]}; {@code rule} says why, e.g. "at least 1". */
  Optional<Integer> intInRange(String key, long min, long max, String rule) {
    Optional<Long> v = integer(key);
    if (v.isPresent() && (v.get() < min || v.get() > max)) {
      error(valuePosition(key), "'" + key + "' in " + label + " must be " + rule + ", got " + v.get());
      return Optional.empty();
    }
    return v.map(Long::intValue);
  }

  /** A TOML boolean, or the string "true"/"false" (after substitution). */
  Optional<Boolean> bool(String key) {
    Field f = fields.get(key);
    if (f == null) {
      return Optional.empty();
    }
    if (f.value() instanceof Boolean) {
      return Optional.of((Boolean) f.value());
    }
    if (!(f.value() instanceof String)) {
      return typeError(f, "a boolean");
    }
    Optional<String> s = string(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    String b = s.get().strip().toLowerCase(Locale.ROOT);
    if (b.equals("true") || b.equals("false")) {
      return Optional.of(Boolean.valueOf(b));
    }
    return unparsable(f, "a boolean", s.get());
  }

  /** A duration string such as "10s"; negative values cannot be written. */
  Optional<Duration> duration(String key) {
    Field f = fields.get(key);
    if (f == null) {
      return Optional.empty();
    }
    if (!(f.value() instanceof String)) {
      return typeError(f, "a duration string such as \"10s\"");
    }
    Optional<String> s = string(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Optional<Duration> d = Durations.parse(s.get());
    if (d.isEmpty()) {
      error(f.valuePosition(), "'" + key + "' in " + label + " " + Durations.problem(s.get()));
    }
    return d;
  }

  /** A duration that must be greater than zero. */
  Optional<Duration> positiveDuration(String key) {
    Optional<Duration> d = duration(key);
    if (d.isPresent() && d.get().isZero()) {
      error(valuePosition(key), "'" + key + "' in " + label + " must be greater than 0");
      return Optional.empty();
    }
    return d;
  }

  /** One of {@code allowed} (lower-case), matched case-insensitively. */
  Optional<String> choice(String key, List<String> allowed) {
    Optional<String> s = string(key);
    if (s.isEmpty()) {
      return s;
    }
    String v = s.get().strip().toLowerCase(Locale.ROOT);
    if (allowed.contains(v)) {
      return Optional.of(v);
    }
    error(valuePosition(key), "'" + key + "' in " + label + " must be one of " + String.join(", ", allowed)
        + ", got \"" + s.get() + "\"." + Suggestions.didYouMean(s.get(), allowed));
    return Optional.empty();
  }

  /** An array of strings, each substituted, with each element's position. */
  Optional<List<Located<String>>> strings(String key) {
    Field f = fields.get(key);
    if (f == null) {
      return Optional.empty();
    }
    if (!(f.value() instanceof TomlArray)) {
      return typeError(f, "an array of strings");
    }
    TomlArray a = (TomlArray) f.value();
    List<Located<String>> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < a.size(); i++) {
      Position p = TomlValues.elementPosition(a, i, f.valuePosition(), reading);
      Object v = a.get(i);
      if (!(v instanceof String)) {
        error(p, "element " + (i + 1) + " of '" + key + "' in " + label + " must be a string, got "
            + TomlValues.describe(v));
        ok = false;
        continue;
      }
      Optional<String> s = reading.env().expand((String) v, p, reading.problems());
      if (s.isPresent()) {
        out.add(new Located<>(s.get(), p));
      } else {
        ok = false;
      }
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /** A sub-table ({@code [x.key]} or an inline table). */
  Optional<TableReader> table(String key, String subLabel) {
    Field f = fields.get(key);
    if (f == null) {
      return Optional.empty();
    }
    if (!(f.value() instanceof TomlTable)) {
      return typeError(f, "a table");
    }
    return Optional.of(TableReader.of(subLabel, (TomlTable) f.value(), f.keyPosition(), reading));
  }

  /** The raw TOML table of a key, type-checked. */
  Optional<TomlTable> rawTable(String key) {
    Field f = fields.get(key);
    if (f == null) {
      return Optional.empty();
    }
    if (!(f.value() instanceof TomlTable)) {
      return typeError(f, "a table");
    }
    return Optional.of((TomlTable) f.value());
  }

  /**
   * An array of tables ({@code [[x.key]]} or an array of inline tables), each with its position;
   * {@code header} is how the user would write it, for the type error ({@code "[[source.schema]]"}).
   */
  Optional<List<Located<TomlTable>>> tables(String key, String header) {
    Field f = fields.get(key);
    if (f == null) {
      return Optional.empty();
    }
    if (!TomlValues.isArrayOfTables(f.value())) {
      return typeError(f, "an array of tables (" + header + ")");
    }
    TomlArray a = (TomlArray) f.value();
    List<Located<TomlTable>> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(new Located<>(a.getTable(i), TomlValues.elementPosition(a, i, f.valuePosition(), reading)));
    }
    return Optional.of(out);
  }

  void error(Position p, String message) {
    reading.problems().add(p, message);
  }

  private <T> Optional<T> typeError(Field f, String expected) {
    error(f.valuePosition(), "'" + f.key() + "' in " + label + " must be " + expected + ", got "
        + TomlValues.describe(f.value()));
    return Optional.empty();
  }

  private <T> Optional<T> unparsable(Field f, String expected, String text) {
    error(f.valuePosition(), "'" + f.key() + "' in " + label + " must be " + expected + ", got the string \""
        + text + "\"");
    return Optional.empty();
  }
}
