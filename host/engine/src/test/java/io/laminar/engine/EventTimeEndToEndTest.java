package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event time on TIMESTAMP(6) and TIMESTAMP_LTZ columns through the real engine: a generator source
 * (25 rows, 100 ms apart from 2026-01-01 00:00:00, keys A and B in turn) with its watermark on the
 * column, TUMBLE and SESSION aggregates over it, bounds of the column's type.
 */
class EventTimeEndToEndTest {
  private static final LocalDateTime START = LocalDateTime.of(2026, 1, 1, 0, 0);
  @TempDir Path dir;
  private BufferAllocator allocator;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(), List.of(new CollectingSinkFactory())))).registry();

  private static final String CONFIG = """
      [state]
      path = "%1$s/state"

      [[source]]
      name = "clicks"
      connector = "generator"
      [source.properties]
      max_rows = 25
      events_per_second = 10
      start_time = "2026-01-01T00:00:00Z"
      "fields.k.kind" = "sequence"
      "fields.k.values" = "A,B"
      [[source.schema]]
      name = "k"
      type = "VARCHAR"
      [[source.schema]]
      name = "ts"
      type = "%3$s"
      [source.watermark]
      column = "ts"
      max_out_of_orderness = "250ms"

      [[pipeline]]
      name = "p"
      sql = \"""
      %2$s
      \"""

      [[sink]]
      name = "out"
      pipeline = "p"
      connector = "collect"
      """;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.ROWS.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private List<String> run(String type, String sql) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, CONFIG.replace("%1$s", dir.toString()).replace("%2$s", sql).replace("%3$s", type));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    BuildReport r = b.construct();
    assertTrue(r.ok(), () -> r.errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    Engine.Outcome o = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, o.state(), o.failure());
    return CollectingSinkFactory.ROWS.getOrDefault("out", List.of()).stream().sorted().toList();
  }

  /** A TIMESTAMP(3) or TIMESTAMP(6) value as the collecting sink prints it (Arrow's LocalDateTime). */
  private static String micros(long millisAfterStart) {
    return START.plus(Duration.ofMillis(millisAfterStart)).toString();
  }

  @Test
  void tumbleAndSessionOverAMicrosecondWatermarkColumn() throws Exception {
    List<String> windows = run("TIMESTAMP(6)", "SELECT window_start, window_end, COUNT(*) AS n, MAX(ts) AS last "
        + "FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end");
    // rows at 0, 100, …, 2400 ms: ten in each of the first two seconds, five in the third
    List<String> expected = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      expected.add(micros(s * 1000L) + "," + micros(s * 1000L + 1000) + "," + (s < 2 ? 10 : 5) + ","
          + micros(s < 2 ? s * 1000L + 900 : 2400));
    }
    assertEquals(expected, windows);
    CollectingSinkFactory.ROWS.clear();
    List<String> sessions = run("TIMESTAMP(6)", "SELECT k, window_start, window_end, COUNT(*) AS n FROM TABLE(SESSION("
        + "TABLE clicks PARTITION BY k, DESCRIPTOR(ts), INTERVAL '0.25' SECOND)) GROUP BY k, window_start, window_end");
    // each key every 200 ms, closer than the 250 ms gap: one session per key, ending 250 ms after its last row
    assertEquals(List.of("A," + micros(0) + "," + micros(2400 + 250) + ",13",
        "B," + micros(100) + "," + micros(2300 + 250) + ",12"), sessions);
  }

  @Test
  void tumbleOverALocalTimeZoneWatermarkColumn() throws Exception {
    List<String> windows = run("TIMESTAMP_LTZ", "SELECT window_start, k, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE clicks, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k");
    // the bounds of an instant's windows are TIMESTAMP(3) wall-clock times in the session zone (UTC), as in Flink
    List<String> expected = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      expected.add(micros(s * 1000L) + ",A," + (s < 2 ? 5 : 3));
      expected.add(micros(s * 1000L) + ",B," + (s < 2 ? 5 : 2));
    }
    assertEquals(expected.stream().sorted().toList(), windows);
  }
}
