package io.laminar.connectors.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import io.laminar.testkit.TestConnectorContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generator read in splits produces exactly the rows of one split. */
class GeneratorSplitsTest {
  private static final long ROWS = 3 * GeneratorSource.BLOCK_ROWS + 1234; // a partial last block
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Source source(long splits) throws ConnectorException {
    Map<String, Object> p = new HashMap<>(Map.of("seed", 7L, "events_per_second", 1_000_000.0,
        "start_time", "2026-01-01T00:00:00Z", "max_rows", ROWS, "splits", splits));
    return new GeneratorSourceFactory().create(TestConnectorContext.builder("gen", ConnectorKind.SOURCE)
        .schema(GeneratorSourceTest.SCHEMA).allocator(allocator).properties(p).build());
  }

  private static String row(Batch b, int r) {
    StringBuilder sb = new StringBuilder();
    for (var v : b.data().getFieldVectors()) {
      sb.append(Cells.text(v, r)).append('|');
    }
    return sb.toString();
  }

  /** Reads every split through readers (each given {@code perReader} consecutive splits) into rows by id. */
  private List<String> readAll(Source s, int readers) throws ConnectorException {
    List<String> splits = s.splits();
    List<SplitReader> open = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      Map<String, byte[]> mine = new LinkedHashMap<>();
      for (int i = r; i < splits.size(); i += readers) {
        mine.put(splits.get(i), null);
      }
      open.add(s.createReader(mine));
    }
    List<String> rows = new ArrayList<>();
    boolean any = true;
    while (any) {
      any = false;
      for (SplitReader reader : open) {
        SplitBatch polled = reader.poll(5000, Duration.ZERO);
        if (polled != null) {
          any = true;
          assertTrue(splits.contains(polled.split()), polled.split());
          try (Batch b = polled.batch()) {
            for (int r = 0; r < b.rowCount(); r++) {
              rows.add(row(b, r));
            }
          }
        }
      }
    }
    for (SplitReader reader : open) {
      for (String split : reader.snapshotOffsets().keySet()) {
        assertTrue(reader.isExhausted(split), split);
      }
      reader.close();
    }
    assertTrue(s.isExhausted());
    rows.sort(null);
    return rows;
  }

  @Test
  void oneAndFourSplitsGiveIdenticalRows() throws Exception {
    Source one = source(1);
    assertEquals(List.of(Source.DEFAULT_SPLIT), one.splits());
    List<String> single = readAll(one, 1);
    Source four = source(4);
    assertEquals(List.of("0", "1", "2", "3"), four.splits());
    List<String> split = readAll(four, 2);
    assertEquals(ROWS, single.size());
    assertEquals(single, split);
    assertEquals(single, readAll(source(4), 4));
  }

  @Test
  void aSplitRestoredFromItsOffsetsContinuesWhereItStopped() throws Exception {
    Source s = source(3);
    Map<String, byte[]> fresh = new LinkedHashMap<>();
    s.splits().forEach(id -> fresh.put(id, null));
    List<String> before = new ArrayList<>();
    Map<String, byte[]> saved;
    try (SplitReader reader = s.createReader(fresh)) {
      for (int i = 0; i < 4; i++) {
        try (Batch b = reader.poll(3000, Duration.ZERO).batch()) {
          for (int r = 0; r < b.rowCount(); r++) {
            before.add(row(b, r));
          }
        }
      }
      saved = reader.snapshotOffsets();
      assertFalse(reader.isExhausted("0"));
    }
    // the splits move to two readers of a new instance, as after a restart with another worker count
    Source again = source(3);
    Map<String, byte[]> a = new LinkedHashMap<>();
    a.put("0", saved.get("0"));
    a.put("2", saved.get("2"));
    Map<String, byte[]> b = Map.of("1", saved.get("1"));
    List<String> rows = new ArrayList<>(before);
    for (SplitReader reader : List.of(again.createReader(a), again.createReader(b))) {
      SplitBatch polled;
      while ((polled = reader.poll(8192, Duration.ZERO)) != null) {
        try (Batch batch = polled.batch()) {
          for (int r = 0; r < batch.rowCount(); r++) {
            rows.add(row(batch, r));
          }
        }
      }
      reader.close();
    }
    rows.sort(null);
    List<String> expected = readAll(source(1), 1);
    assertEquals(expected, rows);
    assertNotEquals(0, before.size());
  }
}
