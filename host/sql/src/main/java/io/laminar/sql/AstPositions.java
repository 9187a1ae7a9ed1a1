package io.laminar.sql;

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

  AstPositions(SqlNode root) {
    this.root = root;
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
