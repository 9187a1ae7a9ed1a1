package io.laminar.connectors.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void decimalsPrintTheirExactDigitsInEveryFormat() throws Exception {
    org.apache.arrow.vector.types.pojo.Schema schema = new org.apache.arrow.vector.types.pojo.Schema(List.of(
        org.apache.arrow.vector.types.pojo.Field.nullable("amount",
            new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(38, 10, 128))));
    for (String format : List.of("json", "table")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Sink sink = new StdoutSinkFactory(out).create(TestConnectorContext.builder("out", ConnectorKind.SINK)
          .schema(schema).allocator(allocator).properties(Map.of("format", format)).build());
      sink.open(0);
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
        root.allocateNew();
        org.apache.arrow.vector.DecimalVector v = (org.apache.arrow.vector.DecimalVector) root.getVector(0);
        v.setSafe(0, new java.math.BigDecimal("1234567890123456789012345678.0123456789"));
        v.setSafe(1, new java.math.BigDecimal("-0.0000000100"));
        v.setNull(2);
        root.setRowCount(3);
        sink.write(Batch.of(root));
      }
      sink.prepareCommit(1);
      sink.close();
      assertEquals(format.equals("json")
          ? "{\"amount\":1234567890123456789012345678.0123456789}\n{\"amount\":-0.0000000100}\n{\"amount\":null}\n"
          : "amount\n1234567890123456789012345678.0123456789\n-0.0000000100\nNULL\n",
          out.toString(StandardCharsets.UTF_8).replaceAll(" +\n", "\n"), format);
    }
  }

  @Test
  void microsecondTimestampsPrintAllSixDigits() throws Exception {
    org.apache.arrow.vector.types.pojo.Schema schema = new org.apache.arrow.vector.types.pojo.Schema(List.of(
        org.apache.arrow.vector.types.pojo.Field.nullable("at", new org.apache.arrow.vector.types.pojo.ArrowType.Timestamp(
            org.apache.arrow.vector.types.TimeUnit.MICROSECOND, null))));
    for (String format : List.of("json", "table")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Sink sink = new StdoutSinkFactory(out).create(TestConnectorContext.builder("out", ConnectorKind.SINK)
          .schema(schema).allocator(allocator).properties(Map.of("format", format)).build());
      sink.open(0);
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
        root.allocateNew();
        ((org.apache.arrow.vector.TimeStampMicroVector) root.getVector(0)).setSafe(0, 1_767_259_800_123_456L);
        ((org.apache.arrow.vector.TimeStampMicroVector) root.getVector(0)).setSafe(1, 1_767_259_800_000_000L);
        root.setRowCount(2);
        sink.write(Batch.of(root));
      }
      sink.prepareCommit(1);
      sink.close();
      assertEquals(format.equals("json")
          ? "{\"at\":\"2026-01-01T09:30:00.123456Z\"}\n{\"at\":\"2026-01-01T09:30:00Z\"}\n"
          : "at\n2026-01-01T09:30:00.123456Z\n2026-01-01T09:30:00.000000Z\n",
          out.toString(StandardCharsets.UTF_8).replaceAll(" +\n", "\n"), format);
    }
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
        "symbol  n      avg      window_start\n"
            + "A\"B     3      1.5      2026-01-01T00:00:01.000Z\n"
            + "NULL    10     NULL     2026-01-01T00:00:01.000Z\n"
            + "A\"B     4      1.5      2026-01-01T00:00:01.000Z\n"
            + "NULL    10     NULL     2026-01-01T00:00:01.000Z\n",
        print("table"));
  }

  private static void writeRow(Sink sink, BufferAllocator allocator, String symbol, long n, long ts) throws Exception {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      ((VarCharVector) root.getVector(0)).setSafe(0, symbol.getBytes(StandardCharsets.UTF_8));
      ((BigIntVector) root.getVector(1)).set(0, n);
      ((Float8Vector) root.getVector(2)).setNull(0);
      ((TimeStampMilliVector) root.getVector(3)).set(0, ts);
      root.setRowCount(1);
      sink.write(Batch.of(root));
    }
  }

  @Test
  void tableColumnsKeepTheirWidthsWhenALaterBatchHasLongerValues() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Sink sink = new StdoutSinkFactory(out).create(TestConnectorContext.builder("out", ConnectorKind.SINK)
        .schema(SCHEMA).allocator(allocator).properties(Map.of("format", "table")).build());
    sink.open(0);
    long ts = Instant.parse("2026-01-01T00:00:01Z").toEpochMilli();
    writeRow(sink, allocator, "A", 1, ts);
    writeRow(sink, allocator, "B", 22, ts + 500); // sub-second timestamp: same width
    writeRow(sink, allocator, "LONGER_SYMBOL", 333, ts); // overflows its column: cut nowhere, shifts only its row
    writeRow(sink, allocator, "C", 4444, ts); // room for three more digits than the first batch needed
    writeRow(sink, allocator, "D", 55555, ts);
    sink.close();
    assertEquals(
        "symbol  n     avg      window_start\n"
            + "A       1     NULL     2026-01-01T00:00:01.000Z\n"
            + "B       22    NULL     2026-01-01T00:00:01.500Z\n"
            + "LONGER_SYMBOL 333   NULL     2026-01-01T00:00:01.000Z\n"
            + "C       4444  NULL     2026-01-01T00:00:01.000Z\n"
            + "D       55555 NULL     2026-01-01T00:00:01.000Z\n",
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void tableCellsWithLineBreaksStayOnTheirRowsLine() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Sink sink = new StdoutSinkFactory(out).create(TestConnectorContext.builder("out", ConnectorKind.SINK)
        .schema(SCHEMA).allocator(allocator).properties(Map.of("format", "table")).build());
    sink.open(0);
    writeRow(sink, allocator, "two\nlines\tand\\", 1, 0);
    sink.close();
    assertEquals("symbol             n     avg      window_start\n"
        + "two\\nlines\\tand\\\\  1     NULL     1970-01-01T00:00:00.000Z\n", out.toString(StandardCharsets.UTF_8));
  }

  /** Counts the writes that reach the target, and checks that each ends with a whole line. */
  private static final class WholeLineTarget extends java.io.OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int writes;

    @Override
    public synchronized void write(int b) {
      throw new AssertionError("single-byte write: lines would go out piecemeal");
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      assertEquals('\n', b[off + len - 1], "a write that ends inside a line");
      writes++;
      bytes.write(b, off, len);
    }
  }

  @Test
  void concurrentSinksOfOneFactoryNeverSplitALineAndBatchManyLinesPerWrite() throws Exception {
    WholeLineTarget target = new WholeLineTarget();
    StdoutSinkFactory factory = new StdoutSinkFactory(target);
    int sinks = 4;
    int batches = 20;
    int rowsPerBatch = 3000; // ~80 bytes a row: several 64 KiB chunks per batch
    List<Thread> threads = new java.util.ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    for (int s = 0; s < sinks; s++) {
      String symbol = "sink" + s;
      Sink sink = factory.create(TestConnectorContext.builder(symbol, ConnectorKind.SINK)
          .schema(SCHEMA).allocator(allocator).properties(Map.of("format", "json")).build());
      sink.open(0);
      threads.add(new Thread(() -> {
        try {
          for (int b = 0; b < batches; b++) {
            try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
              root.allocateNew();
              for (int r = 0; r < rowsPerBatch; r++) {
                ((VarCharVector) root.getVector(0)).setSafe(r, symbol.getBytes(StandardCharsets.UTF_8));
                ((BigIntVector) root.getVector(1)).setSafe(r, (long) b * rowsPerBatch + r);
                ((Float8Vector) root.getVector(2)).setSafe(r, r / 7.0);
                ((TimeStampMilliVector) root.getVector(3)).setSafe(r, r);
              }
              root.setRowCount(rowsPerBatch);
              sink.write(Batch.of(root));
            }
          }
          sink.close();
        } catch (Throwable t) {
          failures.add(t);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), failures);
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String, Long> next = new java.util.HashMap<>();
    String[] lines = target.bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(sinks * batches * rowsPerBatch, lines.length);
    for (String line : lines) {
      com.fasterxml.jackson.databind.JsonNode row = mapper.readTree(line);
      String symbol = row.get("symbol").asText();
      long expected = next.getOrDefault(symbol, 0L);
      assertEquals(expected, row.get("n").asLong(), "rows of " + symbol + " out of order or lost");
      next.put(symbol, expected + 1);
    }
    assertTrue(target.writes < lines.length / 100, target.writes + " writes for " + lines.length + " lines");
  }
}
