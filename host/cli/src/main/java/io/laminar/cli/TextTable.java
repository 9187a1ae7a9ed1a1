package io.laminar.cli;

import java.util.List;

/** Left-aligned columns separated by two spaces; the last column is not padded. */
final class TextTable {
  private TextTable() {
  }

  static String render(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] r : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], r[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      for (int c = 0; c < columns; c++) {
        sb.append(r[c]);
        if (c < columns - 1) {
          sb.append(" ".repeat(widths[c] - r[c].length() + 2));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
