package io.laminar.connectors.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.LookupSource;
import io.laminar.testkit.TestConnectorContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLookupSourceTest {
  private final BufferAllocator allocator = new RootAllocator();
  @TempDir Path dir;

  private static final Schema SCHEMA = new Schema(List.of(
      GeneratorSourceTest.field("symbol", ArrowType.Utf8.INSTANCE, false),
      GeneratorSourceTest.field("name", ArrowType.Utf8.INSTANCE, true),
      GeneratorSourceTest.field("lot", new ArrowType.Int(32, true), true),
      GeneratorSourceTest.field("fee", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), true)));

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private LookupSource lookup(String csv, Map<String, Object> props) throws Exception {
    Path file = dir.resolve("instruments.csv");
    Files.writeString(file, csv);
    var p = new java.util.HashMap<String, Object>(Map.of("path", file.toString()));
    p.putAll(props);
    return new CsvLookupFactory().create(TestConnectorContext.builder("instruments", ConnectorKind.LOOKUP)
        .schema(SCHEMA).allocator(allocator).primaryKey(List.of("symbol")).properties(p).build());
  }

  private List<String> find(LookupSource l, String... symbols) throws Exception {
    Schema keySchema = new Schema(List.of(SCHEMA.getFields().get(0)));
    try (VectorSchemaRoot keys = VectorSchemaRoot.create(keySchema, allocator)) {
      keys.allocateNew();
      for (int i = 0; i < symbols.length; i++) {
        ((VarCharVector) keys.getVector(0)).setSafe(i, symbols[i].getBytes(StandardCharsets.UTF_8));
      }
      keys.setRowCount(symbols.length);
      try (VectorSchemaRoot out = l.lookup(keys)) {
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < out.getRowCount(); r++) {
          List<String> cells = new ArrayList<>();
          for (var v : out.getFieldVectors()) {
            cells.add(Cells.text(v, r));
          }
          rows.add(String.join(",", cells));
        }
        return new ArrayList<>(new TreeSet<>(rows));
      }
    }
  }

  @Test
  void findsRowsByKeyMatchingHeaderColumnsByName() throws Exception {
    try (LookupSource l = lookup("fee,symbol,name,lot\n0.5,AAPL,Apple,100\n0.25,MSFT,\"Microsoft, Inc\",10\n,GOOG,,\n", Map.of())) {
      l.check();
      l.open();
      assertEquals(List.of("AAPL,Apple,100,0.5", "GOOG,NULL,NULL,NULL", "MSFT,Microsoft, Inc,10,0.25"),
          find(l, "MSFT", "AAPL", "GOOG", "AAPL", "NOPE"));
      assertEquals(List.of(), find(l, "NOPE"));
    }
  }

  @Test
  void headerlessFileUsesSchemaOrderAndCustomDelimiter() throws Exception {
    try (LookupSource l = lookup("AAPL;Apple;100;0.5\nMSFT;Microsoft;10;-\n",
        Map.of("header", false, "delimiter", ";", "null_value", "-"))) {
      l.open();
      assertEquals(List.of("MSFT,Microsoft,10,NULL"), find(l, "MSFT"));
    }
  }

  @Test
  void missingFileFailsTheConnectivityCheck() throws Exception {
    LookupSource l = new CsvLookupFactory().create(TestConnectorContext.builder("x", ConnectorKind.LOOKUP)
        .schema(SCHEMA).allocator(allocator).primaryKey(List.of("symbol"))
        .properties(Map.of("path", dir.resolve("absent.csv").toString())).build());
    ConnectorException e = assertThrows(ConnectorException.class, l::check);
    assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
    assertTrue(e.getMessage().contains("absent.csv") && e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void badCellsAndDuplicateKeysAreReportedWithTheRecordNumber() throws Exception {
    try (LookupSource l = lookup("symbol,name,lot,fee\nAAPL,Apple,many,0.5\n", Map.of())) {
      ConnectorException e = assertThrows(ConnectorException.class, l::open);
      assertTrue(e.getMessage().contains("record 2 column 'lot': cannot read 'many'"), e.getMessage());
    }
    try (LookupSource l = lookup("symbol,name,lot,fee\nAAPL,Apple,1,0.5\nAAPL,Again,2,0.1\n", Map.of())) {
      ConnectorException e = assertThrows(ConnectorException.class, l::open);
      assertTrue(e.getMessage().contains("record 3 repeats primary key AAPL"), e.getMessage());
    }
    try (LookupSource l = lookup("symbol,nme,lot,fee\n", Map.of())) {
      ConnectorException e = assertThrows(ConnectorException.class, l::open);
      assertTrue(e.getMessage().contains("no column 'name' in its header Did you mean 'nme'?"), e.getMessage());
    }
  }

  @Test
  void delimiterMustBeOneCharacter() {
    ConnectorException e = assertThrows(ConnectorException.class, () -> lookup("", Map.of("delimiter", ";;")));
    assertEquals("delimiter", e.property().orElseThrow());
  }
}
