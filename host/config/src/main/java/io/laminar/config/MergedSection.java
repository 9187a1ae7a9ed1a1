package io.laminar.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tomlj.TomlTable;

/**
 * A single-instance section ({@code [server]}, …) merged over several files: a later file's key
 * replaces the earlier value, and each value keeps the position of the file it came from.
 */
final class MergedSection {
  private final String label;
  private final List<List<String>> alternatives;
  private final Map<String, Field> fields = new LinkedHashMap<>();
  private Position position;

  /**
   * @param alternatives groups of keys that spell the same setting ({@code url}/{@code path}): a
   *     file that sets one of them replaces all of them, so only one file's choice survives
   */
  MergedSection(String label, List<List<String>> alternatives) {
    this.label = label;
    this.alternatives = alternatives;
  }

  void add(TomlTable table, Position tablePosition, Reading reading) {
    if (position == null) {
      position = tablePosition;
    }
    Map<String, Field> incoming = TomlValues.fields(table, tablePosition, reading);
    for (List<String> group : alternatives) {
      Set<String> present = new HashSet<>(group);
      present.retainAll(incoming.keySet());
      if (!present.isEmpty()) {
        group.forEach(fields::remove);
      }
    }
    fields.putAll(incoming);
  }

  /** A reader over the merged keys; {@code fallback} positions errors when no file had the section. */
  TableReader reader(Reading reading, Position fallback) {
    return new TableReader(label, fields, position == null ? fallback : position, reading);
  }
}
