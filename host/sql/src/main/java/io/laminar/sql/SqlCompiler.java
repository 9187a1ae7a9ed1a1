package io.laminar.sql;

import io.laminar.common.Suggestions;
import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.PlanNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.Table;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.util.Util;

/**
 * Compiles pipeline SQL against a fixed catalog into physical plans. Build it once per catalog and
 * reuse it: the schema, type factory and operator table are shared; each {@link #compile} gets its
 * own validator and converter. Calcite parses, validates and plans; it never executes. Not
 * thread-safe; use one compiler per thread.
 */
public final class SqlCompiler {
  private static final Pattern COLUMN_NOT_FOUND = Pattern.compile("Column '([^']+)' not found in (any table|table '([^']+)')");
  private static final Pattern OBJECT_NOT_FOUND = Pattern.compile("Object '([^']+)' not found");
  private static final Pattern TABLE_NOT_FOUND = Pattern.compile("Table '([^']+)' not found");
  private static final Pattern FUNCTION_NOT_FOUND = Pattern.compile("No match found for function signature ([^(]+)\\(");

  private final Map<String, CatalogTable> tables = new LinkedHashMap<>();
  private final JavaTypeFactoryImpl typeFactory = new JavaTypeFactoryImpl(LaminarTypeSystem.INSTANCE);
  private final CalciteCatalogReader catalogReader;
  private final SqlParser.Config parserConfig;
  private final HepProgram program;
  private final SqlOperatorTable operatorTable;

  /**
   * Completed when no warm-up runs (see {@link #warmUpLater()}); a compiler is built only after it
   * completes, so Calcite's classes are never initialized by two threads at once.
   */
  private static volatile CompletableFuture<Void> warmedUp = CompletableFuture.completedFuture(null);

  /** Registers the tables; throws IllegalArgumentException for a duplicate name or unsupported column type. */
  public SqlCompiler(List<CatalogTable> catalog) {
    this(catalog, Map.of(), awaitWarmUp());
  }

  /** The catalog, plus plain Calcite tables (the warm-up's, which have no Arrow schema). */
  private SqlCompiler(List<CatalogTable> catalog, Map<String, Table> calciteTables, boolean warmUpAwaited) {
    CalciteSchema root = CalciteSchema.createRootSchema(false, false);
    calciteTables.forEach(root::add);
    for (CatalogTable t : catalog) {
      if (tables.putIfAbsent(t.name().toLowerCase(Locale.ROOT), t) != null) {
        throw new IllegalArgumentException("duplicate table name '" + t.name() + "'");
      }
      root.add(t.name(), t.kind() == TableKind.LOOKUP
          ? new LaminarTable.Lookup(t, typeFactory) : new LaminarTable(t, typeFactory));
    }
    Properties props = new Properties();
    props.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
    catalogReader = new CalciteCatalogReader(root, List.of(), typeFactory, new CalciteConnectionConfigImpl(props));
    operatorTable = SqlOperatorTables.chain(SqlStdOperatorTable.instance(),
        SqlOperatorTables.of(SqlLibraryOperators.TRY_CAST), catalogReader);
    parserConfig = SqlParser.config()
        .withCaseSensitive(false)
        .withUnquotedCasing(org.apache.calcite.avatica.util.Casing.UNCHANGED)
        .withQuotedCasing(org.apache.calcite.avatica.util.Casing.UNCHANGED)
        .withConformance(SqlConformanceEnum.DEFAULT);
    // A short, cheap rule list: no ReduceExpressionsRule (it runs Janino per constant).
    program = new HepProgramBuilder()
        .addRuleInstance(CoreRules.FILTER_MERGE)
        .addRuleInstance(CoreRules.PROJECT_MERGE)
        .addRuleInstance(CoreRules.PROJECT_REMOVE)
        .build();
  }

  private static boolean awaitWarmUp() {
    CompletableFuture<Void> pending = warmedUp;
    if (!pending.isDone()) {
      boolean interrupted = false;
      while (true) {
        try {
          pending.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          break; // never: the warm-up completes normally whatever happens
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return true;
  }

  /**
   * A start-up warm-up: returns a task that plans a small query (parse, validate, convert, the rule
   * program) over a table with a plain Calcite row type, which loads and initializes most of the
   * Calcite classes any compile needs. From this call until the task has run, compilers being
   * built wait for it, so run the task once, soon, on another thread: the process's first real
   * compile then finds Calcite ready. The task never throws; what it computes is discarded.
   */
  public static synchronized Runnable warmUpLater() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Void> previous = warmedUp;
    warmedUp = done;
    return () -> {
      try {
        previous.join();
        warmUpNow();
      } catch (RuntimeException | LinkageError | StackOverflowError e) {
        // only time is lost: the real compile loads whatever this did not
        org.slf4j.LoggerFactory.getLogger(SqlCompiler.class).debug("SQL warm-up failed: {}", e.toString());
      } finally {
        done.complete(null);
      }
    };
  }

  /** The warm-up's work; throws if it cannot plan its query (a test checks it does not). */
  static void warmUpNow() {
    Table table = new org.apache.calcite.schema.impl.AbstractTable() {
      @Override
      public org.apache.calcite.rel.type.RelDataType getRowType(org.apache.calcite.rel.type.RelDataTypeFactory f) {
        return f.builder()
            .add("id", f.createTypeWithNullability(f.createSqlType(SqlTypeName.BIGINT), true))
            .add("price", f.createTypeWithNullability(f.createSqlType(SqlTypeName.DOUBLE), true))
            .add("symbol", f.createTypeWithNullability(f.createSqlType(SqlTypeName.VARCHAR), true))
            .add("ts", f.createTypeWithNullability(f.createSqlType(SqlTypeName.TIMESTAMP, 3), true))
            .build();
      }
    };
    SqlCompiler compiler = new SqlCompiler(List.of(), Map.of("warmup", table), true);
    String sql = "SELECT id, symbol || 'x' AS s, price * 2 AS p2 FROM warmup WHERE price > 50 AND id <> 3";
    try {
      SqlNode parsed = SqlParser.create(sql, compiler.parserConfig).parseQuery().accept(new SessionRewrite());
      SqlValidator validator = SqlValidatorUtil.newValidator(compiler.operatorTable, compiler.catalogReader,
          compiler.typeFactory,
          SqlValidator.Config.DEFAULT.withConformance(SqlConformanceEnum.DEFAULT).withIdentifierExpansion(true));
      compiler.toRel(validator, validator.validate(parsed));
    } catch (SqlParseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How deeply parentheses may nest; deeper SQL is refused with its position. */
  static final int MAX_NESTING = 1000;
  /** How many operators and operands one expression may have. */
  static final int MAX_EXPRESSION_NODES = 2500;
  /**
   * Calcite parses, validates and converts recursively: a deep expression needs a deep stack, so
   * each compile runs on a thread with this much stack (reserved, touched only as deep as used).
   */
  private static final long COMPILE_STACK_BYTES = 512L << 20;

  /** Compiles one pipeline's SQL; never throws for a mistake in the SQL. */
  public CompileResult compile(String pipelineName, String sql) {
    CompileResult[] result = new CompileResult[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread t = new Thread(null, () -> {
      try {
        result[0] = compileHere(pipelineName, sql);
      } catch (StackOverflowError e) {
        Errors errors = new Errors(pipelineName, sql);
        errors.add(1, 1, "the SQL is nested too deeply to plan; simplify the expression");
        result[0] = errors.failure();
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    }, "sql-compile", COMPILE_STACK_BYTES);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while compiling pipeline '" + pipelineName + "'", e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return result[0];
  }

  private CompileResult compileHere(String pipelineName, String sql) {
    Errors errors = new Errors(pipelineName, sql);
    if (!ExpressionLimits.checkNesting(sql, MAX_NESTING, errors)) {
      return errors.failure();
    }
    SqlNode parsed;
    try {
      parsed = SqlParser.create(sql, parserConfig).parseQuery().accept(new SessionRewrite());
    } catch (SqlParseException e) {
      int[] quote = ExpressionLimits.unterminatedQuote(sql);
      if (quote != null) {
        char q = sql.split("\r?\n", -1)[quote[0] - 1].charAt(quote[1] - 1);
        errors.add(quote[0], quote[1], (q == '\'' ? "string literal" : "quoted identifier")
            + " is not terminated: it needs a closing " + q);
        return errors.failure();
      }
      SqlParserPos pos = e.getPos();
      errors.add(pos == null ? 0 : pos.getLineNum(), pos == null ? 0 : pos.getColumnNum(), parseMessage(e));
      return errors.failure();
    }
    new UnsupportedSyntax(errors).check(parsed);
    ExpressionLimits.checkSize(parsed, MAX_EXPRESSION_NODES, errors);
    if (errors.any()) {
      return errors.failure();
    }
    SqlValidator validator = SqlValidatorUtil.newValidator(
        operatorTable, catalogReader, typeFactory,
        SqlValidator.Config.DEFAULT.withConformance(SqlConformanceEnum.DEFAULT).withIdentifierExpansion(true));
    SqlNode validated;
    try {
      validated = validator.validate(parsed);
    } catch (CalciteContextException e) {
      errors.add(e.getPosLine(), e.getPosColumn(), validationMessage(e));
      return errors.failure();
    } catch (RuntimeException e) {
      errors.add(0, 0, Util.first(e.getMessage(), e.getClass().getSimpleName()));
      return errors.failure();
    }
    RelNode rel = toRel(validator, validated);
    PlanBuilder builder = new PlanBuilder(tables, errors, parsed);
    PlanNode root = builder.build(rel);
    if (errors.any() || root == null) {
      return errors.failure();
    }
    return new CompileResult.Success(new CompiledPipeline(pipelineName, sql, root, root.schema(),
        builder.sources(), builder.lookups()));
  }

  /** Calcite's logical plan after the rule set, for tests and debugging. */
  String logicalPlan(String sql) {
    try {
      SqlNode parsed = SqlParser.create(sql, parserConfig).parseQuery().accept(new SessionRewrite());
      SqlValidator validator = SqlValidatorUtil.newValidator(
          operatorTable, catalogReader, typeFactory,
          SqlValidator.Config.DEFAULT.withConformance(SqlConformanceEnum.DEFAULT).withIdentifierExpansion(true));
      return org.apache.calcite.plan.RelOptUtil.toString(toRel(validator, validator.validate(parsed)));
    } catch (SqlParseException e) {
      return e.getMessage();
    }
  }

  private RelNode toRel(SqlValidator validator, SqlNode validated) {
    HepPlanner planner = new HepPlanner(program);
    RelOptCluster cluster = RelOptCluster.create(planner, new RexBuilder(typeFactory));
    SqlToRelConverter converter = new SqlToRelConverter(null, validator, catalogReader, cluster,
        StandardConvertletTable.INSTANCE, SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(false)
            // IN lists of any length stay a value test (probed in a hash set), never a join
            .withInSubQueryThreshold(Integer.MAX_VALUE));
    RelRoot relRoot = converter.convertQuery(validated, false, true);
    planner.setRoot(relRoot.project());
    return planner.findBestExp();
  }

  private static String parseMessage(SqlParseException e) {
    String m = Util.first(e.getMessage(), "syntax error");
    // Calcite appends a long "Was expecting one of: …" list; keep the first line.
    int nl = m.indexOf('\n');
    String first = nl < 0 ? m : m.substring(0, nl);
    first = first.replaceFirst("\\s*at line \\d+, column \\d+\\.?$", "");
    return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
  }

  private String validationMessage(CalciteContextException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    String m = Util.first(cause.getMessage(), "invalid SQL");
    Matcher c = COLUMN_NOT_FOUND.matcher(m);
    if (c.find()) {
      List<String> candidates = new ArrayList<>();
      if (c.group(3) != null && tables.containsKey(c.group(3).toLowerCase(Locale.ROOT))) {
        tables.get(c.group(3).toLowerCase(Locale.ROOT)).schema().getFields().forEach(f -> candidates.add(f.getName()));
      } else {
        tables.values().forEach(t -> t.schema().getFields().forEach(f -> candidates.add(f.getName())));
        candidates.add("window_start");
        candidates.add("window_end");
      }
      return m + "." + Suggestions.didYouMean(c.group(1), candidates);
    }
    Matcher f = FUNCTION_NOT_FOUND.matcher(m);
    if (f.find()) {
      List<String> functions = functionNames();
      String name = f.group(1).trim();
      boolean known = functions.stream().anyMatch(n -> n.equalsIgnoreCase(name));
      // a known name called with the wrong arguments keeps Calcite's signature message alone
      return known ? m : "Unknown function " + name + "." + Suggestions.didYouMean(name, functions);
    }
    Matcher o = OBJECT_NOT_FOUND.matcher(m);
    if (!o.find()) {
      o = TABLE_NOT_FOUND.matcher(m);
    }
    if (o.reset().find()) {
      List<String> names = tables.values().stream().map(CatalogTable::name).toList();
      return "Table '" + o.group(1) + "' not found." + Suggestions.didYouMean(o.group(1), names);
    }
    return m;
  }

  /** The names of the functions SQL can call, for suggestions. */
  private List<String> functionNames() {
    List<String> names = new ArrayList<>();
    for (org.apache.calcite.sql.SqlOperator op : operatorTable.getOperatorList()) {
      if (op instanceof org.apache.calcite.sql.SqlFunction && op.getName().chars().allMatch(
          c -> Character.isLetterOrDigit(c) || c == '_')) {
        names.add(op.getName());
      }
    }
    return names;
  }

  /** Collects errors for one compile. */
  static final class Errors {
    private final String pipeline;
    private final String sql;
    private final List<SqlError> list = new ArrayList<>();

    Errors(String pipeline, String sql) {
      this.pipeline = pipeline;
      this.sql = sql;
    }

    void add(int line, int column, String message) {
      list.add(new SqlError(pipeline, sql, line, column, message));
    }

    void add(SqlParserPos pos, String message) {
      add(pos == null ? 0 : pos.getLineNum(), pos == null ? 0 : pos.getColumnNum(), message);
    }

    boolean any() {
      return !list.isEmpty();
    }

    String sql() {
      return sql;
    }

    CompileResult failure() {
      return new CompileResult.Failure(list);
    }
  }
}
