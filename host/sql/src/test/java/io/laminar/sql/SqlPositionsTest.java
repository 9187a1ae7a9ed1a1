package io.laminar.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** Errors point at the construct at fault and suggest the closest valid name. */
class SqlPositionsTest {
  private static final Schema EVENTS = new Schema(List.of(
      new Field("k", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
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
  void anUnterminatedStringLiteralIsReportedAtItsQuote() {
    SqlError e = error("SELECT k FROM events\nWHERE k = 'abc");
    assertEquals(2, e.line());
    assertEquals(11, e.column());
    assertEquals("string literal is not terminated: it needs a closing '", e.message());
  }

  @Test
  void doubledQuotesInsideALiteralAreNotItsEnd() {
    SqlError e = error("SELECT 'it''s', k FROM events WHERE k = 'it''s");
    assertEquals(41, e.column());
  }

  @Test
  void anUnknownFunctionSuggestsTheClosestName() {
    SqlError e = error("SELECT UPPR(k) FROM events");
    assertEquals(8, e.column());
    assertEquals("Unknown function UPPR. Did you mean 'UPPER'?", e.message());
  }

  @Test
  void aKnownFunctionWithWrongArgumentsKeepsTheSignatureMessage() {
    SqlError e = error("SELECT CHAR_LENGTH(k, k) FROM events");
    assertEquals(8, e.column());
  }
}
