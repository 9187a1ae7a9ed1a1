package io.laminar.sql;

import io.laminar.plan.AggCall;
import io.laminar.plan.Expr;
import io.laminar.plan.PlanNode;
import io.laminar.plan.SqlType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSnapshot;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.SqlNode;
import java.math.BigDecimal;

/**
 * Turns Calcite's logical plan into the physical plan, one method per node kind. Anything it cannot
 * plan faithfully becomes an error naming what is not supported, never a different query.
 */
final class PlanBuilder {
  private final Map<String, CatalogTable> tables;
  private final SqlCompiler.Errors errors;
  private final AstPositions positions;
  private final Set<String> sources = new LinkedHashSet<>();
  private final Set<String> lookups = new LinkedHashSet<>();
  private RexToExpr rex;
  /**
   * Whether a window aggregate by {@code 'lit' || CAST(i AS VARCHAR)} keys on {@code i} (see
   * {@link #windowAggregate}); {@code -Dlaminar.plan.integer_keys=false} plans the string key as
   * written (for comparisons; the two plans' checkpoints are not interchangeable).
   */
  private final boolean integerKeys = !"false".equals(System.getProperty("laminar.plan.integer_keys"));

  PlanBuilder(Map<String, CatalogTable> tables, SqlCompiler.Errors errors, SqlNode parsed) {
    this.tables = tables;
    this.errors = errors;
    this.positions = new AstPositions(parsed, errors.sql());
  }

  /** The plan, or null after recording errors. */
  PlanNode build(RelNode rel) {
    rex = new RexToExpr(rel.getCluster().getRexBuilder(), positions);
    try {
      PlanNode node = visit(rel);
      if (sources.isEmpty()) {
        throw new PlanningException("a pipeline must read at least one source", positions.find(c -> false));
      }
      return node;
    } catch (PlanningException e) {
      errors.add(e.position, e.getMessage());
      return null;
    }
  }

  Set<String> sources() {
    return sources;
  }

  Set<String> lookups() {
    return lookups;
  }

  private PlanNode visit(RelNode rel) {
    if (rel instanceof TableScan scan) {
      return scan(scan);
    }
    if (rel instanceof LogicalFilter filter) {
      return new PlanNode.Filter(visit(filter.getInput()),
          rex.translate(filter.getCondition(), filter.getInput().getRowType()));
    }
    if (rel instanceof LogicalProject project) {
      return project(project);
    }
    if (rel instanceof TableFunctionScan tfs) {
      return windowAssign(tfs);
    }
    if (rel instanceof LogicalAggregate aggregate) {
      return aggregate(aggregate);
    }
    if (rel instanceof LogicalCorrelate correlate) {
      return correlate(correlate);
    }
    if (rel instanceof LogicalJoin join) {
      return join(join);
    }
    if (rel instanceof LogicalUnion union) {
      return union(union);
    }
    throw new PlanningException(describe(rel) + " is not supported in a streaming pipeline", positions.find(c -> false));
  }

  private static String describe(RelNode rel) {
    String name = rel.getRelTypeName().replaceFirst("^Logical", "");
    return switch (name) {
      case "Values" -> "a query without a source (VALUES)";
      case "Intersect", "Minus" -> name.toUpperCase(Locale.ROOT);
      default -> "the relational operator " + name;
    };
  }

  private PlanNode scan(TableScan scan) {
    LaminarTable table = scan.getTable().unwrap(LaminarTable.class);
    CatalogTable t = table.table;
    if (t.kind() == TableKind.LOOKUP) {
      throw new PlanningException("lookup table '" + t.name() + "' can only be joined to a source "
          + "(JOIN " + t.name() + " FOR SYSTEM_TIME AS OF … ON …), not read as a stream", positions.find(c -> false));
    }
    sources.add(t.name());
    Optional<Integer> eventTime = Optional.empty();
    if (t.eventTimeColumn().isPresent()) {
      String col = t.eventTimeColumn().get();
      List<Field> fields = t.schema().getFields();
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).getName().equalsIgnoreCase(col)) {
          SqlType type = SqlType.fromArrow(fields.get(i).getType());
          if (type == null || !type.isTimestamp()) {
            throw new PlanningException("event-time column '" + col + "' of source '" + t.name()
                + "' must be a TIMESTAMP, TIMESTAMP(6) or TIMESTAMP_LTZ", positions.find(c -> false));
          }
          eventTime = Optional.of(i);
        }
      }
      if (eventTime.isEmpty()) {
        throw new PlanningException("event-time column '" + col + "' is not a column of source '" + t.name() + "'",
            positions.find(c -> false));
      }
    }
    return new PlanNode.Scan(t.name(), t.schema(), eventTime, t.maxOutOfOrderness(), t.changelog());
  }

  private PlanNode project(LogicalProject project) {
    PlanNode input = visit(project.getInput());
    List<Expr> exprs = new ArrayList<>();
    for (RexNode e : project.getProjects()) {
      exprs.add(rex.translate(e, project.getInput().getRowType()));
    }
    return new PlanNode.Project(input, exprs, schemaOf(project));
  }

  private Schema schemaOf(RelNode rel) {
    for (var f : rel.getRowType().getFieldList()) {
      if (ArrowTypes.planType(f.getType()) == null) {
        throw new PlanningException("column '" + f.getName() + "' has type " + f.getType().getFullTypeString()
            + ", which the runtime does not support", positions.find(c -> false));
      }
    }
    return ArrowTypes.schema(rel.getRowType());
  }

  /** TUMBLE and HOP table functions: one row per window a row falls into. */
  private PlanNode windowAssign(TableFunctionScan tfs) {
    RexCall call = (RexCall) tfs.getCall();
    SqlKind kind = windowKind(call);
    if (kind == SqlKind.SESSION) {
      throw new PlanningException("SESSION windows must be aggregated: GROUP BY window_start, window_end",
          positions.function("SESSION"));
    }
    if (kind != SqlKind.TUMBLE && kind != SqlKind.HOP) {
      throw new PlanningException("table function " + call.getOperator().getName() + " is not supported",
          positions.function(call.getOperator().getName()));
    }
    if (tfs.getInputs().size() != 1) {
      throw new PlanningException(kind + " needs exactly one table", positions.function(kind.name()));
    }
    PlanNode input = visit(tfs.getInputs().get(0));
    int time = descriptorColumn(call.getOperands().get(0), kind.name());
    long size = intervalMillis(call.getOperands().get(kind == SqlKind.HOP ? 2 : 1), kind.name());
    long slide = kind == SqlKind.HOP ? intervalMillis(call.getOperands().get(1), kind.name()) : size;
    int extra = kind == SqlKind.HOP ? 3 : 2;
    if (call.getOperands().size() > extra) {
      throw new PlanningException("window offsets are not supported", positions.function(kind.name()));
    }
    if (size <= 0 || slide <= 0) {
      throw new PlanningException("window size and slide must be positive", positions.function(kind.name()));
    }
    if (kind == SqlKind.HOP && size % slide != 0) {
      throw new PlanningException("HOP size must be a multiple of its slide", positions.function("HOP"));
    }
    return new PlanNode.WindowAssign(input,
        kind == SqlKind.HOP ? PlanNode.WindowKind.HOP : PlanNode.WindowKind.TUMBLE, time, size, slide, schemaOf(tfs));
  }

  /** TUMBLE, HOP or SESSION by operator name (Calcite's call kind for table functions is generic). */
  private static SqlKind windowKind(RexCall call) {
    return switch (call.getOperator().getName().toUpperCase(Locale.ROOT)) {
      case "TUMBLE" -> SqlKind.TUMBLE;
      case "HOP" -> SqlKind.HOP;
      case "SESSION" -> SqlKind.SESSION;
      default -> SqlKind.OTHER_FUNCTION;
    };
  }

  private int descriptorColumn(RexNode operand, String fn) {
    if (operand instanceof RexCall d && d.getKind() == SqlKind.DESCRIPTOR && d.getOperands().size() == 1
        && d.getOperands().get(0) instanceof RexInputRef ref) {
      return ref.getIndex();
    }
    throw new PlanningException(fn + " needs DESCRIPTOR(<one time column>)", positions.function(fn));
  }

  private List<Integer> descriptorColumns(RexNode operand, String fn) {
    List<Integer> cols = new ArrayList<>();
    if (operand instanceof RexCall d && d.getKind() == SqlKind.DESCRIPTOR) {
      for (RexNode o : d.getOperands()) {
        if (o instanceof RexInputRef ref) {
          cols.add(ref.getIndex());
        } else {
          throw new PlanningException(fn + " keys must be columns", positions.function(fn));
        }
      }
      return cols;
    }
    throw new PlanningException(fn + " keys must be DESCRIPTOR(<columns>)", positions.function(fn));
  }

  private long intervalMillis(RexNode operand, String fn) {
    if (operand instanceof RexLiteral lit && ArrowTypes.planType(lit.getType()) == SqlType.INTERVAL) {
      return lit.getValueAs(BigDecimal.class).longValueExact();
    }
    throw new PlanningException(fn + " needs a constant day-time INTERVAL", positions.function(fn));
  }

  private PlanNode aggregate(LogicalAggregate aggregate) {
    if (aggregate.getGroupType() != org.apache.calcite.rel.core.Aggregate.Group.SIMPLE) {
      throw new PlanningException("GROUPING SETS, ROLLUP and CUBE are not supported", positions.groupBy());
    }
    SessionShape session = sessionShape(aggregate.getInput());
    if (session != null) {
      return sessionAggregate(aggregate, session);
    }
    PlanNode input = visit(aggregate.getInput());
    List<Integer> keys = aggregate.getGroupSet().asList();
    List<AggCall> aggs = aggCalls(aggregate, input.schema());
    for (int key : keys) {
      SqlType t = SqlType.fromArrow(input.schema().getFields().get(key).getType());
      if (t != null && t.isDecimal() && !t.isLongDecimal()) {
        throw new PlanningException("GROUP BY a " + t + " is not supported yet: grouping keys may be DECIMALs of at "
            + "most 18 digits (CAST the key to DECIMAL(18, s) or VARCHAR)", positions.groupBy());
      }
    }
    int fireColumn = -1;
    long fireOffset = 0;
    for (int key : keys) {
      WindowOrigin origin = origin(input, key);
      if (origin != null && origin.end) {
        fireColumn = key;
        fireOffset = 0;
        break;
      }
      if (origin != null && fireColumn < 0) {
        fireColumn = key;
        fireOffset = origin.size;
      }
    }
    if (fireColumn < 0) {
      // no window: an updating aggregate, whose output changes as rows come (and go)
      SqlParserPos at = positions.groupBy();
      return new PlanNode.GroupAggregate(input, keys, aggs, schemaOf(aggregate), at == null ? 0 : at.getLineNum(),
          at == null ? 0 : at.getColumnNum());
    }
    return windowAggregate(input, keys, aggs, fireColumn, fireOffset, schemaOf(aggregate));
  }

  /**
   * A window aggregate, keyed on integers where the SQL groups by a string made injectively of one:
   * {@code GROUP BY 'lit' || CAST(i AS VARCHAR)} (or {@code CAST(i AS VARCHAR) || 'lit'}), {@code i}
   * an INT or BIGINT expression, groups exactly as {@code GROUP BY i} (distinct integers have
   * distinct decimal digits; a NULL {@code i} is the NULL group either way). The projection below
   * the aggregate then computes {@code i} instead of the string, and a projection above it builds
   * the string once per group from the key — no string built and interned per row. Not for other
   * types: DOUBLE's -0.0 and 0.0 are one group with two strings, and so are DECIMALs of one value
   * and different scales. A key that an aggregate also reads keeps its string.
   */
  private PlanNode windowAggregate(PlanNode input, List<Integer> keys, List<AggCall> aggs, int fireColumn,
      long fireOffset, Schema schema) {
    if (integerKeys && input instanceof PlanNode.Project below) {
      List<Expr> belowExprs = new ArrayList<>(below.expressions());
      List<Field> belowFields = new ArrayList<>(below.schema().getFields());
      List<Field> aggFields = new ArrayList<>(schema.getFields());
      Expr[] above = new Expr[aggFields.size()];
      boolean rewritten = false;
      for (int i = 0; i < keys.size(); i++) {
        int k = keys.get(i);
        Expr e = belowExprs.get(k);
        Expr integer = integerUnderString(e);
        if (integer == null || aggs.stream().anyMatch(a -> a.argument() == k)) {
          continue;
        }
        belowExprs.set(k, integer);
        belowFields.set(k, retyped(belowFields.get(k), integer.type()));
        aggFields.set(i, retyped(aggFields.get(i), integer.type()));
        above[i] = withInteger((Expr.Call) e, new Expr.ColumnRef(i, integer.type()));
        rewritten = true;
      }
      if (rewritten) {
        PlanNode.Project integers = new PlanNode.Project(below.input(), belowExprs, new Schema(belowFields));
        PlanNode.WindowAggregate agg = new PlanNode.WindowAggregate(integers, keys, aggs, fireColumn, fireOffset,
            new Schema(aggFields));
        List<Expr> out = new ArrayList<>();
        for (int c = 0; c < aggFields.size(); c++) {
          out.add(above[c] != null ? above[c] : new Expr.ColumnRef(c, SqlType.fromArrow(aggFields.get(c).getType())));
        }
        return new PlanNode.Project(agg, out, schema);
      }
    }
    return new PlanNode.WindowAggregate(input, keys, aggs, fireColumn, fireOffset, schema);
  }

  /** {@code i} of {@code 'lit' || CAST(i AS VARCHAR)} or {@code CAST(i AS VARCHAR) || 'lit'}, i INT or BIGINT; else null. */
  private static Expr integerUnderString(Expr e) {
    if (!(e instanceof Expr.Call concat) || concat.op() != Expr.Op.CONCAT || concat.args().size() != 2) {
      return null;
    }
    Expr a = concat.args().get(0);
    Expr b = concat.args().get(1);
    Expr cast = a instanceof Expr.Literal ? b : b instanceof Expr.Literal ? a : null;
    Expr lit = cast == a ? b : a;
    if (cast == null || !(((Expr.Literal) lit).value() instanceof String)) {
      return null;
    }
    if (!(cast instanceof Expr.Call c) || c.op() != Expr.Op.CAST || c.args().size() != 1
        || c.type().kind() != SqlType.Kind.VARCHAR) {
      return null;
    }
    Expr integer = c.args().get(0);
    SqlType.Kind kind = integer.type().kind();
    return kind == SqlType.Kind.INT || kind == SqlType.Kind.BIGINT ? integer : null;
  }

  /** {@code concat} (as {@link #integerUnderString} matched it) with its CAST's argument replaced by {@code integer}. */
  private static Expr withInteger(Expr.Call concat, Expr integer) {
    List<Expr> args = new ArrayList<>();
    for (Expr arg : concat.args()) {
      if (arg instanceof Expr.Call cast) {
        args.add(new Expr.Call(cast.op(), cast.type(), List.of(integer), cast.origin()));
      } else {
        args.add(arg);
      }
    }
    return new Expr.Call(concat.op(), concat.type(), args, concat.origin());
  }

  private static Field retyped(Field f, SqlType type) {
    return new Field(f.getName(), new FieldType(f.isNullable(), type.arrowType(), null, f.getMetadata()), null);
  }

  /** Where a window bound column comes from: end, or start of a window of {@code size}. */
  private record WindowOrigin(boolean end, long size) {
  }

  private static WindowOrigin origin(PlanNode node, int column) {
    if (node instanceof PlanNode.Filter f) {
      return origin(f.input(), column);
    }
    if (node instanceof PlanNode.Project p) {
      Expr e = p.expressions().get(column);
      if (e instanceof Expr.ColumnRef ref) {
        return origin(p.input(), ref.index());
      }
      if (e instanceof Expr.Call call && call.op() == Expr.Op.TUMBLE_START) {
        return new WindowOrigin(false, (Long) ((Expr.Literal) call.args().get(1)).value());
      }
      return null;
    }
    if (node instanceof PlanNode.WindowAssign w) {
      int width = w.input().schema().getFields().size();
      if (column == width) {
        return new WindowOrigin(false, w.sizeMillis());
      }
      if (column == width + 1) {
        return new WindowOrigin(true, 0);
      }
      return origin(w.input(), column);
    }
    if (node instanceof PlanNode.LookupJoin j && column < j.input().schema().getFields().size()) {
      return origin(j.input(), column);
    }
    return null;
  }

  private List<AggCall> aggCalls(LogicalAggregate aggregate, Schema inputSchema) {
    List<AggCall> aggs = new ArrayList<>();
    List<String> names = aggregate.getRowType().getFieldNames();
    int groupCount = aggregate.getGroupCount();
    for (int i = 0; i < aggregate.getAggCallList().size(); i++) {
      AggregateCall call = aggregate.getAggCallList().get(i);
      String fn = call.getAggregation().getName();
      AggCall.Kind kind = switch (call.getAggregation().getKind()) {
        case COUNT -> AggCall.Kind.COUNT;
        case SUM, SUM0 -> AggCall.Kind.SUM;
        case MIN -> AggCall.Kind.MIN;
        case MAX -> AggCall.Kind.MAX;
        case AVG -> AggCall.Kind.AVG;
        default -> throw new PlanningException("aggregate function " + fn + " is not supported", positions.function(fn));
      };
      if (call.filterArg >= 0) {
        throw new PlanningException("FILTER on aggregates is not supported", positions.function(fn));
      }
      if (call.isDistinct() && kind != AggCall.Kind.COUNT) {
        throw new PlanningException(fn + "(DISTINCT …) is not supported; only COUNT(DISTINCT …) is",
            positions.function(fn));
      }
      if (call.getArgList().size() > 1) {
        throw new PlanningException(fn + " with several arguments is not supported", positions.function(fn));
      }
      int arg = call.getArgList().isEmpty() ? -1 : call.getArgList().get(0);
      SqlType argType = arg < 0 ? null : SqlType.fromArrow(inputSchema.getFields().get(arg).getType());
      SqlType result = ArrowTypes.planType(call.getType());
      if (arg >= 0 && kind != AggCall.Kind.COUNT && argType == SqlType.BOOLEAN) {
        throw new PlanningException(fn + " of a BOOLEAN is not supported", positions.function(fn));
      }
      if (arg >= 0 && argType != null && argType.isDecimal() && !argType.isLongDecimal()
          && (kind != AggCall.Kind.COUNT || call.isDistinct())) {
        throw new PlanningException(fn + " of a " + argType + " is not supported yet: aggregated DECIMALs may have at "
            + "most 18 digits (CAST the argument to DECIMAL(18, s))", positions.function(fn));
      }
      aggs.add(new AggCall(kind, arg, call.isDistinct(), argType, result, names.get(groupCount + i),
          positions.origin(positions.function(fn))));
    }
    return aggs;
  }

  /** An aggregate over (a projection of columns of) a SESSION table function. */
  private record SessionShape(TableFunctionScan tfs, int[] mapping) {
  }

  private static SessionShape sessionShape(RelNode input) {
    RelNode node = input;
    int[] mapping = null;
    while (node instanceof LogicalProject p) {
      int[] m = new int[p.getProjects().size()];
      for (int i = 0; i < m.length; i++) {
        if (!(p.getProjects().get(i) instanceof RexInputRef ref)) {
          return null;
        }
        m[i] = ref.getIndex();
      }
      mapping = mapping == null ? m : compose(mapping, m);
      node = p.getInput();
    }
    if (node instanceof TableFunctionScan tfs && windowKind((RexCall) tfs.getCall()) == SqlKind.SESSION) {
      if (mapping == null) {
        mapping = new int[tfs.getRowType().getFieldCount()];
        for (int i = 0; i < mapping.length; i++) {
          mapping[i] = i;
        }
      }
      return new SessionShape(tfs, mapping);
    }
    return null;
  }

  /** outer[i] indexes the inner projection, whose entries index its input. */
  private static int[] compose(int[] outer, int[] inner) {
    int[] r = new int[outer.length];
    for (int i = 0; i < outer.length; i++) {
      r[i] = inner[outer[i]];
    }
    return r;
  }

  private PlanNode sessionAggregate(LogicalAggregate aggregate, SessionShape shape) {
    RexCall call = (RexCall) shape.tfs.getCall();
    if (call.getOperands().size() != 3 || shape.tfs.getInputs().size() != 1) {
      throw new PlanningException("SESSION needs (TABLE t PARTITION BY keys, DESCRIPTOR(time), gap)",
          positions.function("SESSION"));
    }
    PlanNode input = visit(shape.tfs.getInputs().get(0));
    int width = input.schema().getFields().size();
    int time = descriptorColumn(call.getOperands().get(0), "SESSION");
    List<Integer> partition = descriptorColumns(call.getOperands().get(1), "SESSION");
    for (int key : partition) {
      SqlType t = SqlType.fromArrow(input.schema().getFields().get(key).getType());
      if (t != null && t.isDecimal() && !t.isLongDecimal()) {
        throw new PlanningException("PARTITION BY a " + t + " is not supported yet: keys may be DECIMALs of at most 18 "
            + "digits", positions.function("SESSION"));
      }
    }
    long gap = intervalMillis(call.getOperands().get(2), "SESSION");
    if (gap <= 0) {
      throw new PlanningException("the SESSION gap must be positive", positions.function("SESSION"));
    }
    List<Integer> keys = new ArrayList<>();
    boolean hasBound = false;
    for (int key : aggregate.getGroupSet().asList()) {
      int col = shape.mapping[key];
      keys.add(col);
      if (col == width || col == width + 1) {
        hasBound = true;
      } else if (!partition.contains(col)) {
        throw new PlanningException("a SESSION aggregate may only group by window_start, window_end and its "
            + "PARTITION BY keys", positions.groupBy());
      }
    }
    if (!hasBound) {
      throw new PlanningException("a SESSION aggregate must group by window_start or window_end", positions.groupBy());
    }
    // Aggregate arguments index the aggregate's input; map them to the session's input.
    List<AggCall> aggs = new ArrayList<>();
    Schema tfsSchema = schemaOf(shape.tfs);
    for (AggCall a : aggCalls(aggregate, projected(tfsSchema, shape.mapping))) {
      int arg = a.argument() < 0 ? -1 : shape.mapping[a.argument()];
      if (arg >= width) {
        throw new PlanningException("aggregating window_start/window_end of a SESSION is not supported",
            positions.function("SESSION"));
      }
      aggs.add(new AggCall(a.kind(), arg, a.distinct(), a.argumentType(), a.resultType(), a.name(), a.origin()));
    }
    if (input.updating() && aggs.stream().map(AggCall::argument).filter(a -> a >= 0).distinct().count() > 64) {
      throw new PlanningException("a SESSION aggregate over a changelog may aggregate at most 64 distinct columns",
          positions.groupBy());
    }
    return new PlanNode.SessionAggregate(input, time, gap, partition, keys, aggs, schemaOf(aggregate));
  }

  private static Schema projected(Schema schema, int[] mapping) {
    List<Field> fields = new ArrayList<>();
    for (int m : mapping) {
      fields.add(schema.getFields().get(m));
    }
    return new Schema(fields);
  }

  /** {@code JOIN lookup FOR SYSTEM_TIME AS OF s.t ON …}: a correlate over a snapshot. */
  private PlanNode correlate(LogicalCorrelate correlate) {
    PlanNode.JoinKind kind = joinKind(correlate.getJoinType());
    List<RexNode> conditions = new ArrayList<>();
    RelNode right = correlate.getRight();
    while (right instanceof LogicalFilter f) {
      conditions.addAll(RelOptUtil.conjunctions(f.getCondition()));
      right = f.getInput();
    }
    if (!(right instanceof LogicalSnapshot snapshot) || !(snapshot.getInput() instanceof TableScan scan)) {
      throw new PlanningException("FOR SYSTEM_TIME AS OF is only supported on a lookup table", positions.join());
    }
    PlanNode input = visit(correlate.getLeft());
    CatalogTable lookup = lookupTable(scan);
    List<Integer> inputKeys = new ArrayList<>();
    List<Integer> lookupKeys = new ArrayList<>();
    for (RexNode c : conditions) {
      if (c.getKind() == SqlKind.EQUALS) {
        RexCall eq = (RexCall) c;
        RexNode a = eq.getOperands().get(0);
        RexNode b = eq.getOperands().get(1);
        if (a instanceof RexInputRef) {
          RexNode t = a;
          a = b;
          b = t;
        }
        if (a instanceof RexFieldAccess fa && b instanceof RexInputRef ref) {
          inputKeys.add(fa.getField().getIndex());
          lookupKeys.add(ref.getIndex());
          continue;
        }
      }
      throw new PlanningException("a lookup join condition must be equalities between stream columns and the "
          + "lookup table's primary key", positions.join());
    }
    return lookupJoin(input, lookup, inputKeys, lookupKeys, kind, schemaOf(correlate));
  }

  private PlanNode join(LogicalJoin join) {
    boolean leftStream = readsSource(join.getLeft());
    boolean rightStream = readsSource(join.getRight());
    if (leftStream && rightStream) {
      throw new PlanningException("joining two streams is not supported; join a stream to a lookup table",
          positions.join());
    }
    if (!(join.getRight() instanceof TableScan scan)) {
      throw new PlanningException("the right side of a join must be a lookup table", positions.join());
    }
    PlanNode.JoinKind kind = joinKind(join.getJoinType());
    JoinInfo info = join.analyzeCondition();
    if (!info.isEqui() || info.leftKeys.isEmpty()) {
      throw new PlanningException("a lookup join condition must be equalities between stream columns and the "
          + "lookup table's primary key", positions.join());
    }
    PlanNode input = visit(join.getLeft());
    return lookupJoin(input, lookupTable(scan), info.leftKeys, info.rightKeys, kind, schemaOf(join));
  }

  private PlanNode.JoinKind joinKind(JoinRelType type) {
    return switch (type) {
      case INNER -> PlanNode.JoinKind.INNER;
      case LEFT -> PlanNode.JoinKind.LEFT;
      default -> throw new PlanningException(type + " joins are not supported; use JOIN or LEFT JOIN",
          positions.join());
    };
  }

  private CatalogTable lookupTable(TableScan scan) {
    CatalogTable t = scan.getTable().unwrap(LaminarTable.class).table;
    if (t.kind() != TableKind.LOOKUP) {
      throw new PlanningException("joining two streams is not supported; '" + t.name()
          + "' is a source, join a stream to a lookup table", positions.join());
    }
    return t;
  }

  private PlanNode lookupJoin(PlanNode input, CatalogTable lookup, List<Integer> inputKeys, List<Integer> lookupKeys,
      PlanNode.JoinKind kind, Schema schema) {
    List<Field> fields = lookup.schema().getFields();
    Set<String> joined = new HashSet<>();
    for (int k : lookupKeys) {
      joined.add(fields.get(k).getName().toLowerCase(Locale.ROOT));
    }
    Set<String> pk = new HashSet<>();
    lookup.primaryKey().forEach(k -> pk.add(k.toLowerCase(Locale.ROOT)));
    if (pk.isEmpty() || !pk.equals(joined)) {
      throw new PlanningException("a lookup join must match the whole primary key " + lookup.primaryKey()
          + " of '" + lookup.name() + "'", positions.join());
    }
    for (int i = 0; i < inputKeys.size(); i++) {
      SqlType a = SqlType.fromArrow(input.schema().getFields().get(inputKeys.get(i)).getType());
      SqlType b = SqlType.fromArrow(fields.get(lookupKeys.get(i)).getType());
      if (a != b && !(keyClass(a) == keyClass(b) && keyClass(a) != 0)) {
        throw new PlanningException("lookup key types differ: " + a + " and " + b, positions.join());
      }
    }
    lookups.add(lookup.name());
    return new PlanNode.LookupJoin(input, lookup.name(), lookup.schema(), inputKeys, lookupKeys, kind, schema);
  }

  /** Integer types compare by value across widths; everything else must match exactly. */
  private static int keyClass(SqlType t) {
    return t == SqlType.INT || t == SqlType.BIGINT ? 1 : 0;
  }

  private boolean readsSource(RelNode rel) {
    if (rel instanceof TableScan scan) {
      return scan.getTable().unwrap(LaminarTable.class).table.kind() == TableKind.SOURCE;
    }
    for (RelNode input : rel.getInputs()) {
      if (readsSource(input)) {
        return true;
      }
    }
    return false;
  }

  private PlanNode union(LogicalUnion union) {
    if (!union.all) {
      throw new PlanningException("UNION without ALL is not supported on a stream (it would need to remember "
          + "every row); use UNION ALL", positions.kind(SqlKind.UNION));
    }
    List<PlanNode> inputs = new ArrayList<>();
    for (RelNode input : union.getInputs()) {
      inputs.add(visit(input));
    }
    return new PlanNode.Union(inputs, schemaOf(union));
  }
}
