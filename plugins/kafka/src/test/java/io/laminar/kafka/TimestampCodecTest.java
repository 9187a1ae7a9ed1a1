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

  /**
   * A reader remembers the last text's minute: every text of sequences that change the second, the
   * minute, the hour, the day, the month or the year, alternate between two dates, or switch the
   * offset, the fraction's length (none, 3, 6 or 9 digits) or the unit, reads as java.time reads it.
   */
  @Test
  void theRememberedMinuteNeverOutlivesItsText() throws Exception {
    List<String> texts = new java.util.ArrayList<>(List.of(
        "2025-12-31T23:59:59.999Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.001Z", // year, month, day
        "2026-01-01T00:01:00Z", "2026-01-01T01:01:00Z", "2026-01-01T01:01:00+01:00", "2026-01-01T01:01:00-01:30",
        "2026-01-01T01:01:00.123456Z", "2026-01-01T01:01:00.123456789Z", "2026-01-01 01:01:00.5",
        "2026-01-31T10:00:00Z", "2026-02-01T10:00:00Z", "2026-01-31T10:00:00Z", "2026-02-01T10:00:00Z", // alternating
        "2024-02-29T10:00:00Z", "2025-02-28T10:00:00Z", "2026-02-28T10:00", "2026-02-28T10:00:59.999999999+17:59"));
    java.util.Random random = new java.util.Random(11);
    java.time.Instant t = java.time.Instant.parse("2026-03-29T00:59:58Z");
    for (int i = 0; i < 3000; i++) {
      // mostly small steps (the cache's common case), now and then a jump, in many text shapes
      t = t.plusNanos(random.nextInt(10) == 0 ? random.nextLong(-86_400_000_000_000L, 86_400_000_000_000L)
          : random.nextInt(3_000_000) * 1000L);
      java.time.ZoneOffset offset = random.nextInt(4) == 0 ? java.time.ZoneOffset.ofHours(random.nextInt(5) - 2)
          : java.time.ZoneOffset.UTC;
      String text = java.time.OffsetDateTime.ofInstant(t, offset).toString();
      texts.add(random.nextInt(5) == 0 ? text.replace('T', ' ') : text);
    }
    Values.TimestampReader millis = new Values.TimestampReader();
    Values.TimestampReader micros = new Values.TimestampReader();
    Values.TimestampReader fromChars = new Values.TimestampReader();
    for (String text : texts) {
      byte[] bytes = ("\"" + text + "\"").getBytes(StandardCharsets.US_ASCII);
      assertEquals(Values.parseTimestamp(text), millis.read(bytes, 1, text.length(), false), text);
      assertEquals(Values.parseTimestampMicros(text), micros.read(bytes, 1, text.length(), true), text);
      assertEquals(Values.parseTimestamp(text), fromChars.read(text.toCharArray(), 0, text.length(), false), text);
    }
  }

  /** A text that fails after its minute (or one not of the fast shape) leaves the next text's value right. */
  @Test
  void aRejectedTextDoesNotSpoilTheReader() throws Exception {
    Values.TimestampReader reader = new Values.TimestampReader();
    byte[] first = "2026-01-01T10:00:00Z".getBytes(StandardCharsets.UTF_8);
    assertEquals(Values.parseTimestamp("2026-01-01T10:00:00Z"), reader.read(first, 0, first.length, false));
    for (String text : List.of("2026-01-01T10:00:61Z", "2026-01-01T10:00:00.Z", "2026-01-01T10:00x",
        "2026-02-30T10:00:00Z", "2026-01-01T10:00:00Z[UTC]", "2026-01-01T1é:00:00Z", "2026-01-01T10:60:00Z",
        "2026-01-01T10:00:60.000Z", "2026-01-01T10:00:6x.000Z", "2026-01-01T10:00:00.0/0Z", "2026-01-01T10:00:00.00:Z")) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      assertEquals(Values.NOT_FAST, reader.read(bytes, 0, bytes.length, false), text);
    }
    for (String text : List.of("2026-01-01T10:00:01Z", "2026-02-28T10:00:00Z", "2026-01-01T10:00:02.5Z")) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      assertEquals(Values.parseTimestamp(text), reader.read(bytes, 0, bytes.length, false), text);
    }
  }

  /** Timestamp columns of one record each keep their own minute; their texts' lengths differ. */
  @Test
  void twoTimestampColumnsAlternatingDatesDecodeExactly() throws Exception {
    RowDecoder d = new RowDecoder(RowDecoder.Format.JSON, SCHEMA.getFields(), SCHEMA.getFields().stream()
        .map(f -> ColumnKind.of(f.getType()).orElseThrow()).toList(), new RowDecoder.TimestampTarget.None());
    List<String> us = List.of("2026-01-01T00:00:00.000001Z", "2026-01-01T00:00:00.5Z", "2026-01-01T00:00:01Z",
        "2027-06-15T12:30:45.123456789+02:00", "2026-01-01T00:00:02.000003Z");
    List<String> z = List.of("1999-12-31T23:59:59.999Z", "2000-01-01T00:00:00Z", "1999-12-31T23:59:58.5Z",
        "2000-01-01T00:00:00.001Z", "1999-12-31 23:59:59");
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      for (int i = 0; i < us.size(); i++) {
        d.decodeInto(("{\"us\":\"" + us.get(i) + "\",\"z\":\"" + z.get(i) + "\"}").getBytes(StandardCharsets.UTF_8), 0,
            root, i);
      }
      root.setRowCount(us.size());
      for (int i = 0; i < us.size(); i++) {
        assertEquals(Values.parseTimestampMicros(us.get(i)),
            ((org.apache.arrow.vector.TimeStampVector) root.getVector("us")).get(i), us.get(i));
        assertEquals(Values.parseTimestamp(z.get(i)),
            ((org.apache.arrow.vector.TimeStampVector) root.getVector("z")).get(i), z.get(i));
      }
    }
  }
}
