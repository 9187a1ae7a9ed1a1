package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's JSON, written straight from the vectors, is byte for byte what Jackson's generator
 * writes for the same values ({@link JacksonRowEncoder}, the encoder's previous implementation):
 * random rows of every supported type, with nulls, escapes, non-ASCII text and edge values.
 */
class RowEncoderTest {
  private static final Schema SCHEMA = Fixtures.schema(col("i", new ArrowType.Int(32, true)),
      col("b\"ig\n", new ArrowType.Int(64, true)), col("f", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
      col("d", Fixtures.DOUBLE), col("dec", new ArrowType.Decimal(38, 6, 128)), col("s", Fixtures.VARCHAR),
      col("ok", ArrowType.Bool.INSTANCE), col("ts", Fixtures.TIMESTAMP),
      col("tsu", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
      col("tsz", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")), col("day", new ArrowType.Date(DateUnit.DAY)),
      col("prix €", Fixtures.VARCHAR));
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  @Test
  void everyRowIsWhatJacksonWrites() {
    Random random = new Random(20);
    int rows = 5000;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      for (int r = 0; r < rows; r++) {
        for (FieldVector v : root.getFieldVectors()) {
          if (random.nextInt(8) == 0) {
            v.setNull(r);
          } else {
            fill(v, r, random);
          }
        }
      }
      root.setRowCount(rows);
      assertEveryRowEncodesAsJackson(root);
    }
  }

  @Test
  void edgeValuesAreWhatJacksonWrites() {
    double[] doubles = {0.0, -0.0, 1.0, 57.31, 0.1 + 0.2, 1e-3, 9.99e-4, 1e7, 9999999.999, 1e21, 1e22, 1e-300,
        Double.MIN_VALUE, Double.MAX_VALUE, Math.PI,
        0.001, 0.0011, 0.01, 0.5, 2.675, 100.0, -57.3, 9999999.0, 9999999.5, 1234567.891, 4503599627370497.0,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    long[] longs = {0, -1, 9, 10, 99, 100, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE,
        Long.MIN_VALUE, Long.MIN_VALUE + 1};
    String[] strings = {"", "\"", "\\", "a\u0000b\u001f\u007f", "\b\t\n\f\r", "/", "é€𝄞", "\"quoted\" \\path\\"};
    int n = Math.max(doubles.length, Math.max(longs.length, strings.length));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      for (int r = 0; r < n; r++) {
        ((IntVector) root.getVector("i")).setSafe(r, (int) longs[r % longs.length]);
        ((BigIntVector) root.getVector("b\"ig\n")).setSafe(r, longs[r % longs.length]);
        ((Float4Vector) root.getVector("f")).setSafe(r, (float) doubles[r % doubles.length]);
        ((Float8Vector) root.getVector("d")).setSafe(r, doubles[r % doubles.length]);
        ((DecimalVector) root.getVector("dec")).setSafe(r, new BigDecimal(BigInteger.valueOf(longs[r % longs.length]),
            6));
        ((VarCharVector) root.getVector("s")).setSafe(r, strings[r % strings.length].getBytes(StandardCharsets.UTF_8));
        ((BitVector) root.getVector("ok")).setSafe(r, r % 2);
        ((TimeStampVector) root.getVector("ts")).setSafe(r, longs[r % longs.length] / 1000);
        ((TimeStampVector) root.getVector("tsu")).setSafe(r, -longs[r % longs.length] / 1000);
        ((TimeStampVector) root.getVector("tsz")).setSafe(r, r * 86_400_000L * 365 * 300);
        ((DateDayVector) root.getVector("day")).setSafe(r, -r * 40_000);
        ((VarCharVector) root.getVector("prix €")).setSafe(r, strings[(r + 3) % strings.length]
            .getBytes(StandardCharsets.UTF_8));
      }
      root.setRowCount(n);
      assertEveryRowEncodesAsJackson(root);
    }
  }

  @Test
  void timestampsSharingSecondsAreWhatJacksonWrites() {
    // consecutive rows mostly in one second (the encoder reuses that second's text): whole seconds,
    // ms, µs and µs that are whole ms, across second, day and year boundaries, and before 1970
    long[] starts = {1_767_225_599_990L, -1_001L, 0L, 253_402_300_799_500L};
    int perStart = 1500;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      int r = 0;
      for (long start : starts) {
        for (int i = 0; i < perStart; i++, r++) {
          for (FieldVector v : root.getFieldVectors()) {
            v.setNull(r);
          }
          ((TimeStampVector) root.getVector("ts")).setSafe(r, start + i * 7L);
          ((TimeStampVector) root.getVector("tsu")).setSafe(r, start * 1000 + (i % 3 == 0 ? i * 1000L : i * 999L));
          ((TimeStampVector) root.getVector("tsz")).setSafe(r, start + i * 250L);
        }
      }
      root.setRowCount(r);
      assertEveryRowEncodesAsJackson(root);
    }
  }

  @Test
  void shortDecimalsAreWhatJacksonWrites() {
    // prices and the like: up to 4 decimals (4 takes the general path) over the whole plain range
    Random random = new Random(7);
    int rows = 20_000;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      double[] scales = {1, 10, 100, 1000, 10_000};
      for (int r = 0; r < rows; r++) {
        for (FieldVector v : root.getFieldVectors()) {
          v.setNull(r);
        }
        long digits = (long) Math.pow(10, 1 + random.nextInt(11));
        double d = (random.nextLong() % digits) / scales[random.nextInt(scales.length)];
        ((Float8Vector) root.getVector("d")).setSafe(r, d);
        ((Float4Vector) root.getVector("f")).setSafe(r, (float) d);
      }
      root.setRowCount(rows);
      assertEveryRowEncodesAsJackson(root);
    }
  }

  private static void assertEveryRowEncodesAsJackson(VectorSchemaRoot root) {
    RowEncoder encoder = new RowEncoder();
    JacksonRowEncoder jackson = new JacksonRowEncoder();
    for (int r = 0; r < root.getRowCount(); r++) {
      assertEquals(new String(jackson.json(root, r), StandardCharsets.UTF_8),
          new String(encoder.json(root, r), StandardCharsets.UTF_8), "row " + r);
    }
  }

  private static void fill(FieldVector v, int r, Random random) {
    if (v instanceof IntVector iv) {
      iv.setSafe(r, random.nextInt(3) == 0 ? random.nextInt(100) : random.nextInt());
    } else if (v instanceof BigIntVector bv) {
      bv.setSafe(r, random.nextLong() >> random.nextInt(64));
    } else if (v instanceof Float4Vector fv) {
      fv.setSafe(r, random.nextBoolean() ? Float.intBitsToFloat(random.nextInt()) : random.nextInt(10_000) / 100f);
    } else if (v instanceof Float8Vector fv) {
      fv.setSafe(r, random.nextBoolean() ? Double.longBitsToDouble(random.nextLong()) : random.nextInt(10_000) / 100.0);
    } else if (v instanceof DecimalVector dv) {
      dv.setSafe(r, new BigDecimal(BigInteger.valueOf(random.nextLong() >> random.nextInt(64)), 6));
    } else if (v instanceof VarCharVector sv) {
      sv.setSafe(r, randomText(random).getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof BitVector bv) {
      bv.setSafe(r, random.nextInt(2));
    } else if (v instanceof TimeStampVector tv) {
      // up to ±~3000 years around 1970 in ms, or µs for the micro vector
      long range = v instanceof TimeStampMicroVector ? 95_000_000_000_000_000L : 95_000_000_000_000L;
      tv.setSafe(r, random.nextInt(4) == 0 ? random.nextLong() % range : 1_767_225_600_000L + random.nextInt());
    } else if (v instanceof DateDayVector dv) {
      dv.setSafe(r, random.nextInt(2_000_000) - 1_000_000);
    } else {
      throw new AssertionError(v.getClass());
    }
  }

  private static String randomText(Random random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(5)) {
        case 0 -> s.append((char) random.nextInt(0x20)); // controls
        case 1 -> s.append("\"\\/'".charAt(random.nextInt(4)));
        case 2 -> s.append("é€中".charAt(random.nextInt(3)));
        case 3 -> s.appendCodePoint(0x1F600 + random.nextInt(50)); // beyond the BMP
        default -> s.append((char) (0x20 + random.nextInt(0x60)));
      }
    }
    return s.toString();
  }
}
