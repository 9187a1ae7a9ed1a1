package io.laminar.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ValueCheck} decides as PostgreSQL does: for values around each limit, the check finds a
 * problem exactly when inserting the value into the real column fails.
 */
class ValueCheckTest {
  private static TestDatabase db;
  private BufferAllocator allocator;

  @BeforeAll
  static void database() throws Exception {
    db = TestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    db.close();
  }

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    allocator.close();
  }

  private FieldVector vector(ArrowType type, List<Object> values) {
    FieldVector v = org.apache.arrow.vector.types.pojo.FieldType.nullable(type).createNewSingleVector("c", allocator,
        null);
    v.allocateNew();
    for (int i = 0; i < values.size(); i++) {
      Object o = values.get(i);
      if (o == null) {
        v.setNull(i);
      } else if (v instanceof BigIntVector b) {
        b.setSafe(i, (Long) o);
      } else if (v instanceof Float8Vector d) {
        d.setSafe(i, (Double) o);
      } else if (v instanceof DecimalVector d) {
        d.setSafe(i, (BigDecimal) o);
      } else {
        ((VarCharVector) v).setSafe(i, ((String) o).getBytes(StandardCharsets.UTF_8));
      }
    }
    v.setValueCount(values.size());
    return v;
  }

  /** For each value: whether the check refuses it, and whether PostgreSQL refuses to insert it into {@code ddl}. */
  private void agree(String ddl, ArrowType type, Object... values) throws Exception {
    String table = Fixtures.unique("vc");
    db.exec("CREATE TABLE " + table + " (c " + ddl + ")");
    List<Object> list = Arrays.asList(values);
    try (Connection c = db.connect(); FieldVector v = vector(type, list)) {
      PgColumn column = new PgTable("public", table).columns(c).orElseThrow().get("c");
      ValueCheck check = ValueCheck.of(column, LaminarType.of(type), type);
      List<String> mismatches = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String problem = check == null ? null : check.problem(v, i);
        String refused = null;
        try (PreparedStatement st = c.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
          ArrowValues.bind(st, 1, LaminarType.of(type), ArrowValues.value(v, LaminarType.of(type), i));
          st.executeUpdate();
        } catch (SQLException e) {
          refused = e.getMessage();
        }
        if ((problem == null) != (refused == null)) {
          mismatches.add(list.get(i) + ": check says " + problem + ", PostgreSQL says " + refused);
        }
      }
      assertEquals(List.of(), mismatches, ddl);
    }
  }

  private static final ArrowType BIGINT = new ArrowType.Int(64, true);

  @Test
  void integerRanges() throws Exception {
    agree("smallint", BIGINT, -32769L, -32768L, 0L, 32767L, 32768L, 70000L, Long.MAX_VALUE);
    agree("integer", BIGINT, (long) Integer.MIN_VALUE - 1, (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE,
        (long) Integer.MAX_VALUE + 1);
  }

  @Test
  void numericPrecisionAfterRoundingToTheScale() throws Exception {
    ArrowType decimal = new ArrowType.Decimal(10, 3, 128);
    agree("numeric(6,2)", decimal, new BigDecimal("9999.994"), new BigDecimal("9999.995"), new BigDecimal("-9999.994"),
        new BigDecimal("-9999.995"), new BigDecimal("12345.600"), new BigDecimal("0.001"));
    agree("numeric(6,2)", BIGINT, 9999L, 10000L, -10000L);
    agree("numeric(6,2)", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), 9999.99, 9999.994, 9999.996,
        -10000.0, Double.POSITIVE_INFINITY, Double.NaN);
  }

  @Test
  void stringLengthsInCharactersWithExcessSpacesDropped() throws Exception {
    ArrowType varchar = new ArrowType.Utf8();
    agree("varchar(5)", varchar, "abcde", "abcdef", "abc      ", "abcdef ", "ééééé", "éééééé", "");
    agree("char(3)", varchar, "ab", "abc", "abcd", "abc   ", "€€€", "€€€€");
  }

  @Test
  void nullIntoNotNull() throws Exception {
    agree("text NOT NULL", new ArrowType.Utf8(), "x", null);
    agree("bigint", BIGINT, 1L, null);
    assertTrue(ValueCheck.of(new PgColumn("c", "int8", "bigint", false), LaminarType.BIGINT, BIGINT) == null,
        "nothing to check for a column that holds every value");
  }
}
