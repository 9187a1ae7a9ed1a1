package io.laminar.config;

import java.util.Arrays;

/**
 * Removes blank and comment-only lines from a TOML text before tomlj sees it, and maps tomlj's line
 * numbers back to the original file.
 *
 * <p>Why: tomlj's error-recovery strategy looks ahead over every newline and comment token at each
 * top-level step, so parse time grows with the square of the longest run of such lines (4,000 blank
 * lines took over a minute). Those lines carry no meaning outside multi-line strings, so dropping
 * them is safe; lines inside {@code """…"""} and {@code '''…'''} are kept because they are content.
 * Only whole lines are removed, so columns stay as written.
 */
final class TriviaLines {
  /** The text tomlj parses, and for each of its lines (0-based) the 1-based line of the original. */
  record Stripped(String text, int[] originalLine, int originalLineCount) {
    /** The original line of tomlj's 1-based {@code line}; past the end, counted on from the last line. */
    int original(int line) {
      if (line < 1) {
        return line;
      }
      if (line <= originalLine.length) {
        return originalLine[line - 1];
      }
      return originalLineCount + (line - originalLine.length);
    }
  }

  private enum State { NORMAL, MULTILINE_BASIC, MULTILINE_LITERAL }

  private TriviaLines() {
  }

  static Stripped strip(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int[] map = new int[16];
    int kept = 0;
    int lineNumber = 0;
    State state = State.NORMAL;
    int at = 0;
    while (at < text.length()) {
      int newline = text.indexOf('\n', at);
      int end = newline < 0 ? text.length() : newline + 1;
      lineNumber++;
      boolean keep = state != State.NORMAL || !isTrivia(text, at, end);
      state = scan(text, at, end, state);
      if (keep) {
        out.append(text, at, end);
        if (kept == map.length) {
          map = Arrays.copyOf(map, kept * 2);
        }
        map[kept++] = lineNumber;
      }
      at = end;
    }
    return new Stripped(out.toString(), Arrays.copyOf(map, kept), lineNumber);
  }

  /** Whether {@code [from, to)} holds only spaces, tabs, a line end and perhaps a comment. */
  private static boolean isTrivia(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '#') {
        return true;
      }
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return false;
      }
    }
    return true;
  }

  /** The string state after the line {@code [from, to)}, given the state before it. */
  private static State scan(String text, int from, int to, State state) {
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      switch (state) {
        case MULTILINE_BASIC -> {
          if (c == '\\') {
            i += 2;
            continue;
          }
          if (text.startsWith("\"\"\"", i)) {
            state = State.NORMAL;
            i += 3;
            continue;
          }
        }
        case MULTILINE_LITERAL -> {
          if (text.startsWith("'''", i)) {
            state = State.NORMAL;
            i += 3;
            continue;
          }
        }
        case NORMAL -> {
          if (c == '#') {
            return state;
          }
          if (text.startsWith("\"\"\"", i)) {
            state = State.MULTILINE_BASIC;
            i += 3;
            continue;
          }
          if (text.startsWith("'''", i)) {
            state = State.MULTILINE_LITERAL;
            i += 3;
            continue;
          }
          if (c == '"') {
            i = endOfBasicString(text, i + 1, to);
            continue;
          }
          if (c == '\'') {
            int close = text.indexOf('\'', i + 1);
            i = close < 0 || close >= to ? to : close + 1;
            continue;
          }
        }
        default -> throw new AssertionError(state);
      }
      i++;
    }
    return state;
  }

  private static int endOfBasicString(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"' || c == '\n') {
        return i + 1;
      }
    }
    return to;
  }
}
