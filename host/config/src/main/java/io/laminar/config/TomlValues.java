package io.laminar.config;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.Temporal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tomlj.TomlArray;
import org.tomlj.TomlKeyValue;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/** Small helpers over tomlj: positions with a file, the keys of a table as {@link Field}s, type names. */
final class TomlValues {
  private TomlValues() {
  }

  /** A tomlj position in {@code file}, or {@code fallback} when tomlj has none (implicit tables). */
  static Position position(Path file, TomlPosition p, Position fallback, Reading reading) {
    return p == null ? fallback : new Position(file, reading.originalLine(file, p.line()), p.column());
  }

  /** The keys of {@code table} in file order, each with its key and value positions. */
  static Map<String, Field> fields(TomlTable table, Position tablePosition, Reading reading) {
    Map<String, Field> out = new LinkedHashMap<>();
    Path file = tablePosition.file();
    for (Map.Entry<String, Object> e : table.entrySet()) {
      List<String> path = List.of(e.getKey());
      Position keyPos = position(file, table.inputPositionOf(path), tablePosition, reading);
      TomlKeyValue kv = table.entry(path);
      Position valuePos = kv == null || kv.value() == null ? keyPos : position(file, kv.value().position(), keyPos, reading);
      out.put(e.getKey(), new Field(e.getKey(), e.getValue(), keyPos, valuePos));
    }
    return out;
  }

  /** The position of element {@code index} of {@code array}, or {@code fallback}. */
  static Position elementPosition(TomlArray array, int index, Position fallback, Reading reading) {
    return position(fallback.file(), array.inputPositionOf(index), fallback, reading);
  }

  /** Whether the array is non-empty and holds only tables ({@code [[x]]} or inline tables). */
  static boolean isArrayOfTables(Object value) {
    if (!(value instanceof TomlArray)) {
      return false;
    }
    TomlArray a = (TomlArray) value;
    for (int i = 0; i < a.size(); i++) {
      if (!a.isTable(i)) {
        return false;
      }
    }
    return true;
  }

  /** "a string", "an integer", … for error messages. */
  static String describe(Object value) {
    if (value instanceof String) {
      return "a string";
    } else if (value instanceof Long) {
      return "an integer";
    } else if (value instanceof Double) {
      return "a float";
    } else if (value instanceof Boolean) {
      return "a boolean";
    } else if (value instanceof TomlArray) {
      return isArrayOfTables(value) && !((TomlArray) value).isEmpty() ? "an array of tables" : "an array";
    } else if (value instanceof TomlTable) {
      return "a table";
    } else if (value instanceof LocalDate) {
      return "a date";
    } else if (value instanceof LocalTime) {
      return "a time";
    } else if (value instanceof Temporal) {
      return "a date-time";
    }
    return "a " + value.getClass().getSimpleName();
  }
}
