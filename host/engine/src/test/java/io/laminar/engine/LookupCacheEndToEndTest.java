package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.connectors.builtin.StdoutSinkFactory;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.runtime.ExecutorMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [lookup.cache] size} and {@code ttl} through the real engine: generator → lookup join
 * against the {@code csv} lookup → {@code stdout} sink. The cache's clock ticks one millisecond each
 * time it is read, so expiry is decided by the test, not by how fast the machine is.
 */
class LookupCacheEndToEndTest {
  /** Four batches of 8192 rows, each holding the keys A, B, C, D in turn. */
  private static final int ROWS = 4 * SourceRunner.BATCH_ROWS;

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  record Run(String printed, long lookupCalls, long cacheHits, LookupCacheStatus cache, Map<String, Long> counters) {
  }

  private Run run(String cache) throws Exception {
    Path csv = Files.writeString(dir.resolve("instruments.csv"), "symbol,name\nA,Alpha\nB,Beta\nC,Gamma\nD,Delta\n");
    Path file = Files.writeString(dir.resolve("laminar.toml"), """
        [server]
        workers = 1
        [state]
        path = "%1$s/state"
        [checkpoint]
        path = "%1$s/checkpoints"

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = %2$d
        start_time = "2026-01-01T00:00:00Z"
        "fields.symbol.kind" = "sequence"
        "fields.symbol.values" = "A,B,C,D"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"

        [[lookup]]
        name = "instruments"
        connector = "csv"
        primary_key = ["symbol"]
        [lookup.properties]
        path = "%3$s"
        %4$s
        [[lookup.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"

        [[pipeline]]
        name = "named"
        sql = "SELECT t.symbol, i.name FROM trades t JOIN instruments FOR SYSTEM_TIME AS OF t.ts AS i ON t.symbol = i.symbol"

        [[sink]]
        name = "console"
        pipeline = "named"
        connector = "stdout"
        """.formatted(dir, ROWS, csv, cache));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ConnectorRegistry registry = ConnectorRegistry.build(List.of(new ConnectorProvider("builtin", "test",
        BuiltinConnectors.sources(), BuiltinConnectors.lookups(), List.of(new StdoutSinkFactory(out))))).registry();
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    AtomicLong nanos = new AtomicLong();
    EngineBuilder b = new EngineBuilder(loaded.config(), registry, allocator, new EngineMetrics())
        .lookupClock(() -> nanos.addAndGet(1_000_000));
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    EngineMetrics metrics = new EngineMetrics();
    Engine engine = new Engine(b, allocator, metrics);
    engine.start();
    assertEquals(Engine.State.COMPLETED, engine.awaitTermination().state());
    List<ExecutorMetrics> workers = engine.workerMetrics("named");
    assertEquals(1, workers.size());
    List<LookupCacheStatus> caches = engine.lookupCaches();
    assertEquals(1, caches.size(), caches.toString());
    Map<String, Long> counters = new java.util.TreeMap<>();
    metrics.counterValues().forEach((k, v) -> {
      if (k.name().startsWith("laminar_lookup_cache_")) {
        assertEquals(Map.of("lookup", "instruments", "pipeline", "named"), k.tags());
        counters.put(k.name(), v);
      }
    });
    return new Run(out.toString(StandardCharsets.UTF_8), workers.get(0).lookupCalls(),
        workers.get(0).lookupCacheHits(), caches.get(0), counters);
  }

  private static void assertEveryRowJoined(Run r) {
    List<String> lines = r.printed().lines().toList();
    assertEquals(ROWS, lines.size());
    Map<String, String> names = Map.of("A", "Alpha", "B", "Beta", "C", "Gamma", "D", "Delta");
    for (String line : lines) {
      String symbol = line.substring(line.indexOf("\"symbol\":\"") + 10, line.indexOf("\"symbol\":\"") + 11);
      assertTrue(line.contains("\"name\":\"" + names.get(symbol) + "\""), line);
    }
  }

  @Test
  void entriesWithinTheirTtlAreServedFromTheCache() throws Exception {
    Run r = run("[lookup.cache]\nsize = 100\nttl = \"1h\"");
    assertEveryRowJoined(r);
    assertEquals(1, r.lookupCalls(), "only the first batch asks the csv lookup");
    assertTrue(r.cacheHits() >= 4, "later batches hit the cache: " + r.cacheHits());
    assertEquals("instruments", r.cache().lookup());
    assertEquals("named", r.cache().pipeline());
    assertEquals(4, r.cache().misses(), "the four keys of the first batch: " + r.cache());
    assertEquals(r.cacheHits(), r.cache().hits());
    assertEquals(0, r.cache().evictions());
    assertEquals((double) r.cache().hits() / (r.cache().hits() + 4), r.cache().hitRatio());
    assertEquals(Map.of("laminar_lookup_cache_evictions_total", 0L, "laminar_lookup_cache_hits_total", r.cache().hits(),
        "laminar_lookup_cache_misses_total", 4L), r.counters());
  }

  @Test
  void entriesOlderThanTheTtlAreFetchedAgain() throws Exception {
    // every read of the clock moves it 1ms, so an entry is always older than its 1ms ttl when read again
    Run r = run("[lookup.cache]\nsize = 100\nttl = \"1ms\"");
    assertEveryRowJoined(r);
    assertEquals(0, r.cacheHits(), "every entry expired before it was read again");
    assertTrue(r.lookupCalls() >= 2, "each batch asks the csv lookup again: " + r.lookupCalls());
    assertEquals(0, r.cache().hits());
    assertEquals(4 * r.lookupCalls(), r.cache().misses(), "four keys per batch, all fetched: " + r.cache());
    assertEquals(0.0, r.cache().hitRatio());
  }

  @Test
  void aCacheSmallerThanTheKeySetEvicts() throws Exception {
    Run fits = run("[lookup.cache]\nsize = 4\nttl = \"1h\"");
    Run tooSmall = run("[lookup.cache]\nsize = 2\nttl = \"1h\"");
    assertEveryRowJoined(fits);
    assertEveryRowJoined(tooSmall);
    assertEquals(1, fits.lookupCalls(), "four keys fit in a cache of four");
    assertTrue(tooSmall.lookupCalls() >= 2,
        "with room for two of four keys, evicted keys are fetched again: " + tooSmall.lookupCalls());
    assertEquals(0, fits.cache().evictions());
    assertTrue(tooSmall.cache().evictions() > 0, tooSmall.cache().toString());
    assertTrue(tooSmall.cache().misses() > fits.cache().misses(), tooSmall.cache() + " vs " + fits.cache());
    assertEquals(tooSmall.cache().evictions(), tooSmall.counters().get("laminar_lookup_cache_evictions_total"));
  }
}
