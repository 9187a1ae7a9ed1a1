package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.SqlType;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeFactoryImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DECIMAL arithmetic through the real compiler and runtime against {@link BigDecimal}: random values
 * of DECIMALs from 5 to 38 digits (and INT/BIGINT operands), every pair under + - * / MOD. The
 * result type must be what Calcite's {@code RelDataTypeSystem} derives (with 38 digits at most),
 * the value the exact result at that scale (HALF_UP), and a value beyond the derived precision or
 * a division by zero an error naming the expression.
 */
class DecimalOracleTest {
  /** The decimal columns: (precision, scale). */
  static final int[][] DECIMALS = {{5, 2}, {10, 4}, {18, 0}, {18, 9}, {28, 6}, {38, 10}};
  static final String[] NAMES = {"c1", "c2", "c3", "c4", "c5", "c6", "i", "l"};
  static final Schema MONEY;

  static {
    List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>();
    fields.add(TestTables.field("ts", SqlType.TIMESTAMP));
    for (int[] d : DECIMALS) {
      fields.add(TestTables.field("c" + (fields.size()), SqlType.decimal(d[0], d[1])));
    }
    fields.add(TestTables.field("i", SqlType.INT));
    fields.add(TestTables.field("l", SqlType.BIGINT));
    MONEY = new Schema(fields);
  }

  /** Calcite's default type system with DECIMAL up to 38 digits, as laminar configures it. */
  private static final RelDataTypeSystem TYPES = new RelDataTypeSystemImpl() {
    @Override
    public int getMaxPrecision(SqlTypeName typeName) {
      return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxPrecision(typeName);
    }

    @Override
    public int getMaxScale(SqlTypeName typeName) {
      return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxScale(typeName);
    }
  };
  private static final SqlTypeFactoryImpl FACTORY = new SqlTypeFactoryImpl(TYPES);

  private final SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("money", MONEY, "ts",
      Duration.ZERO)));
  private RootAllocator allocator;

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private static RelDataType calciteType(int column) {
    if (column < DECIMALS.length) {
      return FACTORY.createSqlType(SqlTypeName.DECIMAL, DECIMALS[column][0], DECIMALS[column][1]);
    }
    return FACTORY.createSqlType(column == DECIMALS.length ? SqlTypeName.INTEGER : SqlTypeName.BIGINT);
  }

  /** The type Calcite derives for {@code a op b}. */
  private static RelDataType derive(String op, int a, int b) {
    RelDataType ta = calciteType(a);
    RelDataType tb = calciteType(b);
    return switch (op) {
      case "+", "-" -> TYPES.deriveDecimalPlusType(FACTORY, ta, tb);
      case "*" -> TYPES.deriveDecimalMultiplyType(FACTORY, ta, tb);
      case "/" -> TYPES.deriveDecimalDivideType(FACTORY, ta, tb);
      default -> {
        // MOD's return type inference: DECIMAL_MOD_NULLABLE, else the divisor's type
        RelDataType t = TYPES.deriveDecimalModType(FACTORY, ta, tb);
        yield t != null ? t : tb;
      }
    };
  }

  /** A value of column c: a random number of digits of its type, sometimes zero. */
  private static Object value(Random r, int c) {
    if (c == DECIMALS.length) {
      return r.nextInt(10) == 0 ? 0 : (int) (r.nextGaussian() * Math.pow(10, r.nextInt(9)));
    }
    if (c == DECIMALS.length + 1) {
      return r.nextInt(10) == 0 ? 0L : (long) (r.nextGaussian() * Math.pow(10, r.nextInt(18)));
    }
    int p = DECIMALS[c][0];
    int s = DECIMALS[c][1];
    if (r.nextInt(12) == 0) {
      return BigDecimal.ZERO.setScale(s);
    }
    int digits = 1 + r.nextInt(p);
    BigInteger unscaled = new BigInteger(digits * 4, r).mod(BigInteger.TEN.pow(digits));
    return new BigDecimal(r.nextBoolean() ? unscaled : unscaled.negate(), s);
  }

  private static BigDecimal exact(Object v) {
    return v instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) v).longValue());
  }

  /** The SQL result: the exact value at the derived scale, or the error it must be. */
  private static Object expected(String op, BigDecimal a, BigDecimal b, RelDataType type) {
    int p = type.getPrecision();
    int s = type.getScale();
    BigDecimal v;
    switch (op) {
      case "+" -> v = a.add(b);
      case "-" -> v = a.subtract(b);
      case "*" -> v = a.multiply(b);
      case "/" -> {
        if (b.signum() == 0) {
          return "division by zero";
        }
        v = a.divide(b, s, RoundingMode.HALF_UP);
      }
      default -> {
        if (b.signum() == 0) {
          return "division by zero";
        }
        v = a.remainder(b);
      }
    }
    v = v.setScale(s, RoundingMode.HALF_UP);
    if (type.getSqlTypeName() == SqlTypeName.INTEGER) {
      return v.intValueExact();
    }
    if (type.getSqlTypeName() == SqlTypeName.BIGINT) {
      return v.longValueExact();
    }
    return v.unscaledValue().abs().compareTo(BigInteger.TEN.pow(p)) >= 0 ? "decimal overflow" : v;
  }

  private record Case(String text, String op, int a, int b, RelDataType type) {
  }

  private static List<Case> cases(String op) {
    List<Case> cases = new ArrayList<>();
    for (int a = 0; a < NAMES.length; a++) {
      for (int b = 0; b < NAMES.length; b++) {
        if (a >= DECIMALS.length && b >= DECIMALS.length) {
          continue; // integer arithmetic is tested elsewhere
        }
        String text = op.equals("MOD") ? "MOD(" + NAMES[a] + ", " + NAMES[b] + ")" : NAMES[a] + " " + op + " " + NAMES[b];
        cases.add(new Case(text, op, a, b, derive(op, a, b)));
      }
    }
    return cases;
  }

  @Test
  void addition() {
    check("+", 101);
  }

  @Test
  void subtraction() {
    check("-", 102);
  }

  @Test
  void multiplication() {
    check("*", 103);
  }

  @Test
  void division() {
    check("/", 104);
  }

  @Test
  void modulo() {
    check("MOD", 105);
  }

  /** One query with every pair under {@code op}; each random row runs on its own so an error names its case. */
  private void check(String op, long seed) {
    List<Case> cases = cases(op);
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int k = 0; k < cases.size(); k++) {
      sql.append(k == 0 ? "" : ", ").append(cases.get(k).text).append(" AS e").append(k);
    }
    sql.append(" FROM money");
    CompileResult r = compiler.compile("p", sql.toString());
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    CompiledPipeline pipeline = r.pipeline();
    // the result types are Calcite's derivation, carried to the output schema
    for (int k = 0; k < cases.size(); k++) {
      RelDataType t = cases.get(k).type;
      ArrowType want = switch (t.getSqlTypeName()) {
        case INTEGER -> SqlType.INT.arrowType();
        case BIGINT -> SqlType.BIGINT.arrowType();
        default -> new ArrowType.Decimal(t.getPrecision(), t.getScale(), 128);
      };
      assertEquals(want,
          pipeline.outputSchema().getFields().get(k).getType(), cases.get(k).text);
    }
    Random random = new Random(seed);
    int values = 0;
    int errors = 0;
    int compact = 0;
    for (int row = 0; row < 120; row++) {
      Object[] in = new Object[NAMES.length + 1];
      in[0] = TestTables.BASE + row;
      for (int c = 0; c < NAMES.length; c++) {
        in[c + 1] = value(random, c);
      }
      List<Object> expected = new ArrayList<>();
      for (Case c : cases) {
        expected.add(expected(op, exact(in[c.a + 1]), exact(in[c.b + 1]), c.type));
      }
      List<List<Object>> out = new ArrayList<>();
      try (PipelineExecutor e = new PipelineExecutor(pipeline, allocator, Map.of(), b -> collect(b, out));
          VectorSchemaRoot batch = TestTables.batch(MONEY, List.<Object[]>of(in), allocator)) {
        e.onBatch("money", batch);
      } catch (ExpressionError error) {
        assertNotNull(error.origin(), error.getMessage());
        int k = indexOf(cases, error.origin().text());
        assertTrue(k >= 0, () -> "the error names no case: " + error.getMessage());
        Object want = expected.get(k);
        assertTrue(want instanceof String w && error.problem().startsWith(w + ": "),
            () -> "row " + List.of(in) + ": " + cases.get(k).text + " failed (" + error.getMessage() + ") but is " + want);
        errors++;
        continue;
      }
      assertEquals(1, out.size());
      for (int k = 0; k < cases.size(); k++) {
        Object want = expected.get(k);
        if (want instanceof String) {
          fail("row " + List.of(in) + ": " + cases.get(k).text + " must fail with " + want + " but is "
              + out.get(0).get(k));
        }
        String what = "row " + List.of(in) + ": " + cases.get(k).text;
        assertEquals(want, out.get(0).get(k), what);
        values++;
        if (cases.get(k).type.getPrecision() <= 18) {
          compact++;
        }
      }
    }
    // the random values reach both results and errors, on both representations
    assertTrue(values > 1000, "values checked: " + values);
    assertTrue(compact > 100, "values of at most 18 digits checked: " + compact);
    assertTrue(errors > 0 || op.equals("+") || op.equals("-"), "no row failed");
  }

  private static int indexOf(List<Case> cases, String text) {
    for (int k = 0; k < cases.size(); k++) {
      if (cases.get(k).text.equals(text)) {
        return k;
      }
    }
    return -1;
  }

  /** Output rows with exact values: DECIMALs as BigDecimal at their scale. */
  static void collect(VectorSchemaRoot batch, List<List<Object>> out) {
    for (int r = 0; r < batch.getRowCount(); r++) {
      List<Object> row = new ArrayList<>();
      for (FieldVector v : batch.getFieldVectors()) {
        row.add(v.isNull(r) ? null : exactValue(v, r));
      }
      out.add(row);
    }
  }

  static Object exactValue(FieldVector v, int r) {
    if (v instanceof DecimalVector d) {
      return d.getObject(r);
    }
    if (v instanceof IntVector i) {
      return i.get(r);
    }
    if (v instanceof BigIntVector l) {
      return l.get(r);
    }
    if (v instanceof BitVector b) {
      return b.get(r) != 0;
    }
    if (v instanceof org.apache.arrow.vector.TimeStampVector t) {
      return t.get(r);
    }
    if (v instanceof org.apache.arrow.vector.DateDayVector d) {
      return d.get(r);
    }
    return v.getObject(r) instanceof org.apache.arrow.vector.util.Text t ? t.toString() : v.getObject(r);
  }
}
