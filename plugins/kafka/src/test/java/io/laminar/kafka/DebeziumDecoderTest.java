package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.TIMESTAMP;
import static io.laminar.kafka.Fixtures.VARCHAR;
import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.laminar.api.RowKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Debezium change events into row changes, without a broker. */
class DebeziumDecoderTest {
  private static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("ts", TIMESTAMP));
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private static DebeziumDecoder decoder() {
    return new DebeziumDecoder(SCHEMA.getFields(), SCHEMA.getFields().stream()
        .map(f -> ColumnKind.of(f.getType()).orElseThrow()).toList(), new RowDecoder.TimestampTarget.Column(2));
  }

  private static int decode(DebeziumDecoder d, String json) throws DecodeException {
    return d.decode(json.getBytes(StandardCharsets.UTF_8), 77);
  }

  private static String error(String json) {
    return assertThrows(DecodeException.class, () -> decode(decoder(), json)).getMessage();
  }

  @Test
  void anUpdateGivesItsBeforeAndAfterRowsAndTheRecordTimestampFillsTheirTimeColumn() throws Exception {
    DebeziumDecoder d = decoder();
    assertEquals(2, decode(d, "{\"ts_ms\":5,\"after\":{\"id\":1,\"name\":\"b\"},\"before\":{\"id\":1,\"name\":\"a\","
        + "\"ts\":3},\"op\":\"u\",\"source\":{\"after\":{\"id\":99}}}"));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
        TinyIntVector kinds = new TinyIntVector("k", allocator)) {
      root.allocateNew();
      kinds.allocateNew(2);
      d.writeTo(root, kinds, 0);
      root.setRowCount(2);
      kinds.setValueCount(2);
      assertEquals(List.of(Map.of("id", 1L, "name", "a", "ts", 3L), Map.of("id", 1L, "name", "b", "ts", 77L)),
          Fixtures.rows(root));
      assertEquals(RowKind.UPDATE_BEFORE.code(), kinds.get(0));
      assertEquals(RowKind.UPDATE_AFTER.code(), kinds.get(1));
    }
  }

  @Test
  void tombstonesAndNullPayloadsGiveNoRow() throws Exception {
    DebeziumDecoder d = decoder();
    assertEquals(0, d.decode((byte[]) null, 1));
    assertEquals(0, decode(d, "{\"schema\":null,\"payload\":null}"));
    assertEquals(0, decode(d, "{\"op\":\"m\",\"message\":{\"prefix\":\"x\"}}"));
  }

  @Test
  void malformedEventsSayWhatIsWrong() {
    assertEquals("op 'd' needs its 'before' row, but it is null (for PostgreSQL set REPLICA IDENTITY FULL on the "
        + "table, for MySQL binlog_row_image = FULL)", error("{\"before\":null,\"after\":null,\"op\":\"d\"}"));
    assertEquals("op 'u' needs its 'before' row, but it is null (an update without it cannot take the old row back,"
        + " so an aggregate would count both; for PostgreSQL set REPLICA IDENTITY FULL on the table, for MySQL"
        + " binlog_row_image = FULL)", error("{\"before\":null,\"after\":{\"id\":1},\"op\":\"u\"}"));
    assertEquals("op 'u' needs its 'before' row, but it is null (an update without it cannot take the old row back,"
        + " so an aggregate would count both; for PostgreSQL set REPLICA IDENTITY FULL on the table, for MySQL"
        + " binlog_row_image = FULL)", error("{\"after\":{\"id\":1},\"op\":\"u\"}"));
    assertEquals("op 'c' needs its 'after' row, but it is null", error("{\"op\":\"c\"}"));
    assertEquals("not a Debezium change event: it has no 'op' field", error("{\"id\":1}"));
    assertEquals("unknown Debezium op 'x' (expected c, r, u or d)", error("{\"op\":\"x\"}"));
    assertEquals("op 't' (a truncate) removes rows the event does not list, so it cannot be turned into deletes",
        error("{\"op\":\"t\"}"));
    assertEquals("'after': column 'id' (BIGINT): expected an integer, got a string",
        error("{\"after\":{\"id\":\"one\"},\"op\":\"c\"}"));
    assertEquals("'before' must be an object or null, got an array", error("{\"before\":[],\"op\":\"d\"}"));
    assertEquals("expected a Debezium change event (a JSON object), got an array", error("[1]"));
  }
}
