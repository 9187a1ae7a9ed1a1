package io.laminar.iceberg;

import io.laminar.api.ConnectorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Types;

/**
 * Parses {@code partition.spec}: comma-separated terms, each a column (identity) or a transform of
 * one, {@code year(ts)}, {@code month(ts)}, {@code day(ts)}, {@code hour(ts)}, {@code bucket(16, id)},
 * {@code truncate(4, name)} (the number may also come second, as Trino writes it). Every bad term is
 * reported, each with its character position in the value, and a misspelt column or transform with
 * the closest valid name.
 */
final class PartitionSpecParser {
  private static final Map<String, String> UNARY = Map.of("identity", "identity", "year", "year", "years", "year",
      "month", "month", "months", "month", "day", "day", "days", "day", "hour", "hour", "hours", "hour");
  private static final List<String> TRANSFORMS = List.of("identity", "year", "month", "day", "hour", "bucket",
      "truncate");

  private final String text;
  private final Schema schema;
  private final List<String> problems = new ArrayList<>();
  private int pos;

  private PartitionSpecParser(String text, Schema schema) {
    this.text = text;
    this.schema = schema;
  }

  /** The spec, or an {@code INVALID_PROPERTY} naming every bad term. */
  static PartitionSpec parse(String text, Schema schema) throws ConnectorException {
    PartitionSpecParser p = new PartitionSpecParser(text, schema);
    PartitionSpec spec = p.spec();
    if (!p.problems.isEmpty()) {
      throw ConnectorException.invalidProperty(IcebergSettings.PARTITION_SPEC, text, String.join("; ", p.problems));
    }
    return spec;
  }

  private PartitionSpec spec() {
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    while (true) {
      skipSpaces();
      int start = pos;
      Term term = term();
      if (term != null) {
        add(builder, term);
      } else {
        skipTo(',');
      }
      skipSpaces();
      if (pos >= text.length()) {
        break;
      }
      if (text.charAt(pos) == ',') {
        pos++;
        continue;
      }
      error(pos, "expected ',' between terms after '" + text.substring(start, pos).trim() + "'");
      skipTo(',');
      if (pos >= text.length()) {
        break;
      }
      pos++;
    }
    return problems.isEmpty() ? builder.build() : PartitionSpec.unpartitioned();
  }

  /** One parsed term: a transform (null for a bare column) of a column, with a width for bucket/truncate. */
  private record Term(int at, String function, String column, int columnAt, Integer width) {
  }

  private Term term() {
    int at = pos;
    String name = identifier();
    if (name == null) {
      error(at, pos < text.length() ? "expected a column or a transform, found '" + text.charAt(pos) + "'"
          : "expected a column or a transform after ','");
      return null;
    }
    skipSpaces();
    if (pos >= text.length() || text.charAt(pos) != '(') {
      return new Term(at, null, name, at, null);
    }
    pos++;
    skipSpaces();
    List<Object> args = new ArrayList<>();
    List<Integer> argAt = new ArrayList<>();
    while (true) {
      skipSpaces();
      argAt.add(pos);
      Integer number = number();
      Object arg = number != null ? number : identifier();
      if (arg == null) {
        error(pos, "expected a column name or a number in " + name + "(…)");
        skipPastParen();
        return null;
      }
      args.add(arg);
      skipSpaces();
      if (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
        continue;
      }
      if (pos < text.length() && text.charAt(pos) == ')') {
        pos++;
        break;
      }
      error(pos, "expected ',' or ')' in " + name + "(…)");
      skipPastParen();
      return null;
    }
    String function = name.toLowerCase(Locale.ROOT);
    if (function.equals("bucket") || function.equals("truncate")) {
      if (args.size() != 2 || args.get(0).getClass() == args.get(1).getClass()) {
        error(at, function + " takes a number and a column: " + function + "(" + (function.equals("bucket") ? "16" : "4")
            + ", column)");
        return null;
      }
      int columnIndex = args.get(0) instanceof String ? 0 : 1;
      return new Term(at, function, (String) args.get(columnIndex), argAt.get(columnIndex),
          (Integer) args.get(1 - columnIndex));
    }
    if (!UNARY.containsKey(function)) {
      error(at, "unknown transform '" + name + "'" + Names.didYouMean(name, TRANSFORMS)
          + "; use a column, year(col), month(col), day(col), hour(col), bucket(N, col) or truncate(W, col)");
      return null;
    }
    if (args.size() != 1 || !(args.get(0) instanceof String)) {
      error(at, function + " takes one column: " + function + "(column)");
      return null;
    }
    return new Term(at, UNARY.get(function), (String) args.get(0), argAt.get(0), null);
  }

  private void add(PartitionSpec.Builder builder, Term t) {
    Types.NestedField field = schema.findField(t.column());
    if (field == null) {
      error(t.columnAt(), "column '" + t.column() + "' is not in the pipeline's output" + Names.didYouMean(t.column(),
          schema.columns().stream().map(Types.NestedField::name).toList()));
      return;
    }
    String function = t.function() == null ? "identity" : t.function();
    if (t.width() != null && t.width() < 1) {
      error(t.at(), function + " needs a positive number, not " + t.width());
      return;
    }
    Transform<?, ?> transform = switch (function) {
      case "identity" -> Transforms.identity();
      case "year" -> Transforms.year();
      case "month" -> Transforms.month();
      case "day" -> Transforms.day();
      case "hour" -> Transforms.hour();
      case "bucket" -> Transforms.bucket(t.width());
      case "truncate" -> Transforms.truncate(t.width());
      default -> throw new AssertionError(function);
    };
    if (!transform.canTransform(field.type())) {
      error(t.at(), function + "(" + t.column() + ") cannot partition '" + t.column() + "', a " + field.type()
          + " column" + (function.equals("hour") || UNARY.containsKey(function) && !function.equals("identity")
              ? " (" + function + " takes a timestamp" + (function.equals("hour") ? "" : " or date") + ")" : ""));
      return;
    }
    try {
      switch (function) {
        case "identity" -> builder.identity(t.column());
        case "year" -> builder.year(t.column());
        case "month" -> builder.month(t.column());
        case "day" -> builder.day(t.column());
        case "hour" -> builder.hour(t.column());
        case "bucket" -> builder.bucket(t.column(), t.width());
        case "truncate" -> builder.truncate(t.column(), t.width());
        default -> throw new AssertionError(function);
      }
    } catch (IllegalArgumentException e) {
      error(t.at(), e.getMessage());
    }
  }

  private String identifier() {
    if (pos < text.length() && text.charAt(pos) == '`') {
      int end = text.indexOf('`', pos + 1);
      if (end < 0) {
        error(pos, "unclosed `");
        pos = text.length();
        return null;
      }
      String name = text.substring(pos + 1, end);
      pos = end + 1;
      return name;
    }
    int start = pos;
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    if (pos == start || Character.isDigit(text.charAt(start))) {
      pos = start;
      return null;
    }
    return text.substring(start, pos);
  }

  private Integer number() {
    int start = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      return null;
    }
    if (pos < text.length() && (Character.isLetter(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos = start;
      return null;
    }
    try {
      return Integer.parseInt(text.substring(start, pos));
    } catch (NumberFormatException e) {
      error(start, "number " + text.substring(start, pos) + " is too large");
      return 0;
    }
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  /** Skips past the ')' that closes the term being read (or to the end). */
  private void skipPastParen() {
    int depth = 0;
    while (pos < text.length()) {
      char ch = text.charAt(pos++);
      if (ch == '(') {
        depth++;
      } else if (ch == ')' && depth-- == 0) {
        return;
      }
    }
  }

  /** Skips to the next top-level {@code c} (or the end). */
  private void skipTo(char c) {
    int depth = 0;
    while (pos < text.length()) {
      char ch = text.charAt(pos);
      if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        depth = Math.max(0, depth - 1);
      } else if (ch == c && depth == 0) {
        return;
      }
      pos++;
    }
  }

  private void error(int at, String message) {
    problems.add("at character " + (at + 1) + ": " + message);
  }
}
