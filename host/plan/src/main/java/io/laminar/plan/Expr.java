package io.laminar.plan;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

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

  /** An operator applied to arguments. */
  record Call(Op op, SqlType type, List<Expr> args) implements Expr {
    /** Creates a call; the argument list is copied. */
    public Call {
      Objects.requireNonNull(op, "op");
      args = List.copyOf(args);
    }

    @Override
    public String toString() {
      return op.name() + "(" + args.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
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
    /** CAST(a AS type). */
    CAST,
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
