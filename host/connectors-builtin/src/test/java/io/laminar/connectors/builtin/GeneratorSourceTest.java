package io.laminar.connectors.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.testkit.TestConnectorContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GeneratorSourceTest {
  private final BufferAllocator allocator = new RootAllocator();

  static final Schema SCHEMA = new Schema(List.of(
      field("id", new ArrowType.Int(64, true), false),
      field("qty", new ArrowType.Int(32, true), true),
      field("price", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), true),
      field("ratio", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), true),
      field("symbol", ArrowType.Utf8.INSTANCE, true),
      field("flag", ArrowType.Bool.INSTANCE, true),
      field("ts", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null), false),
      field("day", new ArrowType.Date(DateUnit.DAY), true)));

  static Field field(String name, ArrowType type, boolean nullable) {
    return new Field(name, new FieldType(nullable, type, null), null);
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Source source(Map<String, Object> props) throws ConnectorException {
    Map<String, Object> p = new HashMap<>(Map.of("seed", 42L, "events_per_second", 1000.0,
        "start_time", "2026-01-01T00:00:00Z"));
    p.putAll(props);
    return new GeneratorSourceFactory().create(TestConnectorContext.builder("gen", ConnectorKind.SOURCE)
        .schema(SCHEMA).allocator(allocator).properties(p).build());
  }

  /** Reads rows as text until {@code limit} rows, in batches of {@code batch}. */
  private List<String> read(Source s, int batch, int limit) throws ConnectorException {
    List<String> rows = new ArrayList<>();
    while (rows.size() < limit) {
      try (Batch b = s.poll(Math.min(batch, limit - rows.size()), Duration.ofMillis(10))) {
        if (b == null) {
          break;
        }
        for (int r = 0; r < b.rowCount(); r++) {
          StringBuilder sb = new StringBuilder();
          for (var v : b.data().getFieldVectors()) {
            sb.append(Cells.text(v, r)).append('|');
          }
          rows.add(sb.toString());
        }
      }
    }
    return rows;
  }

  @Test
  void sameSeedGivesSameRowsWhateverTheBatchSize() throws Exception {
    try (Source a = source(Map.of()); Source b = source(Map.of())) {
      a.open(null);
      b.open(null);
      assertEquals(read(a, 1000, 1000), read(b, 7, 1000));
    }
  }

  @Test
  void differentSeedGivesDifferentRows() throws Exception {
    try (Source a = source(Map.of()); Source b = source(Map.of("seed", 43L))) {
      a.open(null);
      b.open(null);
      assertNotEquals(read(a, 100, 100), read(b, 100, 100));
    }
  }

  @Test
  void restoreFromOffsetsContinuesExactly() throws Exception {
    List<String> uninterrupted;
    try (Source a = source(Map.of())) {
      a.open(null);
      uninterrupted = read(a, 64, 500);
    }
    List<String> resumed = new ArrayList<>();
    byte[] offsets;
    try (Source first = source(Map.of())) {
      first.open(null);
      resumed.addAll(read(first, 64, 200));
      offsets = first.snapshotOffsets();
    }
    try (Source second = source(Map.of())) {
      second.open(offsets);
      resumed.addAll(read(second, 64, 300));
    }
    assertEquals(uninterrupted, resumed);
  }

  @Test
  void maxRowsBoundsTheSource() throws Exception {
    try (Source s = source(Map.of("max_rows", 250L))) {
      s.open(null);
      assertFalse(s.isExhausted());
      assertEquals(250, read(s, 100, 10_000).size());
      assertTrue(s.isExhausted());
      assertNull(s.poll(100, Duration.ZERO));
    }
  }

  @Test
  void eventTimeAdvancesByOneOverEventsPerSecond() throws Exception {
    try (Source s = source(Map.of("events_per_second", 4.0))) {
      s.open(null);
      try (Batch b = s.poll(5, Duration.ZERO)) {
        var ts = (org.apache.arrow.vector.TimeStampMilliVector) b.data().getVector("ts");
        long start = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 5; i++) {
          assertEquals(start + 250L * i, ts.get(i));
        }
        var day = (org.apache.arrow.vector.DateDayVector) b.data().getVector("day");
        assertEquals(java.time.LocalDate.of(2026, 1, 1).toEpochDay(), day.get(0));
      }
    }
  }

  @Test
  void fractionalEventSpacingIsFlooredFromTheOrigin() throws Exception {
    try (Source s = source(Map.of("events_per_second", 3.0))) {
      s.open(null);
      try (Batch b = s.poll(4, Duration.ZERO)) {
        var ts = (org.apache.arrow.vector.TimeStampMilliVector) b.data().getVector("ts");
        long start = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        assertArrayEquals(new long[] {start, start + 333, start + 666, start + 1000},
            new long[] {ts.get(0), ts.get(1), ts.get(2), ts.get(3)});
      }
    }
  }

  @Test
  void fieldSettingsShapeValues() throws Exception {
    Map<String, Object> p = Map.of(
        "fields.id.kind", "sequence", "fields.id.min", "100",
        "fields.qty.min", "5", "fields.qty.max", "7",
        "fields.symbol.values", "AAPL, MSFT,GOOG",
        "fields.price.min", "10", "fields.price.max", "20",
        "fields.flag.null_rate", "1");
    try (Source s = source(p)) {
      s.open(null);
      try (Batch b = s.poll(1000, Duration.ZERO)) {
        var id = (org.apache.arrow.vector.BigIntVector) b.data().getVector("id");
        var qty = (org.apache.arrow.vector.IntVector) b.data().getVector("qty");
        var price = (org.apache.arrow.vector.Float8Vector) b.data().getVector("price");
        var symbol = (org.apache.arrow.vector.VarCharVector) b.data().getVector("symbol");
        var flag = b.data().getVector("flag");
        java.util.Set<Integer> qtys = new java.util.TreeSet<>();
        java.util.Set<String> symbols = new java.util.TreeSet<>();
        for (int i = 0; i < 1000; i++) {
          assertEquals(100 + i, id.get(i));
          qtys.add(qty.get(i));
          assertTrue(price.get(i) >= 10 && price.get(i) < 20);
          symbols.add(new String(symbol.get(i), java.nio.charset.StandardCharsets.UTF_8));
          assertTrue(flag.isNull(i));
        }
        assertEquals(java.util.Set.of(5, 6, 7), qtys);
        assertEquals(java.util.Set.of("AAPL", "GOOG", "MSFT"), symbols);
      }
    }
  }

  @Test
  void nullRateProducesRoughlyThatShareOfNulls() throws Exception {
    try (Source s = source(Map.of("fields.qty.null_rate", "0.25"))) {
      s.open(null);
      try (Batch b = s.poll(10_000, Duration.ZERO)) {
        int nulls = b.data().getVector("qty").getNullCount();
        assertTrue(nulls > 2000 && nulls < 3000, "nulls: " + nulls);
      }
    }
  }

  @Test
  void throttleNeverRunsAheadOfRowsPerSecond() throws Exception {
    try (Source s = source(Map.of("rows_per_second", 100L))) {
      long t0 = System.nanoTime();
      s.open(null);
      int total = 0;
      while (total < 20) {
        try (Batch b = s.poll(1000, Duration.ofMillis(50))) {
          if (b != null) {
            total += b.rowCount();
          }
        }
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      // 100 rows/s can never deliver 20 rows in under ~0.19 s, however fast the machine.
      assertTrue(elapsed * 100 + 1 >= total, total + " rows in " + elapsed + " s");
    }
  }

  @Test
  void unknownColumnInFieldsIsRejectedWithSuggestion() {
    ConnectorException e = assertThrows(ConnectorException.class, () -> source(Map.of("fields.simbol.values", "A")));
    assertEquals(ConnectorException.Kind.INVALID_PROPERTY, e.kind());
    assertEquals("fields.simbol.values", e.property().orElseThrow());
    assertTrue(e.getMessage().contains("no column 'simbol' in the schema Did you mean 'symbol'?"), e.getMessage());
  }

  @Test
  void unknownFieldSettingIsRejected() {
    ConnectorException e = assertThrows(ConnectorException.class, () -> source(Map.of("fields.qty.maxx", "3")));
    assertTrue(e.getMessage().contains("unknown setting 'maxx' Did you mean 'max'?"), e.getMessage());
  }

  @Test
  void badStartTimeAndRangesAreRejected() {
    assertEquals("start_time", assertThrows(ConnectorException.class,
        () -> source(Map.of("start_time", "yesterday"))).property().orElseThrow());
    assertEquals("fields.qty.min", assertThrows(ConnectorException.class,
        () -> source(Map.of("fields.qty.min", "9", "fields.qty.max", "3"))).property().orElseThrow());
    assertEquals("fields.id.null_rate", assertThrows(ConnectorException.class,
        () -> source(Map.of("fields.id.null_rate", "0.5"))).property().orElseThrow());
    assertEquals("fields.ts.kind", assertThrows(ConnectorException.class,
        () -> source(Map.of("fields.ts.kind", "random"))).property().orElseThrow());
    assertEquals("rows_per_second", assertThrows(ConnectorException.class,
        () -> source(Map.of("rows_per_second", 0L))).property().orElseThrow());
  }
}
