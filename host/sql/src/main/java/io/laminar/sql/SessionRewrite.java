package io.laminar.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Rewrites {@code SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), gap)} into Calcite's
 * {@code SESSION(TABLE t, DESCRIPTOR(ts), DESCRIPTOR(k), gap)}: Calcite's SESSION has row semantics
 * and rejects the PARTITION BY form, though both mean the same.
 */
final class SessionRewrite extends SqlShuttle {

  @Override
  public SqlNode visit(SqlCall call) {
    if (call.getOperator().getName().toUpperCase(Locale.ROOT).equals("SESSION") && call.operandCount() == 3
        && call.operand(0) instanceof SqlCall table && table.getKind() == SqlKind.SET_SEMANTICS_TABLE) {
      SqlNodeList partition = table.operand(1);
      List<SqlNode> operands = new ArrayList<>();
      operands.add(table.operand(0));
      operands.add(call.operand(1));
      operands.add(SqlStdOperatorTable.DESCRIPTOR.createCall(partition.getParserPosition(), partition.getList()));
      operands.add(call.operand(2));
      return call.getOperator().createCall(call.getFunctionQuantifier(), call.getParserPosition(), operands);
    }
    return super.visit(call);
  }
}
