package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DECIMAL columns in the JSON and CSV formats: exact digits in, the same digits out, never via a double. */
class DecimalCodecTest {
  private static final Schema SCHEMA = Fixtures.schema(col("price", new ArrowType.Decimal(12, 2, 128)),
      col("big", new ArrowType.Decimal(38, 10, 128)));
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private RowDecoder decoder(RowDecoder.Format format) {
    return new RowDecoder(format, SCHEMA.getFields(), SCHEMA.getFields().stream()
        .map(f -> ColumnKind.of(f.getType()).orElseThrow()).toList(), new RowDecoder.TimestampTarget.None());
  }

  /** Decodes each record and encodes the row again as JSON. */
  private List<String> roundTrip(RowDecoder.Format format, String... records) throws DecodeException {
    RowDecoder d = decoder(format);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      for (int i = 0; i < records.length; i++) {
        d.decode(records[i].getBytes(StandardCharsets.UTF_8), 0);
        d.writeTo(root, i);
      }
      root.setRowCount(records.length);
      RowEncoder e = new RowEncoder();
      return java.util.stream.IntStream.range(0, records.length)
          .mapToObj(r -> new String(e.json(root, r), StandardCharsets.UTF_8)).toList();
    }
  }

  @Test
  void jsonNumbersAndStringsKeepEveryDigit() throws Exception {
    // 0.1 + 0.2 territory and 38 digits: a double would change both
    assertEquals(List.of("{\"price\":0.10,\"big\":1234567890123456789012345678.0123456789}",
        "{\"price\":-99999999.99,\"big\":-0.0000000001}", "{\"price\":12.50,\"big\":null}"),
        roundTrip(RowDecoder.Format.JSON, "{\"price\":0.1,\"big\":1234567890123456789012345678.0123456789}",
            "{\"price\":\"-99999999.99\",\"big\":-1E-10}", "{\"price\":12.5}"));
  }

  @Test
  void csvFieldsKeepEveryDigit() throws Exception {
    assertEquals(List.of("{\"price\":3.30,\"big\":0.0000000000}"), roundTrip(RowDecoder.Format.CSV, "3.3,0"));
  }

  @Test
  void csvTextOfADecimalIsItsPlainDigits() throws Exception {
    RowDecoder d = decoder(RowDecoder.Format.CSV);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      d.decode("0.5,-1E-10".getBytes(StandardCharsets.UTF_8), 0);
      d.writeTo(root, 0);
      root.setRowCount(1);
      assertEquals(new BigDecimal("0.50"), ((DecimalVector) root.getVector(0)).getObject(0));
      assertEquals("-0.0000000001", new String(RowEncoder.text(root.getVector(1), 0), StandardCharsets.UTF_8));
    }
  }

  @Test
  void digitsTheColumnCannotHoldAreRefusedNotRounded() {
    RowDecoder d = decoder(RowDecoder.Format.JSON);
    assertEquals("column 'price' (DECIMAL(12, 2)): '1.005' has more than 2 digits after the point",
        assertThrows(DecodeException.class, () -> d.decode("{\"price\":1.005}".getBytes(StandardCharsets.UTF_8), 0))
            .getMessage());
    assertEquals("column 'price' (DECIMAL(12, 2)): '12345678901' has more than 12 digits",
        assertThrows(DecodeException.class, () -> d.decode("{\"price\":12345678901}".getBytes(StandardCharsets.UTF_8),
            0)).getMessage());
    assertEquals("column 'price' (DECIMAL(12, 2)): 'abc' is not a decimal number",
        assertThrows(DecodeException.class, () -> d.decode("{\"price\":\"abc\"}".getBytes(StandardCharsets.UTF_8), 0))
            .getMessage());
  }
}
