package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.BOOLEAN;
import static io.laminar.kafka.Fixtures.DATE;
import static io.laminar.kafka.Fixtures.DOUBLE;
import static io.laminar.kafka.Fixtures.INT;
import static io.laminar.kafka.Fixtures.TIMESTAMP;
import static io.laminar.kafka.Fixtures.VARCHAR;
import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Decoding single records into rows, without a broker. */
class RowDecoderTest {
  private static final Schema SCHEMA = Fixtures.schema(col("i", INT), col("b", BIGINT), col("d", DOUBLE),
      col("s", VARCHAR), col("ok", BOOLEAN), col("ts", TIMESTAMP), col("day", DATE));
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private static RowDecoder decoder(RowDecoder.Format format, RowDecoder.TimestampTarget target) {
    return new RowDecoder(format, SCHEMA.getFields(), SCHEMA.getFields().stream()
        .map(f -> ColumnKind.of(f.getType()).orElseThrow()).toList(), target);
  }

  /** Decodes the records into one batch, in order, and returns its rows. */
  private List<Map<String, Object>> decode(RowDecoder.Format format, String... records) throws DecodeException {
    RowDecoder d = decoder(format, new RowDecoder.TimestampTarget.None());
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      for (int i = 0; i < records.length; i++) {
        d.decodeInto(records[i].getBytes(StandardCharsets.UTF_8), 0, root, i);
      }
      root.setRowCount(records.length);
      return Fixtures.rows(root);
    }
  }

  /** The same records through the staging path (decode, then writeTo), which Debezium events take. */
  private List<Map<String, Object>> decodeStaged(String... records) throws DecodeException {
    RowDecoder d = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      for (int i = 0; i < records.length; i++) {
        d.decode(records[i].getBytes(StandardCharsets.UTF_8), 0);
        d.writeTo(root, i);
      }
      root.setRowCount(records.length);
      return Fixtures.rows(root);
    }
  }

  private String failure(String json) {
    RowDecoder d = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    String staged = assertThrows(DecodeException.class, () -> d.decode(json.getBytes(StandardCharsets.UTF_8), 0))
        .getMessage();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      String direct = assertThrows(DecodeException.class,
          () -> d.decodeInto(json.getBytes(StandardCharsets.UTF_8), 0, root, 0)).getMessage();
      assertEquals(staged, direct, "both paths report the same error");
      return direct;
    }
  }

  @Test
  void timestampsAcceptIsoWithOffsetWithoutZoneAndEpochMillis() throws Exception {
    List<Map<String, Object>> rows = decode(RowDecoder.Format.JSON, "{\"ts\":\"2026-01-01T02:00:00+02:00\"}",
        "{\"ts\":\"2026-01-01 00:00:00\"}", "{\"ts\":1767225600000}");

    long midnight = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    rows.forEach(r -> assertEquals(midnight, r.get("ts")));
  }

  @Test
  void nullValuesAndUnknownFieldsAreAccepted() throws Exception {
    Map<String, Object> row = decode(RowDecoder.Format.JSON, "{\"i\":null,\"extra\":{\"x\":[1,2]},\"s\":\"x\"}").get(0);

    assertNull(row.get("i"));
    assertEquals("x", row.get("s"));
  }

  @Test
  void nonFiniteDoublesAreReadFromStrings() throws Exception {
    assertEquals(Double.NaN, decode(RowDecoder.Format.JSON, "{\"d\":\"NaN\"}").get(0).get("d"));
  }

  @Test
  void aFailedRecordLeavesNoTraceInTheNextRow() throws Exception {
    RowDecoder d = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    assertThrows(DecodeException.class, () -> d.decode("{\"s\":\"stale\",\"i\":\"x\"}".getBytes(StandardCharsets.UTF_8), 0));
    d.decode("{\"i\":1}".getBytes(StandardCharsets.UTF_8), 0);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      d.writeTo(root, 0);
      root.setRowCount(1);

      assertNull(Fixtures.rows(root).get(0).get("s"));
    }
  }

  @Test
  void aRecordFailingHalfWayIntoTheBatchIsOverwrittenByTheNext() throws Exception {
    RowDecoder d = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      d.decodeInto("{\"s\":\"first\",\"i\":1}".getBytes(StandardCharsets.UTF_8), 0, root, 0);
      // writes s, b and d of row 1 before it fails at i
      assertThrows(DecodeException.class, () -> d.decodeInto(
          "{\"s\":\"a stale and rather long string\",\"b\":5,\"d\":1.5,\"i\":\"x\"}".getBytes(StandardCharsets.UTF_8),
          0, root, 1));
      d.decodeInto("{\"i\":2,\"s\":\"é\"}".getBytes(StandardCharsets.UTF_8), 0, root, 1);
      assertThrows(DecodeException.class, () -> d.decodeInto(
          "{\"s\":\"past the end\",\"ok\":7}".getBytes(StandardCharsets.UTF_8), 0, root, 2));
      root.setRowCount(2);

      List<Map<String, Object>> rows = Fixtures.rows(root);
      assertEquals("first", rows.get(0).get("s"));
      assertEquals(2, rows.get(1).get("i"));
      assertEquals("é", rows.get(1).get("s"));
      assertNull(rows.get(1).get("b"));
      assertNull(rows.get(1).get("d"));
    }
  }

  @Test
  void fieldsInAnyOrderWithUnknownFieldsBetweenDecodeAlikeOnBothPaths() throws Exception {
    String[] records = {
        "{\"i\":1,\"b\":2,\"d\":3.5,\"s\":\"x\",\"ok\":true,\"ts\":4,\"day\":5}",
        "{\"day\":5,\"x\":[{\"i\":9}],\"ts\":\"2026-01-01T00:00:00.5Z\",\"s\":\"y\",\"i\":1,\"zz\":null}",
        "{\"s\":\"\\u00e9\\ud83d\\ude00 \\u4e2d \\ud800 tab\\t\",\"d\":-0.0,\"d2\":1}",
        "{}"};

    List<Map<String, Object>> direct = decode(RowDecoder.Format.JSON, records);

    assertEquals(decodeStaged(records), direct);
    assertEquals("x", direct.get(0).get("s"));
    assertEquals(1_767_225_600_500L, direct.get(1).get("ts"));
    assertEquals("é\ud83d\ude00 中 ? tab\t", direct.get(2).get("s"));
    assertEquals(SCHEMA.getFields().size(), direct.get(3).size());
    direct.get(3).forEach((column, value) -> assertNull(value, column));
  }

  @Test
  void theFastTimestampPathAgreesWithJavaTime() throws Exception {
    java.util.Random random = new java.util.Random(42);
    List<String> texts = new java.util.ArrayList<>(List.of("1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
        "2000-02-29T12:00:00+05:30", "2100-03-01 00:00", "1600-02-29T23:59:59.123456789-08:00",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999+17:59", "2026-06-30T10:15:30.1"));
    for (int i = 0; i < 2000; i++) {
      long second = random.nextLong(-62_000_000_000L, 253_000_000_000L);
      int nanos = random.nextInt(1_000_000_000);
      java.time.ZoneOffset offset = java.time.ZoneOffset.ofTotalSeconds((random.nextInt(35) - 17) * 3600
          + random.nextInt(2) * 1800);
      texts.add(java.time.OffsetDateTime.ofInstant(Instant.ofEpochSecond(second, nanos), offset).toString());
    }
    for (String t : texts) {
      byte[] bytes = ("\"" + t + "\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertEquals(Values.parseTimestamp(t), new Values.TimestampReader().read(bytes, 1, t.length(), false), t);
      assertEquals(Values.parseTimestampMicros(t), new Values.TimestampReader().read(bytes, 1, t.length(), true), t);
    }
    for (String t : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:60Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+18:00", "2026-01-01t00:00:00Z",
        "2026-01-01T00:00:00Z[UTC]", "+12026-01-01T00:00:00Z", " 2026-01-01T00:00:00Z", "2026-01-01T00:00:00+0100")) {
      byte[] bytes = t.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertEquals(Values.NOT_FAST, new Values.TimestampReader().read(bytes, 0, bytes.length, false), t);
    }
  }

  @Test
  void wrongJsonTypeNamesColumnAndTypes() {
    assertEquals("column 'ok' (BOOLEAN): expected true or false, got an integer", failure("{\"ok\":1}"));
  }

  @Test
  void integerOutOfRangeForIntIsAnError() {
    assertEquals("column 'i' (INT): 3000000000 is out of range", failure("{\"i\":3000000000}"));
  }

  @Test
  void decimalForAnIntegerColumnIsAnError() {
    assertEquals("column 'b' (BIGINT): expected an integer, got a decimal number", failure("{\"b\":1.5}"));
  }

  @Test
  void badTimestampTextNamesTheColumn() {
    assertEquals("column 'ts' (TIMESTAMP): 'yesterday' is not an ISO-8601 timestamp", failure("{\"ts\":\"yesterday\"}"));
  }

  @Test
  void aDuplicateFieldIsAnError() {
    assertEquals("field 'i' appears twice", failure("{\"i\":1,\"i\":2}"));
  }

  @Test
  void aJsonArrayIsNotARow() {
    assertEquals("expected a JSON object, got an array", failure("[1]"));
  }

  @Test
  void trailingContentIsAnError() {
    assertEquals("unexpected content after the JSON object", failure("{\"i\":1} {\"i\":2}"));
  }

  @Test
  void aTombstoneIsAnError() {
    RowDecoder d = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    assertEquals("the record has no value (a tombstone)",
        assertThrows(DecodeException.class, () -> d.decode(null, 0)).getMessage());
  }

  @Test
  void csvFieldsAreParsedByColumnType() throws Exception {
    Map<String, Object> row = decode(RowDecoder.Format.CSV, "7,8,2.5,\"a,b\",TRUE,1767225600000,2026-01-31").get(0);

    assertEquals(7, row.get("i"));
    assertEquals(8L, row.get("b"));
    assertEquals(2.5, row.get("d"));
    assertEquals("a,b", row.get("s"));
    assertEquals(true, row.get("ok"));
    assertEquals(1_767_225_600_000L, row.get("ts"));
    assertEquals(20484, row.get("day"));
  }

  @Test
  void csvWithMoreFieldsThanColumnsIsAnError() {
    RowDecoder d = decoder(RowDecoder.Format.CSV, new RowDecoder.TimestampTarget.None());
    assertEquals("the CSV line has 8 fields but the schema has 7 columns", assertThrows(DecodeException.class,
        () -> d.decode("1,2,3,4,true,6,2026-01-01,8".getBytes(StandardCharsets.UTF_8), 0)).getMessage());
  }

  @Test
  void namedTimestampColumnGetsTheRecordTimestampOnlyWhenAbsent() throws Exception {
    RowDecoder d = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.Column(5));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      d.decode("{}".getBytes(StandardCharsets.UTF_8), 42);
      d.writeTo(root, 0);
      d.decode("{\"ts\":7}".getBytes(StandardCharsets.UTF_8), 42);
      d.writeTo(root, 1);
      root.setRowCount(2);

      assertEquals(42L, Fixtures.rows(root).get(0).get("ts"));
      assertEquals(7L, Fixtures.rows(root).get(1).get("ts"));
    }
  }

  /**
   * {@code decodeInto}'s short path (flat records in the common shape, decoded without a parser)
   * gives what Jackson's path gives — the same row, or the same error — for random records in and
   * around that shape: every value form, whitespace, unknown and repeated fields, escapes, non-ASCII
   * text, numbers with leading zeros, exponents, many digits or {@code -0}, truncated and trailing
   * content.
   */
  @Test
  void theShortPathDecodesEveryRecordAsJacksonDoes() throws Exception {
    java.util.Random random = new java.util.Random(20);
    RowDecoder direct = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    RowDecoder staged = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    try (VectorSchemaRoot viaShortPath = VectorSchemaRoot.create(SCHEMA, allocator);
        VectorSchemaRoot viaJackson = VectorSchemaRoot.create(SCHEMA, allocator)) {
      viaShortPath.allocateNew();
      viaJackson.allocateNew();
      int rows = 0;
      int failed = 0;
      for (int n = 0; n < 30_000; n++) {
        String json = randomRecord(random);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        String directError = null;
        String stagedError = null;
        try {
          direct.decodeInto(bytes, 0, viaShortPath, rows);
        } catch (DecodeException e) {
          directError = e.getMessage();
        }
        try {
          staged.decode(bytes, 0);
        } catch (DecodeException e) {
          stagedError = e.getMessage();
        }
        assertEquals(stagedError, directError, json);
        if (directError == null) {
          staged.writeTo(viaJackson, rows++);
        } else {
          failed++;
        }
      }
      viaShortPath.setRowCount(rows);
      viaJackson.setRowCount(rows);
      assertEquals(Fixtures.rows(viaJackson), Fixtures.rows(viaShortPath));
      org.junit.jupiter.api.Assertions.assertTrue(rows > 10_000 && failed > 1000, rows + " rows, " + failed + " failed");
    }
  }

  /** Records into a batch sized for 2 rows: the short path grows it as setSafe would, as Jackson's path does. */
  @Test
  void theShortPathGrowsABatchSmallerThanItsRecords() throws Exception {
    java.util.Random random = new java.util.Random(3);
    String[] records = new String[5000];
    for (int i = 0; i < records.length; i++) {
      String s = switch (random.nextInt(5)) {
        case 0 -> ",\"s\":null";
        case 1 -> ""; // absent
        case 2 -> ",\"s\":\"" + "x".repeat(random.nextInt(2000)) + "\""; // longer than the data buffer's doubling
        case 3 -> ",\"s\":\"é" + i + "\""; // Jackson's path
        default -> ",\"s\":\"s" + i + "\"";
      };
      records[i] = "{\"i\":" + i + ",\"d\":" + i + ".5" + s + ",\"ok\":" + (i % 3 == 0) + ",\"ts\":\""
          + Instant.ofEpochMilli(1_767_225_600_000L + 997L * i) + "\"}";
    }
    RowDecoder d = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.getFieldVectors().forEach(v -> v.setInitialCapacity(2));
      root.allocateNew();
      for (int i = 0; i < records.length; i++) {
        d.decodeInto(records[i].getBytes(StandardCharsets.UTF_8), 0, root, i);
      }
      root.setRowCount(records.length);
      root.getFieldVectors().forEach(org.apache.arrow.vector.util.ValueVectorUtility::validateFull);

      assertEquals(decodeStaged(records), Fixtures.rows(root));
    }
  }

  /**
   * The short path writes a record's first fields into the row, then bails out at its last one (an
   * exponent, a non-ASCII string): Jackson's path rewrites every cell of the row, and the next rows'
   * strings start where the row's string ends.
   */
  @Test
  void aRecordWhoseLastFieldBailsOutIsRewrittenWhole() throws Exception {
    String[] records = {
        "{\"i\":1,\"s\":\"first\",\"ok\":true}",
        "{\"i\":2,\"s\":\"a longer second string\",\"ok\":false,\"d\":1e3}",
        "{\"s\":\"third\",\"i\":3,\"d\":2.5,\"b\":7,\"ts\":\"2026-01-01T00:00:00Z\",\"day\":\"2026-01-31\"}",
        "{\"i\":4,\"ok\":true,\"s\":\"fourth, then é\"}",
        "{\"i\":5,\"s\":\"fifth\"}"};

    List<Map<String, Object>> rows = decode(RowDecoder.Format.JSON, records);

    assertEquals(decodeStaged(records), rows);
    assertEquals(List.of("first", "a longer second string", "third", "fourth, then é", "fifth"),
        rows.stream().map(r -> r.get("s")).toList());
    assertEquals(1000.0, rows.get(1).get("d"));
    assertEquals(false, rows.get(1).get("ok"));
    assertEquals(20484, rows.get(2).get("day"));
    assertEquals(true, rows.get(3).get("ok"));
  }

  /** Vectors grown by the caller or another writer between records (their buffers replaced) are written where they now are. */
  @Test
  void theShortPathFollowsVectorsThatGrewBetweenRecords() throws Exception {
    RowDecoder d = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      d.decodeInto(record(0), 0, root, 0);
      root.getFieldVectors().forEach(org.apache.arrow.vector.FieldVector::reAlloc); // every buffer replaced
      d.decodeInto(record(1), 0, root, 1);
      d.decodeInto(record(2), 0, root, 2);
      d.decode(("{\"i\":3,\"s\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8), 0);
      d.writeTo(root, 3); // the string's data buffer replaced
      d.decodeInto(record(4), 0, root, 4);
      d.decodeInto(record(5), 0, root, 5);
      root.setRowCount(6);
      root.getFieldVectors().forEach(org.apache.arrow.vector.util.ValueVectorUtility::validateFull);

      List<Map<String, Object>> rows = Fixtures.rows(root);
      for (int r = 0; r < 6; r++) {
        assertEquals(r, rows.get(r).get("i"));
        assertEquals(r == 3 ? "x".repeat(100_000) : "row " + r, rows.get(r).get("s"));
        assertEquals(r == 3 ? null : (long) r, rows.get(r).get("ts"));
      }
    }
  }

  private static byte[] record(int r) {
    return ("{\"i\":" + r + ",\"s\":\"row " + r + "\",\"ts\":" + r + "}").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The short path first reads a timestamp as long as the column's last one: here a quote stands
   * where that one ended, but the string ends earlier (the next field follows), so it looks again.
   */
  @Test
  void aShorterTimestampThanTheLastIsReadToItsOwnEnd() throws Exception {
    List<Map<String, Object>> rows = decode(RowDecoder.Format.JSON,
        "{\"ts\":\"2026-01-01T00:00:00.123Z\",\"s\":\"a\"}",
        "{\"ts\":\"2026-01-01T00:00\",\"s\":\"a\"}", // a quote 24 bytes in: the end of "a"
        "{\"ts\":\"2026-01-01T00:00:00.456Z\",\"s\":\"b\"}",
        "{\"ts\":\"2026-01-01T00:00:01Z\",\"s\":\"c\"}");

    assertEquals(List.of(1_767_225_600_123L, 1_767_225_600_000L, 1_767_225_600_456L, 1_767_225_601_000L),
        rows.stream().map(r -> r.get("ts")).toList());
    assertEquals(List.of("a", "a", "b", "c"), rows.stream().map(r -> r.get("s")).toList());
  }

  private static final String[] FIELDS = {"i", "b", "d", "s", "ok", "ts", "day", "extra", "\\u0069", "é"};

  private static String randomRecord(java.util.Random random) {
    StringBuilder json = new StringBuilder(random.nextInt(20) == 0 ? " {" : "{");
    int fields = random.nextInt(8);
    for (int f = 0; f < fields; f++) {
      if (f > 0) {
        json.append(random.nextInt(15) == 0 ? " , " : ",");
      }
      // mostly schema order (the common case), sometimes any field
      String name = random.nextInt(4) == 0 ? FIELDS[random.nextInt(FIELDS.length)] : FIELDS[f % 7];
      json.append('"').append(name).append('"').append(random.nextInt(15) == 0 ? " : " : ":");
      json.append(random.nextInt(12) == 0 ? "null" : randomValue(name, random));
    }
    json.append(random.nextInt(20) == 0 ? "}\n" : "}");
    String record = json.toString();
    switch (random.nextInt(40)) {
      case 0 -> record = record.substring(0, random.nextInt(record.length())); // truncated
      case 1 -> record = record + " x";
      case 2 -> record = record + "{}";
      default -> {
      }
    }
    return record;
  }

  private static String randomValue(String field, java.util.Random random) {
    int form = random.nextInt(10);
    if (form == 0) {
      // a value of another column's form, or an odd one
      String[] odd = {"\"x\"", "1.5", "-0", "-0.0", "01", "1e3", "1E-2", "-", "1.", ".5", "true", "falsey", "nul",
          "{\"a\":1}", "[1,2]", "\"\\n\"", "\"é\"", "\"tab\tin\"", "12345678901234567890", "0.1234567890123456",
          "\"2026-01-01T00:00:00Z\"", "\"NaN\"", "2147483648", "-2147483648", "9223372036854775807"};
      return odd[random.nextInt(odd.length)];
    }
    return switch (field) {
      case "i" -> Integer.toString(random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(1000) - 500);
      case "b" -> Long.toString(random.nextLong() >> random.nextInt(64));
      case "d" -> switch (random.nextInt(4)) {
        case 0 -> Double.toString(Double.longBitsToDouble(random.nextLong()));
        case 1 -> Integer.toString(random.nextInt(100_000) - 50_000);
        case 2 -> (random.nextBoolean() ? "-" : "") + random.nextInt(1000) + "." + random.nextInt(100_000);
        default -> random.nextInt(10_000) / 100 + "." + random.nextInt(10) + random.nextInt(10);
      };
      case "s" -> {
        StringBuilder t = new StringBuilder("\"");
        int n = random.nextInt(10);
        for (int i = 0; i < n; i++) {
          int k = random.nextInt(30);
          t.append(k == 0 ? "\\\"" : k == 1 ? "é" : k == 2 ? "\\u0041" : k == 3 ? "\t" : (char) ('a' + k));
        }
        yield t.append('"').toString();
      }
      case "ok" -> random.nextBoolean() ? "true" : "false";
      case "ts" -> random.nextBoolean() ? Long.toString(1_767_225_600_000L + random.nextInt())
          : "\"" + Instant.ofEpochMilli(1_767_225_600_000L + random.nextLong(-1L << 40, 1L << 40)) + "\"";
      case "day" -> random.nextBoolean() ? "\"2026-01-31\"" : Integer.toString(random.nextInt(30_000));
      default -> random.nextBoolean() ? "\"zz\"" : "42";
    };
  }
}
