package io.laminar.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** SQL too deep or too large to plan is refused with its position, never a JVM error. */
class SqlLimitsTest {
  private static final Schema EVENTS = new Schema(List.of(
      new Field("v", FieldType.nullable(new ArrowType.Int(32, true)), null),
      new Field("ts", FieldType.nullable(new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MILLISECOND,
          null)), null)));
  private final SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("events", EVENTS, "ts",
      Duration.ZERO)));

  private SqlError error(String sql) {
    CompileResult r = compiler.compile("p", sql);
    assertEquals(1, r.errors().size(), () -> r.errors().toString());
    return r.errors().get(0);
  }

  @Test
  void parenthesesNestedDeeperThanTheLimitArePositioned() {
    SqlError e = error("SELECT\n  " + "(".repeat(1001) + "v" + ")".repeat(1001) + " FROM events");
    assertEquals(2, e.line());
    assertEquals(3 + 1000, e.column());
    assertEquals("parentheses nest more than 1000 levels deep; at most 1000 are supported", e.message());
  }

  @Test
  void parenthesesInsideStringsAndCommentsDoNotCount() {
    CompileResult r = compiler.compile("p", "SELECT v, '" + "(".repeat(2000) + "' AS s -- " + "(".repeat(2000)
        + "\nFROM events");
    assertTrue(r.isSuccess(), () -> r.errors().toString());
  }

  @Test
  void anExpressionBeyondTheSizeLimitIsPositioned() {
    SqlError e = error("SELECT v,\n  " + "v + ".repeat(2000) + "v FROM events");
    assertEquals(2, e.line());
    assertEquals(3, e.column());
    assertEquals("this expression has 4001 operators and operands; at most 2500 are supported in one expression "
        + "(an IN list counts as one)", e.message());
  }

  @Test
  void aTenThousandValueInListIsNotTooLarge() {
    StringBuilder list = new StringBuilder("0");
    for (int i = 1; i < 10_000; i++) {
      list.append(", ").append(i);
    }
    CompileResult r = compiler.compile("p", "SELECT v FROM events WHERE v IN (" + list + ")");
    assertTrue(r.isSuccess(), () -> r.errors().toString());
  }
}
