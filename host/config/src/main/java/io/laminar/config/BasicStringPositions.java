package io.laminar.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * Maps a position in the decoded text of a TOML basic string ({@code "…"} or {@code """…"""}) back to
 * the file, through its escapes: {@code \"} or {@code \t} is one character of SQL but two of the
 * file, {@code \n} starts a new SQL line on the same file line, and a line-ending backslash joins
 * lines. Literal strings ({@code '…'}) have no escapes and need no mapping.
 */
final class BasicStringPositions {
  private BasicStringPositions() {
  }

  /**
   * The file position of 1-based {@code sqlLine}/{@code sqlColumn} of a string whose first
   * character is at {@code start}, or null when the string is not a basic string with escapes (or
   * the file cannot be read again).
   */
  static Position map(Position start, int sqlLine, int sqlColumn) {
    List<String> lines;
    try {
      lines = Files.readAllLines(start.file(), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (start.line() < 1 || start.line() > lines.size() || !basic(lines, start)) {
      return null;
    }
    boolean multiLine = start.column() == 1
        || lines.get(start.line() - 1).startsWith("\"\"\"", Math.max(0, start.column() - 4));
    int rawLine = start.line();
    int rawCol = start.column();
    int line = 1;
    int col = 1;
    boolean sawEscape = false;
    while (rawLine <= lines.size()) {
      if (line == sqlLine && col == sqlColumn) {
        return sawEscape ? new Position(start.file(), rawLine, rawCol) : null;
      }
      String text = lines.get(rawLine - 1);
      if (rawCol > text.length()) {
        // the end of a file line is a newline of the SQL
        rawLine++;
        rawCol = 1;
        line++;
        col = 1;
        continue;
      }
      char c = text.charAt(rawCol - 1);
      if (c == '"' && (!multiLine || text.startsWith("\"\"\"", rawCol - 1))) {
        return null; // the end of the string: the position is beyond it
      }
      if (c != '\\') {
        rawCol++;
        col++;
        continue;
      }
      sawEscape = true;
      char next = rawCol < text.length() ? text.charAt(rawCol) : '\n';
      switch (next) {
        case 'u' -> rawCol += 6;
        case 'U' -> rawCol += 10;
        case 'n' -> {
          rawCol += 2;
          line++;
          col = 0;
        }
        case '\n', ' ', '\t' -> {
          // a line-ending backslash: the newline and the whitespace after it are dropped
          rawLine++;
          rawCol = 1;
          while (rawLine <= lines.size() && lines.get(rawLine - 1).isBlank()) {
            rawLine++;
          }
          if (rawLine <= lines.size()) {
            String t = lines.get(rawLine - 1);
            while (rawCol <= t.length() && Character.isWhitespace(t.charAt(rawCol - 1))) {
              rawCol++;
            }
          }
          continue;
        }
        default -> rawCol += 2;
      }
      col++;
    }
    return null;
  }

  /** Whether the string starting at {@code start} is a basic string (opened by a double quote). */
  private static boolean basic(List<String> lines, Position start) {
    if (start.column() > 1) {
      String line = lines.get(start.line() - 1);
      return start.column() - 2 < line.length() && line.charAt(start.column() - 2) == '"';
    }
    return start.line() > 1 && lines.get(start.line() - 2).stripTrailing().endsWith("\"\"\"");
  }
}
