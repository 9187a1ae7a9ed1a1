package io.laminar.sql;

import io.laminar.plan.Expr;
import io.laminar.plan.Expr.Op;
import io.laminar.plan.SqlType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/** Translates Calcite row expressions into plan expressions; unsupported ones raise {@link PlanningException}. */
final class RexToExpr {
  private final RexBuilder rexBuilder;
  private final AstPositions positions;

  RexToExpr(RexBuilder rexBuilder, AstPositions positions) {
    this.rexBuilder = rexBuilder;
    this.positions = positions;
  }

  private List<String> inputNames = List.of();

  /** Translates an expression over a row whose columns are named by {@code input}. */
  Expr translate(RexNode node, RelDataType input) {
    inputNames = input.getFieldNames();
    return convert(node);
  }

  Expr translate(RexNode node) {
    inputNames = List.of();
    return convert(node);
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
    Object value = switch (t.kind()) {
      case BOOLEAN -> literal.getValueAs(Boolean.class);
      case DECIMAL -> {
        BigDecimal d = decimalValue(literal.getValueAs(BigDecimal.class), t);
        if (d == null) {
          throw new PlanningException("the constant " + literal + " does not fit its type " + t,
              positions.find(c -> false));
        }
        yield d;
      }
      case INT -> literal.getValueAs(BigDecimal.class).intValueExact();
      case BIGINT -> literal.getValueAs(BigDecimal.class).longValueExact();
      case FLOAT -> literal.getValueAs(BigDecimal.class).floatValue();
      case DOUBLE -> literal.getValueAs(Double.class);
      case VARCHAR -> literal.getValueAs(String.class);
      case TIMESTAMP, TIMESTAMP_LTZ -> literal.getValueAs(Long.class);
      case TIMESTAMP_MICROS -> micros(literal.getValueAs(TimestampString.class));
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
    if ((kind == SqlKind.OR || kind == SqlKind.AND) && call.getOperands().size() >= 2) {
      Expr in = valueList(call, kind == SqlKind.OR);
      if (in != null) {
        return in;
      }
    }
    if (kind == SqlKind.SEARCH) {
      Expr in = inList(call);
      return in != null ? in : convert(RexUtil.expandSearch(rexBuilder, null, call));
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
      case SAFE_CAST -> Op.TRY_CAST;
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
    return new Expr.Call(planOp, result, args, canFail(planOp) ? origin(call) : null);
  }

  /** The operators that can fail on a row's values, whose errors name the expression. */
  private static boolean canFail(Op op) {
    return switch (op) {
      case PLUS, MINUS, TIMES, DIVIDE, MOD, NEGATE, ABS, CAST, TRY_CAST -> true;
      default -> false;
    };
  }

  /**
   * Where {@code call} is in the SQL: among the parsed calls of the same operator, the first that
   * references the same columns and constants, else the first of that operator (the relational
   * plan carries no positions). Null for calls Calcite made up (implicit casts).
   */
  private Expr.Origin origin(RexCall call) {
    SqlKind kind = call.getKind();
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    String key = kind == SqlKind.OTHER_FUNCTION ? name : kind.name();
    Candidates found = candidates.computeIfAbsent(key, k -> {
      List<SqlCall> calls = positions.all(c -> kind == SqlKind.OTHER_FUNCTION
          ? c.getOperator().getName().toUpperCase(Locale.ROOT).equals(name) : c.getKind() == kind);
      Map<List<String>, SqlCall> byTokens = new HashMap<>();
      for (SqlCall c : calls) {
        List<String> tokens = new ArrayList<>();
        sqlTokens(c, tokens);
        Collections.sort(tokens);
        byTokens.putIfAbsent(tokens, c);
      }
      return new Candidates(calls, byTokens);
    });
    if (found.calls().isEmpty()) {
      return null;
    }
    List<String> wanted = new ArrayList<>();
    rexTokens(call, wanted);
    Collections.sort(wanted);
    SqlCall chosen = found.byTokens().get(wanted);
    if (chosen == null) {
      if (kind == SqlKind.CAST) {
        return null; // most likely an implicit cast, which cannot fail
      }
      chosen = found.calls().get(0);
    }
    SqlParserPos pos = chosen.getParserPosition();
    return new Expr.Origin(pos.getLineNum(), pos.getColumnNum(), positions.text(chosen));
  }

  /** The parsed calls of one operator, and the first of them for each multiset of columns and constants. */
  private record Candidates(List<SqlCall> calls, Map<List<String>, SqlCall> byTokens) {
  }

  private final Map<String, Candidates> candidates = new HashMap<>();

  private void rexTokens(RexNode node, List<String> out) {
    if (node instanceof RexInputRef ref && ref.getIndex() < inputNames.size()) {
      out.add("c:" + inputNames.get(ref.getIndex()).toLowerCase(Locale.ROOT));
    } else if (node instanceof RexLiteral lit && !SqlTypeName.INTERVAL_TYPES.contains(lit.getTypeName())) {
      Object v = lit.getValue();
      if (v instanceof BigDecimal d) {
        out.add("l:" + d.stripTrailingZeros().toPlainString());
      } else if (v instanceof NlsString str) {
        out.add("l:" + str.getValue());
      }
    } else if (node instanceof RexCall c) {
      for (RexNode o : c.getOperands()) {
        rexTokens(o, out);
      }
    }
  }

  private static void sqlTokens(SqlNode node, List<String> out) {
    if (node instanceof SqlIdentifier id) {
      out.add("c:" + id.names.get(id.names.size() - 1).toLowerCase(Locale.ROOT));
    } else if (node instanceof SqlNumericLiteral n) {
      out.add("l:" + n.bigDecimalValue().stripTrailingZeros().toPlainString());
    } else if (node instanceof SqlCharStringLiteral str) {
      out.add("l:" + str.getValueAs(String.class));
    } else if (node instanceof SqlCall c) {
      for (SqlNode o : c.getOperandList()) {
        if (o != null && !(o instanceof org.apache.calcite.sql.SqlDataTypeSpec)) {
          sqlTokens(o, out);
        }
      }
    }
  }

  /**
   * {@code x IN (constants)} (Calcite's SEARCH over points) as one hash-set probe; NOT IN (the
   * complement of points) as its negation. Null when the search has ranges or values the runtime
   * does not hold, to be expanded into comparisons instead.
   */
  private Expr inList(RexCall search) {
    RexNode argNode = search.getOperands().get(0);
    RexLiteral sargLiteral = (RexLiteral) search.getOperands().get(1);
    Sarg<?> sarg = sargLiteral.getValueAs(Sarg.class);
    if (sarg == null || !(sarg.isPoints() || sarg.isComplementedPoints()) || sarg.pointCount < 1) {
      return null;
    }
    boolean negated = !sarg.isPoints();
    SqlType t = ArrowTypes.planType(sargLiteral.getType());
    if (t == null) {
      return null;
    }
    var ranges = negated ? sarg.rangeSet.complement().asRanges() : sarg.rangeSet.asRanges();
    List<Expr> args = new ArrayList<>();
    Expr arg = convert(argNode);
    if (arg.type() != t) {
      return null;
    }
    args.add(arg);
    for (var range : ranges) {
      Object value = pointValue(range.lowerEndpoint(), t);
      if (value == null) {
        return null;
      }
      args.add(new Expr.Literal(value, t));
    }
    Expr in = new Expr.Call(Op.IN, SqlType.BOOLEAN, args);
    if (negated) {
      in = new Expr.Call(Op.NOT, SqlType.BOOLEAN, List.of(in));
    }
    return switch (sarg.nullAs) {
      case TRUE -> new Expr.Call(Op.OR, SqlType.BOOLEAN, List.of(new Expr.Call(Op.IS_NULL, SqlType.BOOLEAN,
          List.of(arg)), in));
      case FALSE -> new Expr.Call(Op.AND, SqlType.BOOLEAN, List.of(new Expr.Call(Op.IS_NOT_NULL, SqlType.BOOLEAN,
          List.of(arg)), in));
      default -> in;
    };
  }

  /**
   * {@code x = c1 OR x = c2 …} (how IN lists arrive) as {@code x IN (c1, c2, …)}, and
   * {@code x <> c1 AND x <> c2 …} (NOT IN) as its negation: one hash probe instead of a chain of
   * comparisons. Other terms of the OR (AND) stay beside the probe. Null when no expression is
   * compared with two or more constants.
   */
  private Expr valueList(RexCall call, boolean or) {
    SqlKind termKind = or ? SqlKind.EQUALS : SqlKind.NOT_EQUALS;
    Map<RexNode, List<RexNode>> constantsBySubject = new LinkedHashMap<>();
    List<RexNode> others = new ArrayList<>();
    for (RexNode term : call.getOperands()) {
      RexNode subject = null;
      RexNode constant = null;
      if (term instanceof RexCall c && c.getKind() == termKind) {
        RexNode a = c.getOperands().get(0);
        RexNode b = c.getOperands().get(1);
        if (isConstant(a) != isConstant(b)) {
          subject = isConstant(a) ? b : a;
          constant = isConstant(a) ? a : b;
        }
      }
      if (subject == null) {
        others.add(term);
      } else {
        constantsBySubject.computeIfAbsent(subject, k -> new ArrayList<>()).add(constant);
      }
    }
    List<Expr> terms = new ArrayList<>();
    boolean anyList = false;
    for (Map.Entry<RexNode, List<RexNode>> e : constantsBySubject.entrySet()) {
      Expr in = e.getValue().size() < 2 ? null : inExpr(e.getKey(), e.getValue(), or);
      if (in == null) {
        for (RexNode c : e.getValue()) {
          terms.add(convert(rexBuilder.makeCall(or ? SqlStdOperatorTable.EQUALS : SqlStdOperatorTable.NOT_EQUALS,
              e.getKey(), c)));
        }
      } else {
        terms.add(in);
        anyList = true;
      }
    }
    if (!anyList) {
      return null;
    }
    for (RexNode other : others) {
      terms.add(convert(other));
    }
    return terms.size() == 1 ? terms.get(0) : new Expr.Call(or ? Op.OR : Op.AND, SqlType.BOOLEAN, terms);
  }

  private Expr inExpr(RexNode subject, List<RexNode> constants, boolean positive) {
    Expr x = convert(subject);
    List<Expr> args = new ArrayList<>();
    args.add(x);
    for (RexNode c : constants) {
      Object value = constantValue(c, x.type());
      if (value == NOT_CONSTANT) {
        return null;
      }
      args.add(new Expr.Literal(value, x.type()));
    }
    Expr in = new Expr.Call(Op.IN, SqlType.BOOLEAN, args);
    return positive ? in : new Expr.Call(Op.NOT, SqlType.BOOLEAN, List.of(in));
  }

  private static final Object NOT_CONSTANT = new Object();

  private static boolean isConstant(RexNode n) {
    return n instanceof RexLiteral || (n instanceof RexCall c && c.getKind() == SqlKind.CAST
        && c.getOperands().get(0) instanceof RexLiteral);
  }

  /** The value of a literal (possibly cast) as a plan literal of type {@code t}; NOT_CONSTANT if it has none. */
  private Object constantValue(RexNode n, SqlType t) {
    RexLiteral lit = n instanceof RexLiteral l ? l : (RexLiteral) ((RexCall) n).getOperands().get(0);
    if (lit.isNull()) {
      return null;
    }
    Object v = lit.getValue();
    Object value = v instanceof NlsString str && t == SqlType.VARCHAR ? str.getValue()
        : pointValue(v, t);
    return value == null ? NOT_CONSTANT : value;
  }

  /** A search point in the plan's literal representation, or null if it has none. */
  private static Object pointValue(Object v, SqlType t) {
    try {
      return switch (t.kind()) {
        case INT -> v instanceof BigDecimal d ? (Object) d.intValueExact() : null;
        case DECIMAL -> v instanceof BigDecimal d ? decimalValue(d, t) : null;
        case BIGINT, INTERVAL -> v instanceof BigDecimal d ? (Object) d.longValueExact() : null;
        case DOUBLE -> v instanceof BigDecimal d ? (Object) d.doubleValue() : v instanceof Double d ? d : null;
        case FLOAT -> v instanceof BigDecimal d ? (Object) d.floatValue() : null;
        case VARCHAR -> v instanceof NlsString s ? s.getValue() : null;
        case BOOLEAN -> v instanceof Boolean b ? b : null;
        case DATE -> v instanceof DateString d ? (Object) d.getDaysSinceEpoch() : null;
        case TIMESTAMP, TIMESTAMP_LTZ -> v instanceof TimestampString ts
            ? (Object) ts.getMillisSinceEpoch() : null;
        case TIMESTAMP_MICROS -> v instanceof TimestampString ts ? (Object) micros(ts) : null;
      };
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * A DECIMAL literal's value at its type's scale, or null (no plan literal) if it does not fit
   * exactly.
   */
  private static BigDecimal decimalValue(BigDecimal d, SqlType t) {
    try {
      BigDecimal v = d.setScale(t.scale());
      return v.precision() - v.scale() <= t.precision() - t.scale() ? v : null;
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** Epoch microseconds of a timestamp literal (sub-microsecond digits dropped). */
  static long micros(TimestampString ts) {
    java.time.Instant i = java.time.LocalDateTime.parse(ts.toString().replace(' ', 'T'))
        .toInstant(java.time.ZoneOffset.UTC);
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
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
    if (op == SqlStdOperatorTable.ABS) {
      return Op.ABS;
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
        if (!args.get(0).type().isTimestamp()) {
          throw new PlanningException("GROUP BY TUMBLE(time, interval) needs a timestamp time, not "
              + args.get(0).type(), positions.function("TUMBLE"));
        }
      }
      case CAST, TRY_CAST -> {
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
    boolean fromTime = from.isTimestamp() || from == SqlType.DATE;
    boolean toTime = to.isTimestamp() || to == SqlType.DATE;
    return (fromTime && toTime) || (from == SqlType.INTERVAL && to.isNumeric() && !to.isDecimal());
  }
}
