package io.laminar.config;

import io.laminar.common.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tomlj.TomlTable;

/** Reads {@code schema} arrays of tables and the watermark that refers to them. */
final class SchemaReader {
  static final List<String> COLUMN_KEYS = List.of("name", "type", "nullable");
  static final List<String> WATERMARK_KEYS = List.of("column", "max_out_of_orderness", "idle_timeout");

  private SchemaReader() {
  }

  /**
   * The owner's columns; empty (with an error) when the schema is missing, empty or invalid.
   * {@code kind} is "source" or "lookup", used in the hint about {@code [[kind.schema]]}.
   */
  static Optional<List<ColumnDef>> read(TableReader owner, String kind) {
    if (!owner.has("schema")) {
      owner.error(owner.position(), owner.label() + " has no schema: add [[" + kind + ".schema]] entries with"
          + " 'name' and 'type'");
      return Optional.empty();
    }
    Optional<List<Located<TomlTable>>> tables = owner.tables("schema", "[[" + kind + ".schema]]");
    if (tables.isEmpty()) {
      return Optional.empty();
    }
    if (tables.get().isEmpty()) {
      owner.error(owner.valuePosition("schema"), "the schema of " + owner.label() + " is empty: declare at least"
          + " one column");
      return Optional.empty();
    }
    List<ColumnDef> columns = new ArrayList<>();
    Map<String, ColumnDef> byName = new HashMap<>();
    boolean ok = true;
    int index = 0;
    for (Located<TomlTable> t : tables.get()) {
      index++;
      TableReader c = TableReader.of("column #" + index + " of " + owner.label(), t.value(), t.position(),
          owner.reading());
      Optional<ColumnDef> column = column(c, owner.label());
      if (column.isEmpty()) {
        ok = false;
        continue;
      }
      ColumnDef earlier = byName.putIfAbsent(column.get().name().toLowerCase(Locale.ROOT), column.get());
      if (earlier != null) {
        c.error(c.valuePosition("name"), "duplicate column '" + column.get().name() + "' in " + owner.label()
            + " (first declared at " + earlier.position() + ")");
        ok = false;
        continue;
      }
      columns.add(column.get());
    }
    return ok ? Optional.of(columns) : Optional.empty();
  }

  private static Optional<ColumnDef> column(TableReader c, String ownerLabel) {
    c.allowOnly(COLUMN_KEYS);
    Optional<String> name = c.requiredString("name");
    if (name.isPresent() && name.get().isBlank()) {
      c.error(c.valuePosition("name"), "column names in " + ownerLabel + " must not be empty");
      name = Optional.empty();
    }
    String columnLabel = name.map(n -> "column '" + n + "' of " + ownerLabel).orElse(c.label());
    TableReader col = c.relabel(columnLabel);
    Optional<ColumnType.Spec> type = col.requiredString("type").flatMap(text -> {
      Optional<ColumnType.Spec> parsed = ColumnType.parseSpec(text);
      if (parsed.isEmpty()) {
        String bare = text.replaceAll("\\(.*", "").strip();
        col.error(col.valuePosition("type"), "unknown type '" + text + "' for " + columnLabel + "."
            + Suggestions.didYouMean(bare, ColumnType.SPELLINGS)
            + " Supported types: " + String.join(", ", ColumnType.SPELLINGS));
      } else if (parsed.get().error() != null) {
        col.error(col.valuePosition("type"), "invalid type '" + text + "' for " + columnLabel + ": "
            + parsed.get().error());
        return Optional.empty();
      }
      return parsed;
    });
    boolean nullable = col.bool("nullable").orElse(true);
    if (name.isEmpty() || type.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ColumnDef(name.get(), type.get().type(), nullable, col.position(), type.get().precision(),
        type.get().scale()));
  }

  /** The owner's watermark, checked against its (valid) columns. */
  static Optional<WatermarkConfig> watermark(TableReader owner, Optional<List<ColumnDef>> columns) {
    if (!owner.has("watermark")) {
      return Optional.empty();
    }
    Optional<TableReader> table = owner.table("watermark", "the watermark of " + owner.label());
    if (table.isEmpty()) {
      return Optional.empty();
    }
    TableReader w = table.get();
    w.allowOnly(WATERMARK_KEYS);
    Optional<String> column = w.requiredString("column");
    Duration lateness = w.duration("max_out_of_orderness").orElse(Duration.ZERO);
    Optional<Duration> idleTimeout = w.positiveDuration("idle_timeout");
    if (column.isEmpty() || columns.isEmpty()) {
      return Optional.empty();
    }
    Position at = w.valuePosition("column");
    Optional<ColumnDef> def = columns.get().stream().filter(c -> c.name().equalsIgnoreCase(column.get())).findFirst();
    if (def.isEmpty()) {
      List<String> names = columns.get().stream().map(ColumnDef::name).toList();
      w.error(at, "watermark column '" + column.get() + "' is not a column of " + owner.label() + "."
          + Suggestions.didYouMean(column.get(), names) + " Columns: " + String.join(", ", names));
      return Optional.empty();
    }
    if (def.get().type() != ColumnType.TIMESTAMP && def.get().type() != ColumnType.TIMESTAMP_LTZ) {
      w.error(at, "watermark column '" + def.get().name() + "' of " + owner.label() + " must be a TIMESTAMP, "
          + "TIMESTAMP(6) or TIMESTAMP_LTZ, but it is " + def.get().typeName());
      return Optional.empty();
    }
    return Optional.of(new WatermarkConfig(def.get().name(), lateness, at, idleTimeout));
  }
}
