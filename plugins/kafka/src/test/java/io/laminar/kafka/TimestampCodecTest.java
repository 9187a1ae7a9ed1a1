package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TIMESTAMP(6) and TIMESTAMP WITH LOCAL TIME ZONE columns in the JSON and CSV formats. */
class TimestampCodecTest {
  private static final Schema SCHEMA = Fixtures.schema(col("us", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
      col("z", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")));
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private List<String> roundTrip(RowDecoder.Format format, RowDecoder.TimestampTarget target, long recordTime,
      String... records) throws DecodeException {
    RowDecoder d = new RowDecoder(format, SCHEMA.getFields(), SCHEMA.getFields().stream()
        .map(f -> ColumnKind.of(f.getType()).orElseThrow()).toList(), target);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      for (int i = 0; i < records.length; i++) {
        d.decode(records[i].getBytes(StandardCharsets.UTF_8), recordTime);
        d.writeTo(root, i);
      }
      root.setRowCount(records.length);
      RowEncoder e = new RowEncoder();
      return java.util.stream.IntStream.range(0, records.length)
          .mapToObj(r -> new String(e.json(root, r), StandardCharsets.UTF_8)).toList();
    }
  }

  @Test
  void microsecondsSurviveJsonAndCsv() throws Exception {
    RowDecoder.TimestampTarget none = new RowDecoder.TimestampTarget.None();
    assertEquals(List.of("{\"us\":\"2026-01-01T09:30:00.123456Z\",\"z\":\"2026-01-01T09:30:00.123Z\"}",
        "{\"us\":\"1970-01-01T00:00:01.000001Z\",\"z\":null}"),
        roundTrip(RowDecoder.Format.JSON, none, 0, "{\"us\":\"2026-01-01T11:30:00.123456+02:00\","
            + "\"z\":\"2026-01-01 09:30:00.123\"}", "{\"us\":1000001}"));
    assertEquals(List.of("{\"us\":\"2026-01-01T00:00:00.000007Z\",\"z\":\"1970-01-01T00:00:00.005Z\"}"),
        roundTrip(RowDecoder.Format.CSV, none, 0, "2026-01-01 00:00:00.000007,1970-01-01T00:00:00.005Z"));
  }

  @Test
  void theRecordTimestampFillsAMicrosecondColumnInItsUnit() throws Exception {
    assertEquals(List.of("{\"us\":\"1970-01-01T00:00:01.234Z\",\"z\":null}"),
        roundTrip(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.FirstAbsent(), 1234, "{}"));
  }

  @Test
  void theFastInstantTextEqualsInstantToString() {
    java.util.Random random = new java.util.Random(7);
    byte[] out = new byte[40];
    List<Long> millis = new java.util.ArrayList<>(List.of(0L, -1L, 1L, 999L, -86_400_000L, 951_782_400_000L,
        -62_167_219_200_000L, 253_402_300_799_999L));
    for (int i = 0; i < 3000; i++) {
      millis.add(random.nextLong(-62_167_219_200_000L, 253_402_300_800_000L));
    }
    for (long ms : millis) {
      java.time.Instant instant = java.time.Instant.ofEpochMilli(ms);
      int n = Values.formatInstant(Math.floorDiv(ms, 1000L), (int) Math.floorMod(ms, 1000L) * 1_000_000, out);
      assertEquals(instant.toString(), new String(out, 0, n, StandardCharsets.US_ASCII), Long.toString(ms));
      long us = ms * 1000 + random.nextInt(1000);
      java.time.Instant micro = java.time.Instant.EPOCH.plus(us, java.time.temporal.ChronoUnit.MICROS);
      n = Values.formatInstant(Math.floorDiv(us, 1_000_000L), (int) Math.floorMod(us, 1_000_000L) * 1000, out);
      assertEquals(micro.toString(), new String(out, 0, n, StandardCharsets.US_ASCII), Long.toString(us));
    }
    assertEquals(0, Values.formatInstant(253_402_300_800L, 0, out), "year 10000 is left to Instant.toString");
    assertEquals(0, Values.formatInstant(-62_167_219_201L, 0, out), "year -1 is left to Instant.toString");
  }
}
