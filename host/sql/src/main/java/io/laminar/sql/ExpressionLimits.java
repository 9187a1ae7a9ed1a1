package io.laminar.sql;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;

/**
 * Refuses, with a position, SQL too deep or too large to plan: parentheses nested beyond a limit
 * (checked on the text, before the recursive parser sees it) and expressions with more operators
 * and operands than one generated method holds. The limits are far above hand-written SQL.
 */
final class ExpressionLimits {
  private ExpressionLimits() {
  }

  /** False (with an error at the first parenthesis too deep) if parentheses nest deeper than {@code max}. */
  static boolean checkNesting(String sql, int max, SqlCompiler.Errors errors) {
    int[] depth = {0};
    boolean[] ok = {true};
    scan(sql, (c, line, column) -> {
      if (c == '(' && ++depth[0] > max) {
        errors.add(line, column, "parentheses nest more than " + max + " levels deep; at most " + max
            + " are supported");
        ok[0] = false;
        return false;
      }
      if (c == ')') {
        depth[0]--;
      }
      return true;
    });
    return ok[0];
  }

  /**
   * The 1-based line and column of a quote ({@code '} or {@code "}) that is never closed, or null.
   * The parser reports such a literal at the token before it; this finds the quote itself.
   */
  static int[] unterminatedQuote(String sql) {
    return scan(sql, (c, line, column) -> true);
  }

  /** Sees one character of SQL outside quotes and comments; false stops the scan. */
  private interface CharVisitor {
    boolean visit(char c, int line, int column);
  }

  /**
   * Hands every character outside quoted text and {@code --} comments to {@code visitor}, with its
   * line and column; returns the position of a quote that is never closed, else null.
   */
  private static int[] scan(String sql, CharVisitor visitor) {
    int line = 1;
    int column = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      column++;
      if (c == '\n') {
        line++;
        column = 0;
      } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        if (end < 0) {
          return null;
        }
        column += end - i - 1;
        i = end - 1;
      } else if (c == '\'' || c == '"' || c == '`') {
        int startLine = line;
        int startColumn = column;
        int k = i + 1;
        while (true) {
          if (k >= sql.length()) {
            return c == '`' ? null : new int[] {startLine, startColumn};
          }
          char d = sql.charAt(k);
          if (d == c && k + 1 < sql.length() && sql.charAt(k + 1) == c) {
            k += 2;
            column += 2;
            continue;
          }
          if (d == c) {
            break;
          }
          if (d == '\n') {
            line++;
            column = 0;
          } else {
            column++;
          }
          k++;
        }
        column++;
        i = k;
      } else if (!visitor.visit(c, line, column)) {
        return null;
      }
    }
    return null;
  }

  /** Records an error for each expression of more than {@code max} operators and operands. */
  static void checkSize(SqlNode node, int max, SqlCompiler.Errors errors) {
    if (node instanceof SqlSelect select) {
      for (SqlNode item : select.getSelectList()) {
        check(item, max, errors);
      }
      check(select.getWhere(), max, errors);
      check(select.getHaving(), max, errors);
      if (select.getGroup() != null) {
        for (SqlNode g : select.getGroup()) {
          check(g, max, errors);
        }
      }
      checkSize(select.getFrom(), max, errors);
    } else if (node instanceof SqlJoin join) {
      checkSize(join.getLeft(), max, errors);
      checkSize(join.getRight(), max, errors);
      check(join.getCondition(), max, errors);
    } else if (node instanceof SqlCall call) {
      for (SqlNode operand : call.getOperandList()) {
        checkSize(operand, max, errors);
      }
    } else if (node instanceof SqlNodeList list) {
      for (SqlNode n : list) {
        checkSize(n, max, errors);
      }
    }
  }

  private static void check(SqlNode expression, int max, SqlCompiler.Errors errors) {
    if (expression == null) {
      return;
    }
    int size = size(expression);
    if (size > max) {
      errors.add(expression.getParserPosition(), "this expression has " + size + " operators and operands; at most "
          + max + " are supported in one expression (an IN list counts as one)");
    }
  }

  /** Operators and operands of an expression; a value list (IN) counts once, a subquery not at all. */
  private static int size(SqlNode node) {
    if (node instanceof SqlSelect) {
      return 0;
    }
    if (node instanceof SqlNodeList) {
      return 1;
    }
    if (node instanceof SqlCall call) {
      int n = 1;
      boolean in = call.getKind() == SqlKind.IN || call.getKind() == SqlKind.NOT_IN;
      for (SqlNode operand : call.getOperandList()) {
        if (operand != null) {
          n += in && operand instanceof SqlNodeList ? 1 : size(operand);
        }
      }
      return n;
    }
    return 1;
  }
}
