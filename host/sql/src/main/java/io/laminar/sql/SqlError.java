package io.laminar.sql;

/**
 * A compile error of one pipeline's SQL, at a 1-based {@code line} and {@code column} of
 * {@code sql} (0 when no position is known).
 */
public record SqlError(String pipeline, String sql, int line, int column, String message) {

  /**
   * The error for a person: which pipeline, the message, the offending SQL line and a caret under
   * the column.
   */
  public String format() {
    StringBuilder b = new StringBuilder("pipeline '").append(pipeline).append("'");
    if (line > 0) {
      b.append(" (line ").append(line).append(", column ").append(column).append(")");
    }
    b.append(": ").append(message);
    String[] lines = sql == null ? new String[0] : sql.split("\r?\n", -1);
    if (line > 0 && line <= lines.length) {
      String text = lines[line - 1];
      b.append("\n  ").append(text).append("\n  ");
      int caret = Math.max(1, column);
      for (int i = 0; i < caret - 1 && i < text.length(); i++) {
        // keep tabs so the caret lines up under tab-indented SQL
        b.append(text.charAt(i) == '\t' ? '\t' : ' ');
      }
      b.append('^');
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
