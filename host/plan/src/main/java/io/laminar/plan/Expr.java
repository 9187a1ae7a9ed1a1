package io.laminar.plan;

import java.util.List;
import java.util.Objects;

/** A scalar expression over the columns of one input row, typed and null-aware. */
public sealed interface Expr permits Expr.ColumnRef, Expr.Literal, Expr.Call {

  /** The result type. */
  SqlType type();

  /** A reference to input column {@code index}. */
  record ColumnRef(int index, SqlType type) implements Expr {
    @Override
    public String toString() {
      return "$" + index;
    }
  }

  /**
   * A constant. {@code value} is null (SQL NULL) or, by type: Boolean, Integer (INT, DATE days),
   * Long (BIGINT, TIMESTAMP ms, INTERVAL ms), Float, Double, String.
   */
  record Literal(Object value, SqlType type) implements Expr {
    @Override
    public String toString() {
      if (value == null) {
        return "null:" + type;
      }
      return value instanceof String s ? "'" + s.replace("'", "''") + "'" : value + ":" + type;
    }
  }

  /**
   * Where an expression is in the pipeline's SQL: 1-based line and column of its first character and
   * its text as written, so a run-time error can name the expression and point at it.
   */
  record Origin(int line, int column, String text) {
    /** {@code `text`} (line L, column C). */
    @Override
    public String toString() {
      return "`" + text + "` (line " + line + ", column " + column + ")";
    }
  }

  /**
   * An operator applied to arguments. {@code origin} is where it is in the SQL, or null when unknown
   * (it does not take part in the plan's text, so plans that differ only in it are interchangeable).
   */
  record Call(Op op, SqlType type, List<Expr> args, Origin origin) implements Expr {
    /** Creates a call; the argument list is copied. */
    public Call {
      Objects.requireNonNull(op, "op");
      args = List.copyOf(args);
    }

    /** A call with no known origin. */
    public Call(Op op, SqlType type, List<Expr> args) {
      this(op, type, args, null);
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      append(this, b);
      return b.toString();
    }

    /** One stack frame per level, so a thousand-level expression still prints. */
    private static void append(Expr e, StringBuilder b) {
      if (!(e instanceof Call c)) {
        b.append(e);
        return;
      }
      b.append(c.op.name()).append('(');
      for (int i = 0; i < c.args.size(); i++) {
        if (i > 0) {
          b.append(", ");
        }
        append(c.args.get(i), b);
      }
      b.append(')');
    }
  }

  /** The operators the runtime evaluates. */
  enum Op {
    /** a + b (numbers, or timestamp/date + interval). */
    PLUS,
    /** a - b (numbers, or timestamp/date - interval). */
    MINUS,
    /** a * b. */
    TIMES,
    /** a / b (integer division for integer types). */
    DIVIDE,
    /** MOD(a, b). */
    MOD,
    /** -a. */
    NEGATE,
    /** ABS(a). */
    ABS,
    /** a = b. */
    EQ,
    /** a &lt;&gt; b. */
    NE,
    /** a &lt; b. */
    LT,
    /** a &lt;= b. */
    LE,
    /** a &gt; b. */
    GT,
    /** a &gt;= b. */
    GE,
    /** Three-valued AND of any number of arguments. */
    AND,
    /** Three-valued OR of any number of arguments. */
    OR,
    /** NOT a. */
    NOT,
    /** a IS NULL. */
    IS_NULL,
    /** a IS NOT NULL. */
    IS_NOT_NULL,
    /** a IS TRUE. */
    IS_TRUE,
    /** a IS FALSE. */
    IS_FALSE,
    /** a IS NOT TRUE. */
    IS_NOT_TRUE,
    /** a IS NOT FALSE. */
    IS_NOT_FALSE,
    /** CASE WHEN c1 THEN v1 [WHEN c2 THEN v2 …] ELSE e END: args c1, v1, c2, v2, …, e. */
    CASE,
    /** CAST(a AS type); a value that does not convert is an error. */
    CAST,
    /** TRY_CAST(a AS type): NULL where CAST would fail. */
    TRY_CAST,
    /**
     * a IN (v1, v2, …) with constant values, probed in a hash set: args are a, then the literals (SQL
     * NULL when a is NULL, or when a is not found and a literal is NULL).
     */
    IN,
    /** COALESCE(a, b, …). */
    COALESCE,
    /** UPPER(s). */
    UPPER,
    /** LOWER(s). */
    LOWER,
    /** s1 || s2 (any number of arguments). */
    CONCAT,
    /** SUBSTRING(s FROM start [FOR length]), 1-based. */
    SUBSTRING,
    /** CHAR_LENGTH(s). */
    CHAR_LENGTH,
    /** s LIKE pattern [ESCAPE e]; pattern (and escape) are literals. */
    LIKE,
    /** s NOT LIKE pattern. */
    NOT_LIKE,
    /** The start of the tumbling window of size {@code args[1]} ms containing timestamp {@code args[0]}. */
    TUMBLE_START
  }
}
