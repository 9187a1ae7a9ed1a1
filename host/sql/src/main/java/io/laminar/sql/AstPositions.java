package io.laminar.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Finds where in the parsed SQL a construct is, so that errors found on the relational plan (which
 * carries no positions) still point at the right place.
 */
final class AstPositions {
  private final SqlNode root;
  private final String sql;

  AstPositions(SqlNode root) {
    this(root, null);
  }

  /** With the SQL text, so {@link #text} can quote the parsed constructs. */
  AstPositions(SqlNode root, String sql) {
    this.root = root;
    this.sql = sql;
  }

  /** Every call matching {@code test}, in the order of the text. */
  List<SqlCall> all(Predicate<SqlCall> test) {
    List<SqlCall> found = new ArrayList<>();
    root.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        if (test.test(call)) {
          found.add(call);
        }
        return super.visit(call);
      }
    });
    return found;
  }

  /** The origin of the call at {@code pos} (as found by {@link #find}), or null if none is there. */
  io.laminar.plan.Expr.Origin origin(SqlParserPos pos) {
    List<SqlCall> at = all(c -> c.getParserPosition().equals(pos));
    if (at.isEmpty() || pos.getLineNum() <= 0) {
      return null;
    }
    return new io.laminar.plan.Expr.Origin(pos.getLineNum(), pos.getColumnNum(), text(at.get(0)));
  }

  /** The SQL text a node was parsed from, or its unparsed form when the text is not known. */
  String text(SqlNode node) {
    SqlParserPos pos = node.getParserPosition();
    if (sql != null && pos.getLineNum() > 0) {
      String[] lines = sql.split("\r?\n", -1);
      if (pos.getEndLineNum() <= lines.length) {
        StringBuilder b = new StringBuilder();
        for (int l = pos.getLineNum(); l <= pos.getEndLineNum(); l++) {
          String line = lines[l - 1];
          int from = l == pos.getLineNum() ? pos.getColumnNum() - 1 : 0;
          int to = l == pos.getEndLineNum() ? Math.min(line.length(), pos.getEndColumnNum()) : line.length();
          if (from >= 0 && from <= to) {
            b.append(l == pos.getLineNum() ? "" : " ").append(line, from, to);
          }
        }
        if (b.length() > 0) {
          return b.toString().strip();
        }
      }
    }
    return node.toString();
  }

  /** The first call matching {@code test}, or the query's own position. */
  SqlParserPos find(Predicate<SqlCall> test) {
    SqlParserPos[] found = new SqlParserPos[1];
    root.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        if (found[0] == null && test.test(call)) {
          found[0] = call.getParserPosition();
          return null;
        }
        return super.visit(call);
      }
    });
    return found[0] != null ? found[0] : root.getParserPosition();
  }

  /** The first call of the named function or operator. */
  SqlParserPos function(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    return find(c -> c.getOperator().getName().toUpperCase(Locale.ROOT).equals(n));
  }

  /** The first join. */
  SqlParserPos join() {
    return find(c -> c instanceof SqlJoin);
  }

  /** The first GROUP BY list. */
  SqlParserPos groupBy() {
    SqlParserPos[] found = new SqlParserPos[1];
    find(c -> {
      if (c instanceof SqlSelect s && s.getGroup() != null && found[0] == null) {
        found[0] = s.getGroup().size() > 0 ? s.getGroup().get(0).getParserPosition() : s.getGroup().getParserPosition();
        return true;
      }
      return false;
    });
    return found[0] != null ? found[0] : root.getParserPosition();
  }

  /** The first call of a kind. */
  SqlParserPos kind(SqlKind kind) {
    return find(c -> c.getKind() == kind);
  }
}
