package io.laminar.runtime;

import io.laminar.plan.Expr;
import io.laminar.plan.Expr.Op;
import io.laminar.plan.SqlType;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.codehaus.commons.compiler.CompileException;
import org.codehaus.janino.SimpleCompiler;

/**
 * Generates, once per pipeline step, a Java class whose single loop evaluates a filter condition and
 * projection over Arrow vectors with primitive locals (no boxing, SQL three-valued logic), and
 * compiles it with Janino.
 */
public final class CalcCompiler {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final int CACHE_SIZE = 256;
  /**
   * Generated source → compiled class, least recently used evicted. Executors of the same plan
   * (parallel workers, restarts) share one class: no Janino run, and the JIT's work is kept rather
   * than starting again in the interpreter for every new class. Constants are constructor
   * arguments, so the source alone identifies the class.
   */
  private static final Map<String, Constructor<?>> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Constructor<?>> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private final List<SqlType> inputTypes;
  private final StringBuilder body = new StringBuilder();
  private final Map<Integer, String> inputVectors = new LinkedHashMap<>();
  private final List<Object> constants = new ArrayList<>();
  private final List<String> constantTypes = new ArrayList<>();
  private final StringBuilder constantFields = new StringBuilder();
  private int vars;

  private CalcCompiler(List<SqlType> inputTypes) {
    this.inputTypes = inputTypes;
  }

  /**
   * Compiles a step keeping rows where {@code condition} (may be null) is TRUE and writing
   * {@code projections} (null = all input columns unchanged) to the output.
   */
  public static Calc compile(List<SqlType> inputTypes, Expr condition, List<Expr> projections) {
    CalcCompiler c = new CalcCompiler(inputTypes);
    List<Expr> outputs = projections;
    if (outputs == null) {
      outputs = new ArrayList<>();
      for (int i = 0; i < inputTypes.size(); i++) {
        outputs.add(new Expr.ColumnRef(i, inputTypes.get(i)));
      }
    }
    List<Expr> allOutputs = outputs;
    Object[] generated = onDeepStack(() -> {
      String source = c.generate(condition, allOutputs);
      Constructor<?> constructor;
      synchronized (CACHE) {
        constructor = CACHE.get(source);
      }
      if (constructor == null) {
        constructor = cook(source);
        synchronized (CACHE) {
          CACHE.put(source, constructor);
        }
      }
      return new Object[] {source, constructor};
    });
    String source = (String) generated[0];
    Constructor<?> constructor = (Constructor<?>) generated[1];
    try {
      return (Calc) constructor.newInstance((Object) c.constants.toArray());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("generated code failed to instantiate: " + e.getMessage() + "\n" + source, e);
    }
  }

  /** Stack for generating and compiling code: both recurse once per level of a (possibly thousand-level) expression. */
  private static final long DEEP_STACK_BYTES = 256L << 20;

  /** Runs {@code work} on a thread with a deep stack and returns its result (or rethrows its failure). */
  private static <T> T onDeepStack(java.util.function.Supplier<T> work) {
    Object[] result = new Object[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread t = new Thread(null, () -> {
      try {
        result[0] = work.get();
      } catch (RuntimeException e) {
        failure[0] = e;
      } catch (StackOverflowError e) {
        failure[0] = new IllegalStateException("expression too deeply nested to generate code for", e);
      }
    }, "calc-compile", DEEP_STACK_BYTES);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating code", e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    @SuppressWarnings("unchecked")
    T r = (T) result[0];
    return r;
  }

  /** Compiles generated source (with %NAME% for the class name) and returns its constructor. */
  private static Constructor<?> cook(String source) {
    String name = "io.laminar.runtime.gen.Calc" + COUNTER.incrementAndGet();
    try {
      SimpleCompiler compiler = new SimpleCompiler();
      compiler.setParentClassLoader(CalcCompiler.class.getClassLoader());
      compiler.cook(source.replace("%NAME%", name.substring(name.lastIndexOf('.') + 1)));
      return compiler.getClassLoader().loadClass(name).getConstructor(Object[].class);
    } catch (CompileException | ReflectiveOperationException e) {
      throw new IllegalStateException("generated code failed to compile: " + e.getMessage() + "\n" + source, e);
    }
  }

  /**
   * Generated code above this many characters is split into several methods (a filter pass, then
   * groups of output columns), each far below the JVM's 64 KB limit on a method's bytecode.
   */
  private static final int SPLIT_CHARS = 24_000;

  private String generate(Expr condition, List<Expr> outputs) {
    String conditionCode = null;
    if (condition != null) {
      Val c = section(condition);
      conditionCode = body + "if (" + c.isNull + " || !" + c.value + ") continue;\n";
      body.setLength(0);
    }
    List<String> outDecls = new ArrayList<>();
    List<String> outCode = new ArrayList<>();
    StringBuilder gathers = new StringBuilder();
    int size = conditionCode == null ? 0 : conditionCode.length();
    for (int k = 0; k < outputs.size(); k++) {
      Expr e = outputs.get(k);
      if (e instanceof Expr.ColumnRef ref) {
        // a column passed through unchanged is copied in bulk after the loop, never read per row;
        // without a filter every row passes, and the output shares the input's buffers
        gathers.append(condition == null ? "io.laminar.runtime.Gather.share(in.getVector(" : "io.laminar.runtime.Gather.rows(in.getVector(")
            .append(ref.index()).append("), out.getVector(").append(k).append("), ")
            .append(condition == null ? "" : "sel, ").append("j);\n");
        continue;
      }
      String cls = vectorClass(e.type());
      String o = "o" + k;
      int width = directWidth(e.type());
      // capacity for every input row, so values are written without a capacity check
      String decl = "final " + cls + " " + o + " = (" + cls + ") out.getVector(" + k + ");\n";
      if (e.type() == SqlType.VARCHAR) {
        // strings go straight into the vector as UTF-8 (VarCharWriter), no String per row where the
        // value is built from constants, integers and string columns
        outDecls.add(decl + o + ".allocateNew((long) n * 16 + 16, n + 1);\n"
            + "final io.laminar.runtime.VarCharWriter " + o + "w = new io.laminar.runtime.VarCharWriter(" + o + ", n);\n");
        outCode.add(varchar(e, o + "w"));
      } else if (width > 0) {
        outDecls.add(decl + "io.laminar.runtime.Direct.allocate(" + o + ", n, " + width + ");\n"
            + "final long " + o + "a = io.laminar.runtime.Direct.data(" + o + ", n, " + width + ");\n"
            + "final long " + o + "v = io.laminar.runtime.Direct.validity(" + o + ", n);\n");
        Val v = section(e);
        // a NULL leaves the row's validity bit clear (Direct.allocate cleared them all)
        outCode.add(body + "if (!" + v.isNull + ") { io.laminar.runtime.Direct.put" + directName(e.type()) + "(" + o
            + "a, j, " + v.value + "); io.laminar.runtime.Direct.setValid(" + o + "v, j); }\n");
      } else {
        outDecls.add(decl + o + ".allocateNew(n + 1);\n");
        Val v = section(e);
        outCode.add(body + "if (" + v.isNull + ") " + o + ".setNull(j); else " + write(o, e.type(), v.value) + ";\n");
      }
      body.setLength(0);
      size += outCode.get(outCode.size() - 1).length();
    }
    StringBuilder inDecl = new StringBuilder();
    for (Map.Entry<Integer, String> in : inputVectors.entrySet()) {
      SqlType t = inputTypes.get(in.getKey());
      String cls = vectorClass(t);
      inDecl.append("final ").append(cls).append(' ').append(in.getValue()).append(" = (").append(cls)
          .append(") in.getVector(").append(in.getKey()).append(");\n");
      String c = in.getValue();
      int width = directWidth(t);
      if (width > 0) {
        // addresses checked once per batch; the NULL test per row only if the batch has a NULL
        inDecl.append("final long ").append(c).append("a = io.laminar.runtime.Direct.data(").append(c).append(", n, ")
            .append(width).append(");\nfinal long ").append(c).append("v = io.laminar.runtime.Direct.validity(")
            .append(c).append(", n);\nfinal boolean ").append(c).append("z = io.laminar.runtime.Direct.mayHaveNulls(")
            .append(c).append(", n);\n");
      } else if (t != SqlType.BOOLEAN && t != SqlType.VARCHAR) {
        inDecl.append("final org.apache.arrow.memory.ArrowBuf ").append(c).append("d = ")
            .append(c).append(".getDataBuffer();\n");
      }
    }
    String header = "package io.laminar.runtime.gen;\n"
        + "import org.apache.arrow.vector.*;\n"
        + "public final class %NAME% implements io.laminar.runtime.Calc {\n"
        + constantFields;
    String constructor = "public %NAME%(Object[] k) {\n" + constantInit() + "}\n";
    if (size > SPLIT_CHARS) {
      return header + split(conditionCode, outDecls, outCode, gathers, inDecl) + constructor + "}\n";
    }
    StringBuilder loop = new StringBuilder();
    if (conditionCode != null) {
      loop.append(conditionCode);
    }
    outCode.forEach(loop::append);
    boolean selection = condition != null && gathers.length() > 0;
    if (selection) {
      loop.append("sel[j] = i;\n");
    }
    loop.append("j++;\n");
    return header
        + (selection ? "private int[] sel = new int[0];\n" : "")
        + constructor
        + "public int apply(VectorSchemaRoot in, VectorSchemaRoot out) {\n"
        + "final int n = in.getRowCount();\n" + inDecl + String.join("", outDecls)
        + (selection ? "if (sel.length < n) sel = new int[n];\n" : "")
        + "int j = 0;\nfor (int i = 0; i < n; i++) {\n" + loop + "}\n" + gathers + "return j;\n}\n}\n";
  }

  /**
   * The layout for large code: {@code select} runs the filter and records the surviving rows, then
   * each {@code part} method computes a group of output columns over them.
   */
  private static String split(String conditionCode, List<String> outDecls, List<String> outCode,
      StringBuilder gathers, StringBuilder inDecl) {
    StringBuilder methods = new StringBuilder("private int[] sel = new int[0];\n");
    StringBuilder apply = new StringBuilder("public int apply(VectorSchemaRoot in, VectorSchemaRoot out) {\n"
        + "final int n = in.getRowCount();\nint j = n;\nint[] rows = null;\n");
    if (conditionCode != null) {
      methods.append("private int select(VectorSchemaRoot in, int n) {\n").append(inDecl)
          .append("int j = 0;\nfor (int i = 0; i < n; i++) {\n").append(conditionCode).append("sel[j++] = i;\n}\n")
          .append("return j;\n}\n");
      apply.append("if (sel.length < n) sel = new int[n];\nj = select(in, n);\nrows = sel;\n");
    }
    int part = 0;
    int from = 0;
    while (from < outCode.size()) {
      int to = from;
      int chars = 0;
      while (to < outCode.size() && (to == from || chars + outCode.get(to).length() <= SPLIT_CHARS)) {
        chars += outCode.get(to).length();
        to++;
      }
      methods.append("private void part").append(part).append("(VectorSchemaRoot in, VectorSchemaRoot out, int[] rows, ")
          .append("int count) {\nfinal int n = in.getRowCount();\n").append(inDecl);
      for (int k = from; k < to; k++) {
        methods.append(outDecls.get(k));
      }
      methods.append("for (int j = 0; j < count; j++) {\nfinal int i = rows == null ? j : rows[j];\n");
      for (int k = from; k < to; k++) {
        methods.append(outCode.get(k));
      }
      methods.append("}\n}\n");
      apply.append("part").append(part).append("(in, out, rows, j);\n");
      part++;
      from = to;
    }
    apply.append(gathers).append("return j;\n}\n");
    return methods.toString() + apply;
  }

  private String constantInit() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < constants.size(); i++) {
      b.append("k").append(i).append(" = (").append(constantTypes.get(i)).append(") k[").append(i).append("];\n");
    }
    return b.toString();
  }

  /** A field of the generated class holding {@code value} (passed to its constructor, so not part of the source). */
  private String constant(Object value) {
    return constant(value, value instanceof String ? "String" : value.getClass().getName());
  }

  private String constant(Object value, String type) {
    int i = constants.size();
    constants.add(value);
    constantTypes.add(type);
    constantFields.append("private final ").append(type).append(" k").append(i).append(";\n");
    return "k" + i;
  }

  /** The {@link ExprSite} of a call that can fail at run time. */
  private String site(Expr.Call call) {
    return constant(new ExprSite(call.op(), call.type(), call.origin()));
  }

  /** A generated value: a boolean null flag and a Java-typed value variable. */
  private record Val(String isNull, String value, SqlType type) {
  }

  private String var() {
    return "v" + (vars++);
  }

  private Val declare(SqlType type) {
    String n = var();
    String v = var();
    body.append("boolean ").append(n).append(" = true; ").append(javaType(type)).append(' ').append(v)
        .append(" = ").append(defaultValue(type)).append(";\n");
    return new Val(n, v, type);
  }

  /** Fixed-width column reads of the current section, declared once at its start. */
  private final Map<Integer, Val> sectionReads = new LinkedHashMap<>();

  /**
   * Generates one top-level expression (the condition or an output) into {@code body}. Its
   * fixed-width column reads come first, once each, so a column referenced a thousand times is
   * read once per row (and the method stays small).
   */
  private Val section(Expr e) {
    return section(() -> gen(e));
  }

  /** As {@link #section(Expr)}, for code that {@code generator} writes into {@code body}. */
  private Val section(java.util.function.Supplier<Val> generator) {
    sectionReads.clear();
    StringBuilder saved = new StringBuilder(body);
    body.setLength(0);
    Val v = generator.get();
    StringBuilder reads = new StringBuilder();
    for (Map.Entry<Integer, Val> r : sectionReads.entrySet()) {
      SqlType t = inputTypes.get(r.getKey());
      String vec = inputVectors.get(r.getKey());
      String isNull = directWidth(t) > 0 ? vec + "z && io.laminar.runtime.Direct.isNull(" + vec + "v, i)"
          : vec + ".isNull(i)";
      reads.append("final boolean ").append(r.getValue().isNull).append(" = ").append(isNull).append(";\n")
          .append("final ").append(javaType(t)).append(' ').append(r.getValue().value).append(" = ")
          .append(r.getValue().isNull).append(" ? ").append(defaultValue(t)).append(" : ").append(read(vec, t))
          .append(";\n");
    }
    String code = body.toString();
    body.setLength(0);
    body.append(saved).append(reads).append(code);
    sectionReads.clear();
    return v;
  }

  private Val gen(Expr e) {
    if (e instanceof Expr.ColumnRef ref && inputTypes.get(ref.index()) != SqlType.VARCHAR) {
      inputVectors.computeIfAbsent(ref.index(), i -> "c" + i);
      return sectionReads.computeIfAbsent(ref.index(), i -> new Val(var(), var(), inputTypes.get(i)));
    }
    if (e instanceof Expr.ColumnRef ref) {
      String vec = inputVectors.computeIfAbsent(ref.index(), i -> "c" + i);
      SqlType t = inputTypes.get(ref.index());
      String n = var();
      String v = var();
      body.append("final boolean ").append(n).append(" = ").append(vec).append(".isNull(i);\n")
          .append("final ").append(javaType(t)).append(' ').append(v).append(" = ").append(n).append(" ? ")
          .append(defaultValue(t)).append(" : ").append(read(vec, t)).append(";\n");
      return new Val(n, v, t);
    }
    if (e instanceof Expr.Literal lit) {
      if (lit.value() == null) {
        return new Val("true", defaultValue(lit.type()), lit.type());
      }
      return new Val("false", literal(lit), lit.type());
    }
    Expr.Call call = (Expr.Call) e;
    return switch (call.op()) {
      case AND, OR -> logical(call);
      case CASE -> caseWhen(call);
      case COALESCE -> coalesce(call);
      case IN -> in(call);
      default -> strict(call);
    };
  }

  private String literal(Expr.Literal lit) {
    Object v = lit.value();
    return switch (lit.type().kind()) {
      case BOOLEAN -> v.toString();
      case DECIMAL -> lit.type().isLongDecimal()
          ? "(" + ((java.math.BigDecimal) v).unscaledValue().longValueExact() + "L)" : constant(v);
      case INT, DATE -> "(" + v + ")";
      case BIGINT, TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ, INTERVAL -> "(" + v + "L)";
      case FLOAT -> "Float.intBitsToFloat(" + Float.floatToIntBits((Float) v) + ")";
      case DOUBLE -> "Double.longBitsToDouble(" + Double.doubleToLongBits((Double) v) + "L)";
      case VARCHAR -> constant(v);
    };
  }

  /** AND/OR with short-circuit and three-valued logic: a definite FALSE (AND) or TRUE (OR) wins over NULL. */
  private Val logical(Expr.Call call) {
    boolean and = call.op() == Op.AND;
    Val r = declare(SqlType.BOOLEAN);
    body.append(r.isNull).append(" = false; ").append(r.value).append(" = ").append(and).append(";\n");
    // a flat block left by break once the result is decided: no nesting however many terms
    body.append("do {\n");
    for (Expr arg : call.args()) {
      Val a = gen(arg);
      body.append("if (!").append(a.isNull).append(" && ").append(and ? "!" : "").append(a.value).append(") { ")
          .append(r.value).append(" = ").append(!and).append("; break; }\nif (").append(a.isNull).append(") ")
          .append(r.isNull).append(" = true;\n");
    }
    body.append("} while (false);\n");
    body.append("if (").append(and ? "!" : "").append(r.value).append(") ").append(r.isNull).append(" = false;\n");
    return r;
  }

  /**
   * {@code x IN (constants)}: one probe of a set built once (a primitive hash set for numbers), not a
   * chain of comparisons. TRUE if found; else NULL if a constant is NULL, FALSE otherwise.
   */
  private Val in(Expr.Call call) {
    Val x = gen(call.args().get(0));
    List<Expr> values = call.args().subList(1, call.args().size());
    boolean anyNullValue = values.stream().anyMatch(v -> ((Expr.Literal) v).value() == null);
    String probe;
    if (x.type == SqlType.VARCHAR || (x.type.isDecimal() && !x.type.isLongDecimal())) {
      java.util.Set<Object> set = new java.util.HashSet<>();
      for (Expr v : values) {
        Object o = ((Expr.Literal) v).value();
        if (o != null) {
          set.add(o);
        }
      }
      probe = constant(set, "java.util.Set") + ".contains(" + x.value + ")";
    } else {
      long[] keys = values.stream().map(v -> ((Expr.Literal) v).value()).filter(java.util.Objects::nonNull)
          .mapToLong(o -> inKey(o, x.type)).toArray();
      String set = constant(new LongHashSet(keys));
      String key = switch (x.type.kind()) {
        case FLOAT, DOUBLE -> "Double.doubleToLongBits(" + x.value + " == 0 ? 0d : (double) " + x.value + ")";
        case BOOLEAN -> "(" + x.value + " ? 1L : 0L)";
        default -> "(long) " + x.value;
      };
      probe = set + ".contains(" + key + ")";
    }
    String n = var();
    String v = var();
    body.append("final boolean ").append(v).append(" = !").append(x.isNull).append(" && ").append(probe).append(";\n");
    body.append("final boolean ").append(n).append(" = ").append(x.isNull)
        .append(anyNullValue ? " || !" + v : "").append(";\n");
    return new Val(n, v, SqlType.BOOLEAN);
  }

  /** The set key of an IN constant of a non-string type: numbers and booleans as longs, floating point by bits. */
  private static long inKey(Object value, SqlType type) {
    return switch (type.kind()) {
      case DECIMAL -> ((java.math.BigDecimal) value).unscaledValue().longValueExact();
      case FLOAT, DOUBLE -> {
        double d = ((Number) value).doubleValue();
        yield Double.doubleToLongBits(d == 0 ? 0d : d);
      }
      case BOOLEAN -> (Boolean) value ? 1L : 0L;
      default -> ((Number) value).longValue();
    };
  }

  private Val caseWhen(Expr.Call call) {
    Val r = declare(call.type());
    List<Expr> args = call.args();
    body.append("do {\n");
    int i = 0;
    for (; i + 1 < args.size(); i += 2) {
      Val c = gen(args.get(i));
      body.append("if (!").append(c.isNull).append(" && ").append(c.value).append(") {\n");
      assign(r, gen(args.get(i + 1)));
      body.append("break;\n}\n");
    }
    if (i < args.size()) {
      assign(r, gen(args.get(i)));
    }
    body.append("} while (false);\n");
    return r;
  }

  private Val coalesce(Expr.Call call) {
    Val r = declare(call.type());
    body.append("do {\n");
    for (Expr arg : call.args()) {
      Val a = gen(arg);
      body.append("if (!").append(a.isNull).append(") {\n");
      assign(r, a);
      body.append("break;\n}\n");
    }
    body.append("} while (false);\n");
    return r;
  }

  private void assign(Val target, Val source) {
    body.append(target.isNull).append(" = ").append(source.isNull).append("; if (!").append(source.isNull)
        .append(") ").append(target.value).append(" = ").append(convert(source.value, source.type, target.type))
        .append(";\n");
  }

  /** Operators that are NULL when any argument is NULL (plus the IS tests, which never are). */
  private Val strict(Expr.Call call) {
    List<Val> args = new ArrayList<>();
    for (Expr arg : call.args()) {
      args.add(gen(arg));
    }
    SqlType t = call.type();
    switch (call.op()) {
      case IS_NULL, IS_NOT_NULL, IS_TRUE, IS_FALSE, IS_NOT_TRUE, IS_NOT_FALSE -> {
        Val a = args.get(0);
        String v = switch (call.op()) {
          case IS_NULL -> a.isNull;
          case IS_NOT_NULL -> "!" + a.isNull;
          case IS_TRUE -> "(!" + a.isNull + " && " + a.value + ")";
          case IS_FALSE -> "(!" + a.isNull + " && !" + a.value + ")";
          case IS_NOT_TRUE -> "(" + a.isNull + " || !" + a.value + ")";
          default -> "(" + a.isNull + " || " + a.value + ")";
        };
        String out = var();
        body.append("final boolean ").append(out).append(" = ").append(v).append(";\n");
        return new Val("false", out, SqlType.BOOLEAN);
      }
      default -> {
        // strict below
      }
    }
    Val r = declare(t);
    StringBuilder anyNull = new StringBuilder();
    for (Val a : args) {
      anyNull.append(anyNull.length() == 0 ? "" : " || ").append(a.isNull);
    }
    body.append(r.isNull).append(" = ").append(anyNull.length() == 0 ? "false" : anyNull).append(";\n");
    if (call.op() == Op.TRY_CAST) {
      // NULL where CAST would fail
      body.append("if (!").append(r.isNull).append(") { try { ").append(r.value).append(" = ")
          .append(expression(call, args)).append("; } catch (io.laminar.runtime.ExpressionError e) { ")
          .append(r.isNull).append(" = true; } }\n");
      return r;
    }
    body.append("if (!").append(r.isNull).append(") ").append(r.value).append(" = ")
        .append(expression(call, args)).append(";\n");
    return r;
  }

  private String expression(Expr.Call call, List<Val> a) {
    SqlType t = call.type();
    String jt = javaType(t);
    if (call.op() == Op.MOD && !t.isDecimal() && (a.get(0).type.isDecimal() || a.get(1).type.isDecimal())) {
      // MOD(DECIMAL(p, 0), INT) is the divisor's type (Calcite's inference), and |result| < |divisor|
      String r = "io.laminar.runtime.Decimals.mod(" + big(a.get(0)) + ", " + big(a.get(1)) + ", "
          + SqlType.MAX_DECIMAL_PRECISION + ", 0, " + site(call) + ")";
      return t == SqlType.INT ? r + ".intValueExact()" : r + ".longValueExact()";
    }
    if (t.isDecimal()) {
      switch (call.op()) {
        case PLUS, MINUS, TIMES, DIVIDE, MOD, NEGATE, ABS -> {
          return decimalArithmetic(call, a);
        }
        default -> {
          // CAST, CASE … below
        }
      }
    }
    return switch (call.op()) {
      case PLUS, MINUS -> arithmetic(call, a);
      case TIMES -> exactBinary(call, a, "multiply", " * ");
      case DIVIDE -> exactBinary(call, a, "divide", " / ");
      case MOD -> t == SqlType.INT && (a.get(0).type.isLongValued() || a.get(1).type.isLongValued())
          // MOD(BIGINT, INT) is an INT (|result| < |divisor|): computed in long, then narrowed
          ? "(int) io.laminar.runtime.Exact.mod((long) " + a.get(0).value + ", (long) " + a.get(1).value + ", "
              + site(call) + ")"
          : exactBinary(call, a, "mod", " % ");
      case NEGATE -> isExact(t) ? "io.laminar.runtime.Exact.negate(" + operand(a.get(0), t) + ", " + site(call) + ")"
          : "(" + jt + ") (-" + a.get(0).value + ")";
      case ABS -> isExact(t) ? "io.laminar.runtime.Exact.abs(" + operand(a.get(0), t) + ", " + site(call) + ")"
          : "Math.abs(" + operand(a.get(0), t) + ")";
      case EQ, NE, LT, LE, GT, GE -> compare(call.op(), a.get(0), a.get(1));
      case NOT -> "!" + a.get(0).value;
      case CAST, TRY_CAST -> cast(a.get(0).value, a.get(0).type, t, call);
      case UPPER -> a.get(0).value + ".toUpperCase(java.util.Locale.ROOT)";
      case LOWER -> a.get(0).value + ".toLowerCase(java.util.Locale.ROOT)";
      case CONCAT -> {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < a.size(); i++) {
          b.append(i == 0 ? "" : " + ").append(convert(a.get(i).value, a.get(i).type, SqlType.VARCHAR));
        }
        yield b.append(')').toString();
      }
      case SUBSTRING -> "io.laminar.runtime.Functions.substring(" + a.get(0).value + ", (int) " + a.get(1).value
          + (a.size() > 2 ? ", (int) " + a.get(2).value : "") + ")";
      case CHAR_LENGTH -> a.get(0).value + ".length()";
      case LIKE, NOT_LIKE -> {
        Expr.Call c = call;
        String pattern = (String) ((Expr.Literal) c.args().get(1)).value();
        String escape = c.args().size() > 2 ? (String) ((Expr.Literal) c.args().get(2)).value() : null;
        String p = constant(Functions.like(pattern, escape));
        yield (call.op() == Op.NOT_LIKE ? "!" : "") + p + ".matcher(" + a.get(0).value + ").matches()";
      }
      // the interval is in milliseconds; a TIMESTAMP(6) time in microseconds
      case TUMBLE_START -> {
        long units = call.args().get(0).type().unitsPerMilli();
        String size = units == 1 ? a.get(1).value : "(" + a.get(1).value + ") * " + units + "L";
        yield "(" + a.get(0).value + " - Math.floorMod(" + a.get(0).value + ", " + size + "))";
      }
      default -> throw new IllegalArgumentException("operator " + call.op() + " is not evaluable");
    };
  }

  /**
   * DECIMAL + - * / MOD, negation and ABS at exactly the derived result type: unscaled longs when
   * the result and every operand have at most 18 digits (and no digit is cut), BigDecimal otherwise.
   */
  private String decimalArithmetic(Expr.Call call, List<Val> a) {
    SqlType t = call.type();
    int p = t.precision();
    int s = t.scale();
    String d = "io.laminar.runtime.Decimals.";
    boolean compact = t.isLongDecimal();
    for (Val v : a) {
      compact &= v.type.isLongDecimal() || v.type == SqlType.INT || v.type == SqlType.BIGINT;
      compact &= v.type.scale() <= s;
    }
    Op op = call.op();
    if (compact && (op == Op.PLUS || op == Op.MINUS)) {
      String site = site(call);
      return d + (op == Op.PLUS ? "add" : "subtract") + "(" + unscaled(a.get(0), s, site) + ", "
          + unscaled(a.get(1), s, site) + ", " + p + ", " + s + ", " + site + ")";
    }
    if (compact && op == Op.TIMES && a.get(0).type.scale() + a.get(1).type.scale() == s) {
      return d + "multiply((long) " + a.get(0).value + ", " + a.get(0).type.scale() + ", (long) " + a.get(1).value
          + ", " + a.get(1).type.scale() + ", " + p + ", " + site(call) + ")";
    }
    if (compact && (op == Op.NEGATE || op == Op.ABS) && a.get(0).type == t) {
      return op == Op.NEGATE ? "(-" + a.get(0).value + ")" : "Math.abs(" + a.get(0).value + ")";
    }
    String big = switch (op) {
      case NEGATE -> big(a.get(0)) + ".negate()";
      case ABS -> big(a.get(0)) + ".abs()";
      default -> {
        String method = switch (op) {
          case PLUS -> "add";
          case MINUS -> "subtract";
          case TIMES -> "multiply";
          case DIVIDE -> "divide";
          default -> "mod";
        };
        yield d + method + "(" + big(a.get(0)) + ", " + big(a.get(1)) + ", " + p + ", " + s + ", " + site(call) + ")";
      }
    };
    if (op == Op.NEGATE || op == Op.ABS) {
      big = d + "fit(" + big + ", " + p + ", " + s + ", " + site(call) + ")";
    }
    return t.isLongDecimal() ? big + ".unscaledValue().longValue()" : big;
  }

  /** An exact operand (a DECIMAL of at most 18 digits, or an integer) as an unscaled long at {@code scale}. */
  private static String unscaled(Val v, int scale, String site) {
    int from = v.type.scale();
    if (from == scale) {
      return "(long) " + v.value;
    }
    return "io.laminar.runtime.Decimals.up((long) " + v.value + ", " + from + ", " + scale + ", " + site + ")";
  }

  /** An exact operand (a DECIMAL or an integer) as a BigDecimal. */
  private static String big(Val v) {
    if (v.type.isLongDecimal()) {
      return "io.laminar.runtime.Decimals.big(" + v.value + ", " + v.type.scale() + ")";
    }
    if (v.type.isDecimal()) {
      return v.value;
    }
    if (v.type == SqlType.FLOAT || v.type == SqlType.DOUBLE) {
      return "java.math.BigDecimal.valueOf((double) " + v.value + ")";
    }
    return "java.math.BigDecimal.valueOf((long) " + v.value + ")";
  }

  /** A DECIMAL value as a double. */
  private static String decimalToDouble(String value, SqlType from) {
    return from.isLongDecimal() ? "io.laminar.runtime.Decimals.toDouble(" + value + ", " + from.scale() + ")"
        : value + ".doubleValue()";
  }

  private String arithmetic(Expr.Call call, List<Val> a) {
    SqlType t = call.type();
    String sign = call.op() == Op.PLUS ? " + " : " - ";
    if (t == SqlType.DATE) {
      // date ± interval (ms): whole days
      Val date = a.get(0).type == SqlType.DATE ? a.get(0) : a.get(1);
      Val interval = date == a.get(0) ? a.get(1) : a.get(0);
      return "(int) (" + date.value + sign + "(" + interval.value + " / 86400000L))";
    }
    if (isExact(t)) {
      return "io.laminar.runtime.Exact." + (call.op() == Op.PLUS ? "add" : "subtract") + "(" + timeOperand(a.get(0), t)
          + ", " + timeOperand(a.get(1), t) + ", " + site(call) + ")";
    }
    return "(" + javaType(t) + ") (" + operand(a.get(0), t) + sign + operand(a.get(1), t) + ")";
  }

  /** An operand of timestamp ± interval: the interval (milliseconds) in the timestamp's units. */
  private static String timeOperand(Val v, SqlType result) {
    if (result.unitsPerMilli() > 1 && v.type == SqlType.INTERVAL) {
      return "Math.multiplyExact((long) " + v.value + ", " + result.unitsPerMilli() + "L)";
    }
    return operand(v, result);
  }

  /** Integer results are checked (overflow, division by zero); floating-point ones follow IEEE 754. */
  private static boolean isExact(SqlType t) {
    return t == SqlType.INT || t == SqlType.BIGINT || t.isTimestamp() || t == SqlType.INTERVAL;
  }

  private String exactBinary(Expr.Call call, List<Val> a, String method, String symbol) {
    SqlType t = call.type();
    if (isExact(t)) {
      return "io.laminar.runtime.Exact." + method + "(" + operand(a.get(0), t) + ", " + operand(a.get(1), t) + ", "
          + site(call) + ")";
    }
    return "(" + javaType(t) + ") (" + operand(a.get(0), t) + symbol + operand(a.get(1), t) + ")";
  }

  /** CAST semantics with checks: narrowing that loses the value and strings that do not parse are errors. */
  private String cast(String value, SqlType from, SqlType to, Expr.Call call) {
    if (from == to) {
      return value;
    }
    String e = "io.laminar.runtime.Exact.";
    if (from.isDecimal() || to.isDecimal()) {
      return decimalCast(value, from, to, site(call));
    }
    if (from == SqlType.VARCHAR) {
      String parse = switch (to.kind()) {
        case INT -> "parseInt";
        case BIGINT, INTERVAL -> "parseLong";
        case FLOAT -> "parseFloat";
        case DOUBLE -> "parseDouble";
        case BOOLEAN -> "parseBoolean";
        case TIMESTAMP, TIMESTAMP_LTZ -> "parseTimestamp";
        case TIMESTAMP_MICROS -> "parseTimestampMicros";
        case DATE -> "parseDate";
        default -> null;
      };
      if (parse != null) {
        return e + parse + "(" + value + ", " + site(call) + ")";
      }
    }
    boolean fromLong = from == SqlType.BIGINT || from == SqlType.INTERVAL;
    boolean fromFloating = from == SqlType.FLOAT || from == SqlType.DOUBLE;
    if (to == SqlType.INT && (fromLong || fromFloating)) {
      return e + "toInt(" + (fromLong ? "(long) " : "(double) ") + value + ", " + site(call) + ")";
    }
    if ((to == SqlType.BIGINT || to == SqlType.INTERVAL) && fromFloating) {
      return e + "toLong((double) " + value + ", " + site(call) + ")";
    }
    return convert(value, from, to);
  }

  /**
   * CAST to or from a DECIMAL (HALF_UP where digits are cut; a value beyond the target's range is
   * an error).
   */
  private String decimalCast(String value, SqlType from, SqlType to, String site) {
    String d = "io.laminar.runtime.Decimals.";
    if (to.isDecimal()) {
      int p = to.precision();
      int s = to.scale();
      boolean compact = to.isLongDecimal();
      String args = ", " + p + ", " + s + ", " + site + ")";
      if (from == SqlType.VARCHAR) {
        return d + (compact ? "parse(" : "parseBig(") + value + args;
      }
      if (from == SqlType.FLOAT || from == SqlType.DOUBLE) {
        return d + (compact ? "fromDouble((double) " : "fromDoubleBig((double) ") + value + args;
      }
      if (compact && (from.isLongDecimal() || from == SqlType.INT || from == SqlType.BIGINT)) {
        return d + "cast((long) " + value + ", " + from.scale() + args;
      }
      if (from.isDecimal() || from == SqlType.INT || from == SqlType.BIGINT) {
        return d + (compact ? "fitLong(" : "fit(") + big(new Val("false", value, from)) + args;
      }
      throw new IllegalArgumentException("CAST from " + from + " to " + to);
    }
    boolean compact = from.isLongDecimal();
    return switch (to.kind()) {
      case VARCHAR -> compact ? d + "toString(" + value + ", " + from.scale() + ")" : value + ".toPlainString()";
      case DOUBLE -> decimalToDouble(value, from);
      case FLOAT -> "(float) " + decimalToDouble(value, from);
      case INT -> compact ? d + "toInt(" + value + ", " + from.scale() + ", " + site + ")" : d + "toInt(" + value + ", "
          + site + ")";
      case BIGINT -> compact ? d + "toLong(" + value + ", " + from.scale() + ", " + site + ")" : d + "toLong(" + value
          + ", " + site + ")";
      default -> throw new IllegalArgumentException("CAST from " + from + " to " + to);
    };
  }

  /** An operand widened to the result type so Java arithmetic matches SQL's. */
  private static String operand(Val v, SqlType result) {
    if (v.type.isDecimal() && !result.isDecimal()) {
      return "((" + javaType(result) + ") " + decimalToDouble(v.value, v.type) + ")";
    }
    return switch (result.kind()) {
      case DOUBLE -> "((double) " + v.value + ")";
      case FLOAT -> "((float) " + v.value + ")";
      case BIGINT, TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ, INTERVAL -> "((long) " + v.value + ")";
      default -> v.value;
    };
  }

  private static String compare(Op op, Val a, Val b) {
    String sym = switch (op) {
      case EQ -> "==";
      case NE -> "!=";
      case LT -> "<";
      case LE -> "<=";
      case GT -> ">";
      default -> ">=";
    };
    if (a.type.isDecimal() || b.type.isDecimal()) {
      boolean floating = a.type == SqlType.FLOAT || a.type == SqlType.DOUBLE || b.type == SqlType.FLOAT
          || b.type == SqlType.DOUBLE;
      if (floating) {
        return "(" + operand(a, SqlType.DOUBLE) + " " + sym + " " + operand(b, SqlType.DOUBLE) + ")";
      }
      boolean compact = (a.type.isLongDecimal() || a.type == SqlType.INT || a.type == SqlType.BIGINT)
          && (b.type.isLongDecimal() || b.type == SqlType.INT || b.type == SqlType.BIGINT);
      if (compact && a.type.scale() == b.type.scale()) {
        return "(" + a.value + " " + sym + " " + b.value + ")";
      }
      if (compact) {
        return "(io.laminar.runtime.Decimals.compare((long) " + a.value + ", " + a.type.scale() + ", (long) " + b.value
            + ", " + b.type.scale() + ") " + sym + " 0)";
      }
      return "(" + big(a) + ".compareTo(" + big(b) + ") " + sym + " 0)";
    }
    if (a.type == SqlType.VARCHAR || b.type == SqlType.VARCHAR) {
      return "(" + a.value + ".compareTo(" + b.value + ") " + sym + " 0)";
    }
    if (a.type == SqlType.BOOLEAN) {
      return "(Boolean.compare(" + a.value + ", " + b.value + ") " + sym + " 0)";
    }
    boolean aTime = a.type.isTimestamp() || a.type == SqlType.DATE;
    boolean bTime = b.type.isTimestamp() || b.type == SqlType.DATE;
    if (aTime && bTime && a.type != b.type) {
      // in the finer unit: microseconds if either side has them, else milliseconds
      long units = Math.max(a.type.unitsPerMilli(), b.type.unitsPerMilli());
      return "(" + timeIn(a, units) + " " + sym + " " + timeIn(b, units) + ")";
    }
    return "(" + a.value + " " + sym + " " + b.value + ")";
  }

  /** A date or timestamp value in {@code units} per millisecond (1 or 1000) since the epoch. */
  private static String timeIn(Val v, long units) {
    if (v.type == SqlType.DATE) {
      return "((long) " + v.value + " * " + (86_400_000L * units) + "L)";
    }
    long factor = units / v.type.unitsPerMilli();
    return factor == 1 ? v.value : "(" + v.value + " * " + factor + "L)";
  }

  /** Java code converting {@code value} of type {@code from} to {@code to} (CAST semantics). */
  private String convert(String value, SqlType from, SqlType to) {
    if (from == to) {
      return value;
    }
    if (from.isDecimal() || to.isDecimal()) {
      return decimalCast(value, from, to, constant(new ExprSite(Op.CAST, to, null)));
    }
    if (to == SqlType.VARCHAR) {
      return switch (from.kind()) {
        case BOOLEAN -> "io.laminar.runtime.Functions.booleanToString(" + value + ")";
        case TIMESTAMP, TIMESTAMP_LTZ -> "io.laminar.runtime.Functions.timestampToString(" + value + ")";
        case TIMESTAMP_MICROS -> "io.laminar.runtime.Functions.timestampMicrosToString(" + value + ")";
        case DATE -> "io.laminar.runtime.Functions.dateToString(" + value + ")";
        default -> "String.valueOf(" + value + ")";
      };
    }
    if (from == SqlType.VARCHAR) {
      return switch (to.kind()) {
        case INT -> "Integer.parseInt(" + value + ".trim())";
        case BIGINT, INTERVAL -> "Long.parseLong(" + value + ".trim())";
        case FLOAT -> "Float.parseFloat(" + value + ".trim())";
        case DOUBLE -> "Double.parseDouble(" + value + ".trim())";
        case BOOLEAN -> "io.laminar.runtime.Functions.parseBoolean(" + value + ")";
        case TIMESTAMP, TIMESTAMP_LTZ -> "io.laminar.runtime.Functions.parseTimestamp(" + value + ")";
        case TIMESTAMP_MICROS -> "io.laminar.runtime.Functions.parseTimestampMicros(" + value + ")";
        case DATE -> "io.laminar.runtime.Functions.parseDate(" + value + ")";
        default -> throw new IllegalArgumentException("CAST to " + to);
      };
    }
    if (from.isTimestamp() && to == SqlType.DATE) {
      return "(int) Math.floorDiv(" + value + ", " + (86_400_000L * from.unitsPerMilli()) + "L)";
    }
    if (from == SqlType.DATE && to.isTimestamp()) {
      return "((long) " + value + " * " + (86_400_000L * to.unitsPerMilli()) + "L)";
    }
    if (from.isTimestamp() && to.isTimestamp()) {
      // TIMESTAMP and WITH LOCAL TIME ZONE differ by the session zone, UTC: only the unit changes;
      // microseconds to milliseconds truncate toward the past (floor)
      if (from.unitsPerMilli() == to.unitsPerMilli()) {
        return value;
      }
      return from.unitsPerMilli() > to.unitsPerMilli() ? "Math.floorDiv(" + value + ", 1000L)"
          : "Math.multiplyExact(" + value + ", 1000L)";
    }
    if (from == SqlType.BOOLEAN || to == SqlType.BOOLEAN) {
      throw new IllegalArgumentException("CAST from " + from + " to " + to);
    }
    return "(" + javaType(to) + ") " + value;
  }

  static String javaType(SqlType t) {
    return switch (t.kind()) {
      case BOOLEAN -> "boolean";
      case DECIMAL -> t.isLongDecimal() ? "long" : "java.math.BigDecimal";
      case INT, DATE -> "int";
      case BIGINT, TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ, INTERVAL -> "long";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case VARCHAR -> "String";
    };
  }

  private static String defaultValue(SqlType t) {
    return switch (t.kind()) {
      case BOOLEAN -> "false";
      case DECIMAL -> t.isLongDecimal() ? "0L" : "null";
      case INT, DATE -> "0";
      case BIGINT, TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ, INTERVAL -> "0L";
      case FLOAT -> "0f";
      case DOUBLE -> "0d";
      case VARCHAR -> "null";
    };
  }

  static String vectorClass(SqlType t) {
    return switch (t.kind()) {
      case BOOLEAN -> "BitVector";
      case DECIMAL -> "DecimalVector";
      case INT -> "IntVector";
      case BIGINT, INTERVAL -> "BigIntVector";
      case FLOAT -> "Float4Vector";
      case DOUBLE -> "Float8Vector";
      case VARCHAR -> "VarCharVector";
      case TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ -> "TimeStampVector";
      case DATE -> "DateDayVector";
    };
  }

  /** Reads row i; fixed-width values straight from the data buffer (the null check is already done). */
  private static String read(String vec, SqlType t) {
    return switch (t.kind()) {
      case BOOLEAN -> "(" + vec + ".get(i) != 0)";
      // a DECIMAL of at most 18 digits is the low 8 bytes of its little-endian 16
      case DECIMAL -> t.isLongDecimal() ? vec + "d.getLong(((long) i) << 4)" : vec + ".getObject(i)";
      case VARCHAR -> "new String(" + vec + ".get(i), java.nio.charset.StandardCharsets.UTF_8)";
      case INT, DATE, FLOAT, DOUBLE, BIGINT, INTERVAL, TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ ->
          "io.laminar.runtime.Direct.get" + directName(t) + "(" + vec + "a, i)";
    };
  }

  private static String write(String vec, SqlType t, String value) {
    return switch (t.kind()) {
      case BOOLEAN -> vec + ".set(j, " + value + " ? 1 : 0)";
      default -> vec + ".set(j, " + value + ")";
    };
  }

  /** Bytes per value of a type read and written through {@link Direct}; 0 for the others. */
  private static int directWidth(SqlType t) {
    return switch (t.kind()) {
      case INT, DATE, FLOAT -> 4;
      case BIGINT, INTERVAL, TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ, DOUBLE -> 8;
      default -> 0;
    };
  }

  /** The {@link Direct} accessor suffix of a type with a {@link #directWidth}. */
  private static String directName(SqlType t) {
    return switch (t.kind()) {
      case INT, DATE -> "Int";
      case FLOAT -> "Float";
      case DOUBLE -> "Double";
      default -> "Long";
    };
  }

  /**
   * Code writing the VARCHAR output {@code e} through the {@link VarCharWriter} {@code w}: the
   * value's parts (a concatenation flattened) are evaluated in order, as the String code would;
   * NULL if any is. Constants are appended as pre-encoded bytes, INT and BIGINT values as digits,
   * string columns byte for byte, anything else through its String.
   */
  private String varchar(Expr e, String w) {
    List<Expr> parts = new ArrayList<>();
    concatParts(e, parts);
    List<String> appends = new ArrayList<>();
    List<String> nulls = new ArrayList<>();
    section(() -> {
      for (Expr part : parts) {
        if (part instanceof Expr.Literal lit && lit.value() != null && lit.type() == SqlType.VARCHAR) {
          appends.add(w + ".appendBytes(" + constant(((String) lit.value()).getBytes(java.nio.charset.StandardCharsets.UTF_8),
              "byte[]") + ");\n");
          continue;
        }
        if (part instanceof Expr.ColumnRef ref && ref.type() == SqlType.VARCHAR) {
          String vec = inputVectors.computeIfAbsent(ref.index(), i -> "c" + i);
          String n = var();
          body.append("final boolean ").append(n).append(" = ").append(vec).append(".isNull(i);\n");
          nulls.add(n);
          appends.add(w + ".appendValue(" + vec + ", i);\n");
          continue;
        }
        Expr value = part;
        if (part instanceof Expr.Call call && call.op() == Op.CAST && call.type() == SqlType.VARCHAR
            && isInteger(call.args().get(0).type())) {
          value = call.args().get(0); // CAST(integer AS VARCHAR) is its digits
        }
        Val v = gen(value);
        nulls.add(v.isNull);
        appends.add(w + (isInteger(value.type()) ? ".appendDigits((long) " + v.value
            : ".appendString(" + convert(v.value, value.type(), SqlType.VARCHAR)) + ");\n");
      }
      return null;
    });
    String anyNull = nulls.isEmpty() ? "false" : String.join(" || ", nulls);
    String code = body + "if (" + anyNull + ") " + w + ".setNull(j); else {\n" + String.join("", appends) + w
        + ".end(j);\n}\n";
    body.setLength(0);
    return code;
  }

  /** INT or BIGINT: written as digits, exactly as {@code String.valueOf} would. */
  private static boolean isInteger(SqlType t) {
    return t == SqlType.INT || t == SqlType.BIGINT;
  }

  /** The operands of a (nested) VARCHAR concatenation in order; any other expression is one part. */
  private static void concatParts(Expr e, List<Expr> parts) {
    if (e instanceof Expr.Call call && call.op() == Op.CONCAT && call.type() == SqlType.VARCHAR) {
      for (Expr arg : call.args()) {
        if (arg.type() == SqlType.VARCHAR) {
          concatParts(arg, parts);
        } else {
          parts.add(arg);
        }
      }
    } else {
      parts.add(e);
    }
  }
}
