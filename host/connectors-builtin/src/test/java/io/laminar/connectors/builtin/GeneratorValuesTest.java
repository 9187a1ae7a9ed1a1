package io.laminar.connectors.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.testkit.TestConnectorContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generator's bulk fills (values written straight to the buffers, event times once per run of
 * equal milliseconds) give exactly the values of its per-row definition: SplitMix64 over (seed,
 * column, row), spelled out here as it was first written, and {@code start + floor(row * 1000 /
 * events_per_second)}. Batches of odd sizes, so runs and wrap-arounds straddle batch ends.
 */
class GeneratorValuesTest {
  private static final Schema SCHEMA = new Schema(List.of(
      GeneratorSourceTest.field("id", new ArrowType.Int(64, true), false),
      GeneratorSourceTest.field("cycle", new ArrowType.Int(64, true), false),
      GeneratorSourceTest.field("small", new ArrowType.Int(32, true), false),
      GeneratorSourceTest.field("qty", new ArrowType.Int(32, true), false),
      GeneratorSourceTest.field("big", new ArrowType.Int(64, true), false),
      GeneratorSourceTest.field("price", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), false),
      GeneratorSourceTest.field("ratio", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false),
      GeneratorSourceTest.field("level", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), false),
      GeneratorSourceTest.field("ts", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null), false),
      GeneratorSourceTest.field("tsu", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), false)));
  private static final long SEED = 1234;
  private static final int[] BATCHES = {1, 777, 8192, 3, 5000, 8191, 2};

  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  /** The generator's hash as first written (before the fills stepped it per row). */
  private static long hash(long seed, int column, long row) {
    long z = seed * 0x9E3779B97F4A7C15L + (column + 1L) * 0xBF58476D1CE4E5B9L + row * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  private static long millis(long start, double eventsPerSecond, long row) {
    double perRow = 1000.0 / eventsPerSecond;
    if (perRow == Math.rint(perRow)) {
      return start + row * (long) perRow;
    }
    return start + (long) Math.floor(row * 1000.0 / eventsPerSecond);
  }

  @ParameterizedTest(name = "events_per_second = {0}")
  @ValueSource(doubles = {1_000_000, 1000, 250, 3, 2500, 16_000, 428_571.4285714286, 7_777_777, 1e9})
  void bulkFillsEqualThePerRowDefinition(double eventsPerSecond) throws Exception {
    long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    Map<String, Object> p = new HashMap<>(Map.of("seed", SEED, "events_per_second", eventsPerSecond,
        "start_time", "2026-01-01T00:00:00Z"));
    p.putAll(Map.of("fields.id.kind", "sequence", "fields.cycle.kind", "sequence", "fields.cycle.min", "-3",
        "fields.cycle.max", "1000", "fields.small.kind", "sequence", "fields.small.min", "7", "fields.small.max", "9"));
    p.putAll(Map.of("fields.qty.min", "-50", "fields.qty.max", "50", "fields.price.min", "0", "fields.price.max", "100",
        "fields.level.kind", "sequence", "fields.level.min", "0.5", "fields.ratio.min", "-1", "fields.ratio.max", "1"));
    try (Source s = new GeneratorSourceFactory().create(TestConnectorContext.builder("gen", ConnectorKind.SOURCE)
        .schema(SCHEMA).allocator(allocator).properties(p).build())) {
      s.open(null);
      long row = 0;
      for (int size : BATCHES) {
        try (Batch b = s.poll(size, Duration.ZERO)) {
          assertEquals(size, b.rowCount());
          var v = b.data();
          for (int i = 0; i < size; i++, row++) {
            String at = "row " + row;
            assertFalse(v.getVector("price").isNull(i), at);
            assertEquals(row, ((BigIntVector) v.getVector("id")).get(i), at);
            assertEquals(-3 + Math.floorMod(row, 1004L), ((BigIntVector) v.getVector("cycle")).get(i), at);
            assertEquals(7 + Math.floorMod(row, 3L), ((IntVector) v.getVector("small")).get(i), at);
            assertEquals(-50 + Math.floorMod(hash(SEED, 3, row), 101L), ((IntVector) v.getVector("qty")).get(i), at);
            assertEquals(Math.floorMod(hash(SEED, 4, row), 1001L), ((BigIntVector) v.getVector("big")).get(i), at);
            assertEquals(Double.doubleToRawLongBits(0 + unit(hash(SEED, 5, row)) * (100 - 0)),
                Double.doubleToRawLongBits(((Float8Vector) v.getVector("price")).get(i)), at);
            assertEquals(Float.floatToRawIntBits((float) (-1 + unit(hash(SEED, 6, row)) * (1 - -1))),
                Float.floatToRawIntBits(((Float4Vector) v.getVector("ratio")).get(i)), at);
            assertEquals(0.5 + row, ((Float8Vector) v.getVector("level")).get(i), at);
            long t = millis(start, eventsPerSecond, row);
            assertEquals(t, ((TimeStampVector) v.getVector("ts")).get(i), at);
            assertEquals(t * 1000, ((TimeStampVector) v.getVector("tsu")).get(i), at);
          }
        }
      }
    }
  }
}
