package io.laminar.sql;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Rejects, before validation and with the exact position, the SQL a stream cannot answer:
 * ORDER BY, LIMIT/OFFSET/FETCH and window functions (OVER).
 */
final class UnsupportedSyntax extends SqlBasicVisitor<Void> {
  private final SqlCompiler.Errors errors;

  UnsupportedSyntax(SqlCompiler.Errors errors) {
    this.errors = errors;
  }

  void check(SqlNode node) {
    node.accept(this);
  }

  @Override
  public Void visit(SqlCall call) {
    if (call instanceof SqlOrderBy orderBy) {
      checkOrderAndLimit(orderBy.orderList, orderBy.offset, orderBy.fetch);
    } else if (call instanceof SqlSelect select) {
      checkOrderAndLimit(select.getOrderList(), select.getOffset(), select.getFetch());
    } else if (call.getKind() == SqlKind.OVER) {
      errors.add(call.getParserPosition(), "window functions (OVER) are not supported on a stream; "
          + "aggregate over TUMBLE, HOP or SESSION windows with GROUP BY instead");
      return null;
    }
    return super.visit(call);
  }

  private void checkOrderAndLimit(SqlNodeList orderList, SqlNode offset, SqlNode fetch) {
    if (orderList != null && !orderList.isEmpty()) {
      errors.add(orderList.get(0).getParserPosition(),
          "ORDER BY is not supported: a stream never ends, so it cannot be sorted");
    }
    if (fetch != null) {
      errors.add(fetch.getParserPosition(), "LIMIT/FETCH is not supported on a stream");
    }
    if (offset != null) {
      errors.add(offset.getParserPosition(), "OFFSET is not supported on a stream");
    }
  }
}
