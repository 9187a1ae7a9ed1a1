package io.laminar.connectors.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Sink;
import io.laminar.testkit.TestConnectorContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StdoutSinkTest {
  private final BufferAllocator allocator = new RootAllocator();
  private static final Schema SCHEMA = new Schema(List.of(
      GeneratorSourceTest.field("symbol", ArrowType.Utf8.INSTANCE, true),
      GeneratorSourceTest.field("n", new ArrowType.Int(64, true), true),
      GeneratorSourceTest.field("avg", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), true),
      GeneratorSourceTest.field("window_start", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null), true)));

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private String print(String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Sink sink = new StdoutSinkFactory(out).create(TestConnectorContext.builder("out", ConnectorKind.SINK)
        .schema(SCHEMA).allocator(allocator).properties(Map.of("format", format)).build());
    sink.open(0);
    for (int round = 0; round < 2; round++) {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
        root.allocateNew();
        ((VarCharVector) root.getVector(0)).setSafe(0, "A\"B".getBytes(StandardCharsets.UTF_8));
        ((VarCharVector) root.getVector(0)).setNull(1);
        ((BigIntVector) root.getVector(1)).set(0, 3 + round);
        ((BigIntVector) root.getVector(1)).set(1, 10);
        ((Float8Vector) root.getVector(2)).set(0, 1.5);
        ((Float8Vector) root.getVector(2)).setNull(1);
        long ts = Instant.parse("2026-01-01T00:00:01Z").toEpochMilli();
        ((TimeStampMilliVector) root.getVector(3)).set(0, ts);
        ((TimeStampMilliVector) root.getVector(3)).set(1, ts);
        root.setRowCount(2);
        sink.write(Batch.of(root));
      }
    }
    sink.prepareCommit(1);
    sink.close();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonFormatPrintsOneEscapedObjectPerRow() throws Exception {
    assertEquals(
        "{\"symbol\":\"A\\\"B\",\"n\":3,\"avg\":1.5,\"window_start\":\"2026-01-01T00:00:01Z\"}\n"
            + "{\"symbol\":null,\"n\":10,\"avg\":null,\"window_start\":\"2026-01-01T00:00:01Z\"}\n"
            + "{\"symbol\":\"A\\\"B\",\"n\":4,\"avg\":1.5,\"window_start\":\"2026-01-01T00:00:01Z\"}\n"
            + "{\"symbol\":null,\"n\":10,\"avg\":null,\"window_start\":\"2026-01-01T00:00:01Z\"}\n",
        print("json"));
  }

  @Test
  void tableFormatPrintsHeaderOnceAndAlignsColumns() throws Exception {
    assertEquals(
        "symbol  n     avg   window_start\n"
            + "A\"B     3     1.5   2026-01-01T00:00:01Z\n"
            + "NULL    10    NULL  2026-01-01T00:00:01Z\n"
            + "A\"B     4     1.5   2026-01-01T00:00:01Z\n"
            + "NULL    10    NULL  2026-01-01T00:00:01Z\n",
        print("table"));
  }
}
