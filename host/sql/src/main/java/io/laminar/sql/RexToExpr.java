package io.laminar.sql;

import io.laminar.plan.Expr;
import io.laminar.plan.Expr.Op;
import io.laminar.plan.SqlType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/** Translates Calcite row expressions into plan expressions; unsupported ones raise {@link PlanningException}. */
final class RexToExpr {
  private final RexBuilder rexBuilder;
  private final AstPositions positions;

  RexToExpr(RexBuilder rexBuilder, AstPositions positions) {
    this.rexBuilder = rexBuilder;
    this.positions = positions;
  }

  Expr translate(RexNode node) {
    return convert(RexUtil.expandSearch(rexBuilder, null, node));
  }

  private Expr convert(RexNode node) {
    if (node instanceof RexInputRef ref) {
      return new Expr.ColumnRef(ref.getIndex(), type(node));
    }
    if (node instanceof RexLiteral literal) {
      return literal(literal);
    }
    if (node instanceof RexCall call) {
      return call(call);
    }
    throw new PlanningException("expression " + node + " is not supported", positions.find(c -> false));
  }

  private SqlType type(RexNode node) {
    SqlType t = ArrowTypes.planType(node.getType());
    if (t == null) {
      throw new PlanningException("type " + node.getType().getFullTypeString() + " is not supported",
          positions.find(c -> false));
    }
    return t;
  }

  private Expr literal(RexLiteral literal) {
    if (literal.getType().getSqlTypeName() == SqlTypeName.NULL) {
      return new Expr.Literal(null, SqlType.INT);
    }
    SqlType t = type(literal);
    if (literal.isNull()) {
      return new Expr.Literal(null, t);
    }
    Object value = switch (t) {
      case BOOLEAN -> literal.getValueAs(Boolean.class);
      case INT -> literal.getValueAs(BigDecimal.class).intValueExact();
      case BIGINT -> literal.getValueAs(BigDecimal.class).longValueExact();
      case FLOAT -> literal.getValueAs(BigDecimal.class).floatValue();
      case DOUBLE -> literal.getValueAs(Double.class);
      case VARCHAR -> literal.getValueAs(String.class);
      case TIMESTAMP -> literal.getValueAs(Long.class);
      case DATE -> literal.getValueAs(Integer.class);
      case INTERVAL -> literal.getValueAs(BigDecimal.class).longValueExact();
    };
    return new Expr.Literal(value, t);
  }

  private Expr call(RexCall call) {
    SqlOperator op = call.getOperator();
    SqlKind kind = call.getKind();
    if (kind == SqlKind.REINTERPRET || kind == SqlKind.PLUS_PREFIX) {
      return convert(call.getOperands().get(0));
    }
    Op planOp = switch (kind) {
      case PLUS -> Op.PLUS;
      case MINUS -> Op.MINUS;
      case TIMES -> Op.TIMES;
      case DIVIDE -> Op.DIVIDE;
      case MOD -> Op.MOD;
      case MINUS_PREFIX -> Op.NEGATE;
      case EQUALS -> Op.EQ;
      case NOT_EQUALS -> Op.NE;
      case LESS_THAN -> Op.LT;
      case LESS_THAN_OR_EQUAL -> Op.LE;
      case GREATER_THAN -> Op.GT;
      case GREATER_THAN_OR_EQUAL -> Op.GE;
      case AND -> Op.AND;
      case OR -> Op.OR;
      case NOT -> Op.NOT;
      case IS_NULL -> Op.IS_NULL;
      case IS_NOT_NULL -> Op.IS_NOT_NULL;
      case IS_TRUE -> Op.IS_TRUE;
      case IS_FALSE -> Op.IS_FALSE;
      case IS_NOT_TRUE -> Op.IS_NOT_TRUE;
      case IS_NOT_FALSE -> Op.IS_NOT_FALSE;
      case CASE -> Op.CASE;
      case CAST -> Op.CAST;
      case COALESCE -> Op.COALESCE;
      case LIKE -> op instanceof SqlLikeOperator like && like.isNegated() ? Op.NOT_LIKE : Op.LIKE;
      case TUMBLE -> Op.TUMBLE_START;
      case HOP -> throw new PlanningException("GROUP BY HOP(time, slide, size) is not supported; use the table "
          + "function: FROM TABLE(HOP(TABLE t, DESCRIPTOR(time), slide, size)) … GROUP BY window_start, window_end",
          positions.function(op.getName()));
      case SESSION -> throw new PlanningException("GROUP BY SESSION(time, gap) is not supported; use the table "
          + "function: FROM TABLE(SESSION(TABLE t PARTITION BY key, DESCRIPTOR(time), gap)) … GROUP BY window_start, "
          + "window_end, key", positions.function(op.getName()));
      default -> byOperator(op);
    };
    if (planOp == null) {
      throw new PlanningException("function " + op.getName() + " is not supported", positions.function(op.getName()));
    }
    List<Expr> args = new ArrayList<>();
    for (RexNode operand : call.getOperands()) {
      args.add(convert(operand));
    }
    SqlType result = type(call);
    check(planOp, args, result, op);
    return new Expr.Call(planOp, result, args);
  }

  private static Op byOperator(SqlOperator op) {
    if (op == SqlStdOperatorTable.UPPER) {
      return Op.UPPER;
    }
    if (op == SqlStdOperatorTable.LOWER) {
      return Op.LOWER;
    }
    if (op == SqlStdOperatorTable.CONCAT) {
      return Op.CONCAT;
    }
    if (op == SqlStdOperatorTable.SUBSTRING) {
      return Op.SUBSTRING;
    }
    if (op == SqlStdOperatorTable.CHAR_LENGTH || op == SqlStdOperatorTable.CHARACTER_LENGTH) {
      return Op.CHAR_LENGTH;
    }
    return null;
  }

  /** Rejects argument shapes the runtime does not evaluate. */
  private void check(Op op, List<Expr> args, SqlType result, SqlOperator operator) {
    switch (op) {
      case LIKE, NOT_LIKE -> {
        for (int i = 1; i < args.size(); i++) {
          if (!(args.get(i) instanceof Expr.Literal)) {
            throw new PlanningException("LIKE needs a constant pattern", positions.kind(SqlKind.LIKE));
          }
        }
      }
      case TUMBLE_START -> {
        if (!(args.size() == 2 && args.get(1) instanceof Expr.Literal)) {
          throw new PlanningException("TUMBLE(time, interval) needs a constant interval", positions.function("TUMBLE"));
        }
      }
      case CAST -> {
        SqlType from = args.get(0).type();
        if (!castSupported(from, result)) {
          throw new PlanningException("CAST from " + from + " to " + result + " is not supported",
              positions.kind(SqlKind.CAST));
        }
      }
      default -> {
        // every other operator takes any argument types Calcite's validator accepted
      }
    }
  }

  static boolean castSupported(SqlType from, SqlType to) {
    if (from == to || to == SqlType.VARCHAR || from == SqlType.VARCHAR) {
      return true;
    }
    if (from.isNumeric() && to.isNumeric()) {
      return true;
    }
    return (from == SqlType.TIMESTAMP && to == SqlType.DATE) || (from == SqlType.DATE && to == SqlType.TIMESTAMP)
        || (from == SqlType.INTERVAL && to.isNumeric());
  }
}
