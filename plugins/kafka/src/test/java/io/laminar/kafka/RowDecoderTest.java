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
        d.decode(records[i].getBytes(StandardCharsets.UTF_8), 0);
        d.writeTo(root, i);
      }
      root.setRowCount(records.length);
      return Fixtures.rows(root);
    }
  }

  private static String failure(String json) {
    RowDecoder d = decoder(RowDecoder.Format.JSON, new RowDecoder.TimestampTarget.None());
    return assertThrows(DecodeException.class, () -> d.decode(json.getBytes(StandardCharsets.UTF_8), 0)).getMessage();
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
}
