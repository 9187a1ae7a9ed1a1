package io.laminar.connectors.builtin;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.arrow.vector.types.pojo.Field;

/** The generator's properties, parsed and checked against the schema once, at create time. */
record GeneratorSettings(
    OptionalLong rowsPerSecond,
    OptionalLong maxRows,
    long seed,
    double eventsPerSecond,
    Long startTimeMillis,
    List<ColumnGenerator> columns,
    int splits) {

  private static final List<String> ATTRIBUTES = List.of("kind", "min", "max", "length", "values", "null_rate");

  static GeneratorSettings from(ConnectorContext ctx) throws ConnectorException {
    ConnectorProperties p = ctx.properties();
    OptionalLong rps = optionalPositive(p, GeneratorSourceFactory.ROWS_PER_SECOND);
    OptionalLong max = OptionalLong.empty();
    if (p.longValue(GeneratorSourceFactory.MAX_ROWS).isPresent()) {
      long m = p.longValue(GeneratorSourceFactory.MAX_ROWS).get();
      if (m < 0) {
        throw ConnectorException.invalidProperty(GeneratorSourceFactory.MAX_ROWS, Long.toString(m), "must be >= 0");
      }
      max = OptionalLong.of(m);
    }
    long seed = p.longValue(GeneratorSourceFactory.SEED).orElse(0L);
    double eps = p.doubleValue(GeneratorSourceFactory.EVENTS_PER_SECOND).orElse(1000.0);
    if (!(eps > 0) || Double.isInfinite(eps)) {
      throw ConnectorException.invalidProperty(GeneratorSourceFactory.EVENTS_PER_SECOND, Double.toString(eps), "must be > 0");
    }
    Long start = null;
    if (p.string(GeneratorSourceFactory.START_TIME).isPresent()) {
      String s = p.string(GeneratorSourceFactory.START_TIME).get();
      try {
        start = Instant.parse(s).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw ConnectorException.invalidProperty(GeneratorSourceFactory.START_TIME, s,
            "expected an ISO-8601 instant such as 2026-01-01T00:00:00Z");
      }
    }

    Map<String, Map<String, String>> perColumn = fieldSettings(p, ctx.schema().getFields());
    List<ColumnGenerator> columns = new ArrayList<>();
    List<Field> fields = ctx.schema().getFields();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      columns.add(ColumnGenerator.create(f, i, perColumn.getOrDefault(f.getName(), Map.of())));
    }
    long splits = p.longValue(GeneratorSourceFactory.SPLITS).orElse(1L);
    if (splits < 1 || splits > 4096) {
      throw ConnectorException.invalidProperty(GeneratorSourceFactory.SPLITS, Long.toString(splits),
          "must be between 1 and 4096");
    }
    return new GeneratorSettings(rps, max, seed, eps, start, List.copyOf(columns), (int) splits);
  }

  private static OptionalLong optionalPositive(ConnectorProperties p, String key) throws ConnectorException {
    if (p.longValue(key).isEmpty()) {
      return OptionalLong.empty();
    }
    long v = p.longValue(key).get();
    if (v <= 0) {
      throw ConnectorException.invalidProperty(key, Long.toString(v), "must be > 0");
    }
    return OptionalLong.of(v);
  }

  /** Groups {@code fields.<col>.<attr>} keys by column, rejecting unknown columns and attributes. */
  private static Map<String, Map<String, String>> fieldSettings(ConnectorProperties p, List<Field> fields)
      throws ConnectorException {
    List<String> names = fields.stream().map(Field::getName).toList();
    Map<String, Map<String, String>> out = new HashMap<>();
    for (Map.Entry<String, String> e : p.withPrefix(GeneratorSourceFactory.FIELDS).entrySet()) {
      String key = GeneratorSourceFactory.FIELDS + e.getKey();
      int dot = e.getKey().lastIndexOf('.');
      if (dot <= 0) {
        throw ConnectorException.invalidProperty(key, e.getValue(),
            "expected fields.<column>.<setting> with a setting among " + ATTRIBUTES);
      }
      String column = e.getKey().substring(0, dot);
      String attr = e.getKey().substring(dot + 1);
      if (!names.contains(column)) {
        throw ConnectorException.invalidProperty(key, e.getValue(), "no column '" + column
            + "' in the schema" + io.laminar.common.Suggestions.didYouMean(column, names) + " Columns: " + names);
      }
      if (!ATTRIBUTES.contains(attr)) {
        throw ConnectorException.invalidProperty(key, e.getValue(), "unknown setting '" + attr + "'"
            + io.laminar.common.Suggestions.didYouMean(attr, ATTRIBUTES) + " Settings: " + ATTRIBUTES);
      }
      out.computeIfAbsent(column, c -> new HashMap<>()).put(attr, e.getValue());
    }
    return out;
  }
}
