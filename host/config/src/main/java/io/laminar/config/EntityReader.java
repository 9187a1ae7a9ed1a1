package io.laminar.config;

import io.laminar.api.DeliveryGuarantee;
import io.laminar.common.Suggestions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the array-of-tables sections: {@code [[source]]}, {@code [[lookup]]}, {@code [[pipeline]]}, {@code [[sink]]}. */
final class EntityReader {
  static final List<String> SOURCE_KEYS = List.of("name", "connector", "properties", "schema", "watermark");
  static final List<String> LOOKUP_KEYS = List.of("name", "connector", "properties", "schema", "primary_key", "cache");
  static final List<String> PIPELINE_KEYS = List.of("name", "sql", "parallelism", "emit_interval", "state_ttl", "restart",
      "on", "dead_letter");
  /** The pipeline's keys as users write them, for "did you mean" ({@code on_error} → {@code on.error}). */
  private static final List<String> PIPELINE_KEYS_WRITTEN = List.of("name", "sql", "parallelism", "emit_interval",
      "state_ttl", "restart", "on.error", "dead_letter.path");
  static final List<String> ON_KEYS = List.of("error");
  static final List<String> DEAD_LETTER_KEYS = List.of("path");
  static final List<String> SINK_KEYS = List.of("name", "pipeline", "connector", "delivery", "properties");
  static final List<String> CACHE_KEYS = List.of("size", "ttl");
  static final List<String> DELIVERY_VALUES = Arrays.stream(DeliveryGuarantee.values())
      .map(DeliveryGuarantee::label).toList();

  // Names become SQL identifiers, so they must be usable unquoted.
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MAX_PARALLELISM = 4096;

  private final Map<Path, List<String>> sourceLines;

  /** @param sourceLines each file's text by line, to find where a SQL string's content starts */
  EntityReader(Map<Path, List<String>> sourceLines) {
    this.sourceLines = sourceLines;
  }

  Named<SourceConfig> source(TableReader raw, int fileIndex) {
    Problems problems = raw.reading().problems();
    int before = problems.count();
    Optional<Located<String>> name = name(raw, "source");
    TableReader t = raw.relabel(label("source", name, raw.label()));
    if (t.has("format")) {
      // It used to be accepted here and ignored. The payload format is the connector's business: only
      // its spec knows the values it can decode, so it has one place, checked like any property.
      t.error(t.keyPosition("format"), "'format' is not a key of [[source]] (" + t.label() + "): a connector that"
          + " decodes bytes takes it as a property, checked against its spec. Move it under [source.properties],"
          + " e.g. format = \"json\" for kafka; `laminar plugins describe <type>` lists a connector's properties");
    }
    t.allowOnly(SOURCE_KEYS, Set.of("format")); // 'format' has its own message above
    Optional<ConnectorRef> connector = connector(t);
    RawProperties properties = PropertiesReader.read(t);
    Optional<List<ColumnDef>> schema = SchemaReader.read(t, "source");
    Optional<WatermarkConfig> watermark = SchemaReader.watermark(t, schema);
    SourceConfig config = problems.count() > before ? null
        : new SourceConfig(name.get().value(), connector.get(), properties, schema.get(), watermark,
            t.position());
    return named("source", name, config, fileIndex);
  }

  Named<LookupConfig> lookup(TableReader raw, int fileIndex) {
    Problems problems = raw.reading().problems();
    int before = problems.count();
    Optional<Located<String>> name = name(raw, "lookup");
    TableReader t = raw.relabel(label("lookup", name, raw.label()));
    t.allowOnly(LOOKUP_KEYS);
    Optional<ConnectorRef> connector = connector(t);
    RawProperties properties = PropertiesReader.read(t);
    Optional<List<ColumnDef>> schema = SchemaReader.read(t, "lookup");
    Optional<List<String>> primaryKey = primaryKey(t, schema);
    Optional<CacheConfig> cache = cache(t);
    LookupConfig config = problems.count() > before ? null
        : new LookupConfig(name.get().value(), connector.get(), properties, schema.get(), primaryKey.get(), cache,
            t.position());
    return named("lookup", name, config, fileIndex);
  }

  Named<PipelineConfig> pipeline(TableReader raw, int fileIndex) {
    Problems problems = raw.reading().problems();
    int before = problems.count();
    Optional<Located<String>> name = name(raw, "pipeline");
    TableReader t = raw.relabel(label("pipeline", name, raw.label()));
    Set<String> misspelt = new HashSet<>();
    for (String key : t.keys()) {
      if (!PIPELINE_KEYS.contains(key)) {
        t.field(key).ifPresent(f -> t.error(f.keyPosition(), "unknown key '" + key + "' in " + t.label() + "."
            + Suggestions.didYouMean(key, PIPELINE_KEYS_WRITTEN)));
        misspelt.add(key);
      }
    }
    t.allowOnly(PIPELINE_KEYS, misspelt);
    Optional<String> sql = t.requiredString("sql");
    if (sql.isPresent() && sql.get().isBlank()) {
      t.error(t.valuePosition("sql"), "'sql' in " + t.label() + " is empty");
    }
    Optional<Integer> parallelism = t.intInRange("parallelism", 1, MAX_PARALLELISM, "between 1 and " + MAX_PARALLELISM);
    Optional<Duration> emitInterval = t.positiveDuration("emit_interval");
    Optional<Duration> stateTtl = t.positiveDuration("state_ttl");
    Optional<RestartSettings> restart = RestartReader.read(t);
    Located<RowErrorPolicy> onError = onError(t);
    Optional<Path> deadLetter = deadLetter(t, onError);
    PipelineConfig config = problems.count() > before ? null
        : new PipelineConfig(name.get().value(), sql.get(), sqlStart(t.valuePosition("sql")), parallelism,
            emitInterval, stateTtl, restart, t.position(), onError.value(), deadLetter);
    return named("pipeline", name, config, fileIndex);
  }

  /** {@code on.error = "fail" | "skip" | "dead_letter"} (default fail). */
  private static Located<RowErrorPolicy> onError(TableReader t) {
    Optional<TableReader> on = t.table("on", "'on' of " + t.label());
    if (on.isEmpty()) {
      return new Located<>(RowErrorPolicy.FAIL, t.position());
    }
    TableReader o = on.get();
    o.allowOnly(ON_KEYS);
    RowErrorPolicy policy = o.choice("error", RowErrorPolicy.labels())
        .map(v -> RowErrorPolicy.valueOf(v.toUpperCase(Locale.ROOT)))
        .orElse(RowErrorPolicy.FAIL);
    return new Located<>(policy, o.has("error") ? o.valuePosition("error") : o.position());
  }

  /** {@code dead_letter.path}: required with {@code on.error = "dead_letter"}, refused otherwise. */
  private static Optional<Path> deadLetter(TableReader t, Located<RowErrorPolicy> policy) {
    RowErrorPolicy onError = policy.value();
    Optional<TableReader> table = t.table("dead_letter", "'dead_letter' of " + t.label());
    Optional<Path> path = Optional.empty();
    Position at = t.position();
    if (table.isPresent()) {
      TableReader d = table.get();
      if (d.has("sink")) {
        d.error(d.keyPosition("sink"), "dead letters go to a file: write dead_letter.path = \"errors.jsonl\" in "
            + t.label() + " (a sink is not supported for them)");
      }
      d.allowOnly(DEAD_LETTER_KEYS, Set.of("sink"));
      at = d.has("path") ? d.valuePosition("path") : d.position();
      Optional<String> text = d.has("sink") && !d.has("path") ? Optional.empty() : d.requiredString("path");
      if (text.isPresent()) {
        if (text.get().isBlank()) {
          d.error(d.valuePosition("path"), "'dead_letter.path' in " + t.label() + " must not be empty");
        } else {
          try {
            path = Optional.of(ConfigPaths.resolve(d.valuePosition("path").file(), Path.of(text.get())));
          } catch (java.nio.file.InvalidPathException e) {
            d.error(d.valuePosition("path"), "'dead_letter.path' in " + t.label() + " is not a valid path: "
                + e.getReason());
          }
        }
      }
    }
    if (onError == RowErrorPolicy.DEAD_LETTER && table.isEmpty()) {
      t.error(policy.position(), t.label() + " has on.error = \"dead_letter\" but no dead_letter.path: add dead_letter.path = "
          + "\"errors.jsonl\" (a file, relative to this config file)");
    } else if (onError != RowErrorPolicy.DEAD_LETTER && table.isPresent()) {
      t.error(at, "dead_letter.path in " + t.label() + " is only used with on.error = \"dead_letter\", but on.error"
          + " is \"" + onError.label() + "\"");
      return Optional.empty();
    }
    return path;
  }

  Named<SinkConfig> sink(TableReader raw, int fileIndex) {
    Problems problems = raw.reading().problems();
    int before = problems.count();
    Optional<Located<String>> name = name(raw, "sink");
    TableReader t = raw.relabel(label("sink", name, raw.label()));
    t.allowOnly(SINK_KEYS);
    Optional<String> pipeline = t.requiredString("pipeline");
    if (pipeline.isPresent() && pipeline.get().isBlank()) {
      t.error(t.valuePosition("pipeline"), "'pipeline' in " + t.label() + " must name a pipeline");
    }
    Optional<ConnectorRef> connector = connector(t);
    DeliveryGuarantee delivery = t.choice("delivery", DELIVERY_VALUES)
        .map(d -> DeliveryGuarantee.valueOf(d.toUpperCase(Locale.ROOT)))
        .orElse(DeliveryGuarantee.AT_LEAST_ONCE);
    RawProperties properties = PropertiesReader.read(t);
    SinkConfig config = problems.count() > before ? null
        : new SinkConfig(name.get().value(), pipeline.get(), t.valuePosition("pipeline"), connector.get(), properties,
            delivery, t.position());
    return named("sink", name, config, fileIndex);
  }

  private static <T> Named<T> named(String kind, Optional<Located<String>> name, T config, int fileIndex) {
    return new Named<>(kind, name.map(Located::value).orElse(null), name.map(Located::position).orElse(null), config,
        fileIndex);
  }

  private static String label(String kind, Optional<Located<String>> name, String fallback) {
    return name.map(n -> kind + " '" + n.value() + "'").orElse(fallback);
  }

  /** The required, identifier-shaped name, positioned at its value. */
  private static Optional<Located<String>> name(TableReader t, String kind) {
    Optional<String> name = t.requiredString("name");
    if (name.isEmpty()) {
      return Optional.empty();
    }
    Position at = t.valuePosition("name");
    if (name.get().isEmpty()) {
      t.error(at, kind + " name must not be empty");
      return Optional.empty();
    }
    if (!IDENTIFIER.matcher(name.get()).matches()) {
      t.error(at, kind + " name '" + name.get() + "' is not a valid identifier: use letters, digits and '_',"
          + " not starting with a digit");
      return Optional.empty();
    }
    return Optional.of(new Located<>(name.get(), at));
  }

  /** {@code connector = "type"} or {@code "type@plugin-id"}. */
  private static Optional<ConnectorRef> connector(TableReader t) {
    Optional<String> text = t.requiredString("connector");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Position at = t.valuePosition("connector");
    String s = text.get().strip();
    int sep = s.indexOf('@');
    String type = sep < 0 ? s : s.substring(0, sep);
    String plugin = sep < 0 ? null : s.substring(sep + 1);
    if (type.isEmpty() || (plugin != null && (plugin.isEmpty() || plugin.indexOf('@') >= 0))) {
      t.error(at, "'connector' in " + t.label() + " must be \"type\" or \"type@plugin-id\", got \"" + text.get() + "\"");
      return Optional.empty();
    }
    return Optional.of(new ConnectorRef(type, Optional.ofNullable(plugin), at));
  }

  private static Optional<List<String>> primaryKey(TableReader t, Optional<List<ColumnDef>> schema) {
    if (!t.has("primary_key")) {
      t.error(t.position(), t.label() + " is missing 'primary_key': the key columns lookups are made by,"
          + " e.g. primary_key = [\"id\"]");
      return Optional.empty();
    }
    Optional<List<Located<String>>> keys = t.strings("primary_key");
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    if (keys.get().isEmpty()) {
      t.error(t.valuePosition("primary_key"), "'primary_key' in " + t.label() + " must name at least one column");
      return Optional.empty();
    }
    if (schema.isEmpty()) {
      return Optional.empty();
    }
    List<String> names = schema.get().stream().map(ColumnDef::name).toList();
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    boolean ok = true;
    for (Located<String> key : keys.get()) {
      Optional<String> column = names.stream().filter(n -> n.equalsIgnoreCase(key.value())).findFirst();
      if (column.isEmpty()) {
        t.error(key.position(), "primary key column '" + key.value() + "' is not a column of " + t.label() + "."
            + Suggestions.didYouMean(key.value(), names) + " Columns: " + String.join(", ", names));
        ok = false;
      } else if (!seen.add(column.get().toLowerCase(Locale.ROOT))) {
        t.error(key.position(), "primary key column '" + key.value() + "' of " + t.label() + " is listed twice");
        ok = false;
      } else {
        out.add(column.get());
      }
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  private static Optional<CacheConfig> cache(TableReader owner) {
    Optional<TableReader> table = owner.table("cache", "the cache of " + owner.label());
    if (table.isEmpty()) {
      return Optional.empty();
    }
    TableReader c = table.get();
    c.allowOnly(CACHE_KEYS);
    if (!c.has("size")) {
      c.error(c.position(), c.label() + " is missing 'size' (the maximum number of cached keys)");
    }
    if (!c.has("ttl")) {
      c.error(c.position(), c.label() + " is missing 'ttl' (how long an entry stays valid, e.g. \"60s\")");
    }
    Optional<Long> size = c.integer("size");
    if (size.isPresent() && size.get() < 1) {
      c.error(c.valuePosition("size"), "'size' in " + c.label() + " must be at least 1, got " + size.get());
      size = Optional.empty();
    }
    Optional<Duration> ttl = c.positiveDuration("ttl");
    return size.isPresent() && ttl.isPresent() ? Optional.of(new CacheConfig(size.get(), ttl.get())) : Optional.empty();
  }

  /**
   * Where the content of the string value at {@code value} begins: after the opening quote(s), and
   * on the next line when a multi-line string starts with a newline (TOML drops that newline).
   */
  private Position sqlStart(Position value) {
    List<String> lines = sourceLines.get(value.file());
    if (lines == null || value.line() < 1 || value.line() > lines.size()) {
      return value;
    }
    String line = lines.get(value.line() - 1);
    int at = value.column() - 1;
    if (at < 0 || at >= line.length()) {
      return value;
    }
    String rest = line.substring(at);
    if (rest.startsWith("\"\"\"") || rest.startsWith("'''")) {
      if (rest.substring(3).isEmpty()) {
        return new Position(value.file(), value.line() + 1, 1);
      }
      return value.shifted(3);
    }
    if (rest.startsWith("\"") || rest.startsWith("'")) {
      return value.shifted(1);
    }
    return value;
  }
}
