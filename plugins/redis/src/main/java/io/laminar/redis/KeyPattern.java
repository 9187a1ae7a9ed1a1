package io.laminar.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A key pattern such as {@code instrument:{exchange}:{symbol}}: literal text with {@code {column}}
 * references ({@code {{} and {@code }}} write literal braces). A row's key is the literal text with
 * each reference replaced by the column's text form ({@link ColumnType#encodeText}).
 */
final class KeyPattern {
  /** A literal piece ({@code column} null) or a column reference. */
  private record Part(byte[] literal, String column, int position) {
  }

  private final String text;
  private final List<Part> parts;

  private KeyPattern(String text, List<Part> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses {@code text}; on a syntax error the message says what is wrong and at which character
   * (1-based) of the pattern.
   */
  static KeyPattern parse(String text) throws PatternError {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '{' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        literal.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
        literal.append('}');
        i += 2;
      } else if (c == '}') {
        throw new PatternError("'}' at character " + (i + 1) + " closes no '{' (write '}}' for a literal brace)");
      } else if (c == '{') {
        int end = text.indexOf('}', i + 1);
        if (end < 0) {
          throw new PatternError("'{' at character " + (i + 1) + " is never closed");
        }
        String column = text.substring(i + 1, end);
        if (column.isBlank() || column.indexOf('{') >= 0) {
          throw new PatternError("'{" + column + "}' at character " + (i + 1) + " does not name a column");
        }
        if (literal.length() > 0) {
          parts.add(new Part(literal.toString().getBytes(StandardCharsets.UTF_8), null, 0));
          literal.setLength(0);
        }
        parts.add(new Part(null, column, i + 1));
        i = end + 1;
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      parts.add(new Part(literal.toString().getBytes(StandardCharsets.UTF_8), null, 0));
    }
    if (parts.stream().noneMatch(p -> p.column() != null)) {
      throw new PatternError("it names no column: every row would get the same key (write e.g. 'user:{id}')");
    }
    return new KeyPattern(text, parts);
  }

  /** A problem with the pattern's syntax or its columns. */
  static final class PatternError extends Exception {
    private static final long serialVersionUID = 1L;

    PatternError(String message) {
      super(message, null, false, false);
    }
  }

  /** The referenced columns, in order of first appearance. */
  Set<String> columns() {
    Set<String> out = new LinkedHashSet<>();
    parts.stream().filter(p -> p.column() != null).forEach(p -> out.add(p.column()));
    return out;
  }

  /** The 1-based character position of the first reference to {@code column}. */
  int positionOf(String column) {
    return parts.stream().filter(p -> column.equals(p.column())).mapToInt(Part::position).findFirst().orElse(0);
  }

  /**
   * Checks every reference against {@code allowed} (the primary key for a lookup, the columns for a
   * sink); returns the problems, each naming the column and its position in the pattern.
   */
  List<String> problems(List<String> allowed, String role, String listName) {
    List<String> problems = new ArrayList<>();
    for (String column : columns()) {
      if (!allowed.contains(column)) {
        problems.add("'{" + column + "}' at character " + positionOf(column) + " is not " + role
            + Suggest.didYouMean(column, allowed) + "; " + listName + ": " + String.join(", ", allowed));
      }
    }
    return problems;
  }

  /** The pattern as written. */
  @Override
  public String toString() {
    return text;
  }

  /** Binds the pattern to the columns of {@code root}, by name. */
  Renderer bind(VectorSchemaRoot root, List<ColumnType> types) {
    return new Renderer(root, types);
  }

  /** Renders keys of one batch's rows into reusable buffers. */
  final class Renderer {
    private final FieldVector[] vectors;
    private final ColumnType[] types;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);

    private Renderer(VectorSchemaRoot root, List<ColumnType> allTypes) {
      vectors = new FieldVector[parts.size()];
      types = new ColumnType[parts.size()];
      List<String> names = root.getSchema().getFields().stream().map(f -> f.getName()).toList();
      for (int i = 0; i < parts.size(); i++) {
        String column = parts.get(i).column();
        if (column != null) {
          int c = names.indexOf(column);
          vectors[i] = root.getVector(c);
          types[i] = allTypes.get(c);
        }
      }
    }

    /** The key of {@code row}, or empty if one of its columns is NULL. */
    Optional<byte[]> render(int row) {
      buffer.reset();
      for (int i = 0; i < parts.size(); i++) {
        Part p = parts.get(i);
        if (p.column() == null) {
          buffer.writeBytes(p.literal());
        } else if (vectors[i].isNull(row)) {
          return Optional.empty();
        } else {
          buffer.writeBytes(types[i].encodeText(vectors[i], row));
        }
      }
      return Optional.of(buffer.toByteArray());
    }
  }
}
