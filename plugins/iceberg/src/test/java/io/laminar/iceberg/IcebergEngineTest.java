package io.laminar.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.engine.BuildReport;
import io.laminar.engine.Engine;
import io.laminar.engine.EngineBuilder;
import io.laminar.engine.EngineMetrics;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.testkit.ChangelogSourceFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine (config → Calcite → runtime → sinks) writing into Iceberg through a Hadoop catalog
 * in a temp directory and a JDBC catalog in a PostgreSQL database the test creates and drops; the
 * table is read back with {@code IcebergGenerics} and compared with what the same pipeline handed a
 * collecting sink.
 */
class IcebergEngineTest {
  static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(new ChangelogSourceFactory()), List.of(),
          List.of(new CollectingSinkFactory())),
      new ConnectorProvider("iceberg", "test", List.of(), List.of(), List.of(new IcebergSinkFactory())))).registry();

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.ROWS.clear();
    CollectingSinkFactory.COMMITS.clear();
    CollectingSinkFactory.EPOCHS_WITH_ROWS.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  static final String WINDOWS = """
      [state]
      path = "%1$s/state"

      [checkpoint]
      path = "%1$s/checkpoints"
      interval = "200ms"

      [[source]]
      name = "trades"
      connector = "generator"
      [source.properties]
      max_rows = %2$d
      rows_per_second = 20000
      events_per_second = 2000
      seed = 11
      start_time = "2026-03-01T00:00:00Z"
      "fields.symbol.values" = "AAPL,MSFT,GOOG,AMZN,META"
      "fields.qty.min" = "1"
      "fields.qty.max" = "100"
      [[source.schema]]
      name = "symbol"
      type = "VARCHAR"
      [[source.schema]]
      name = "qty"
      type = "INT"
      [[source.schema]]
      name = "ts"
      type = "TIMESTAMP"
      [source.watermark]
      column = "ts"
      max_out_of_orderness = "100ms"

      [[pipeline]]
      name = "windows"
      sql = \"""
      SELECT symbol, window_start, window_end, COUNT(*) AS trades, SUM(qty) AS volume
      FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
      GROUP BY symbol, window_start, window_end
      \"""

      [[sink]]
      name = "expected"
      pipeline = "windows"
      connector = "collect"

      [[sink]]
      name = "lake"
      pipeline = "windows"
      connector = "iceberg"
      delivery = "exactly_once"
      [sink.properties]
      namespace = "market"
      "table.name" = "windows"
      "partition.spec" = "day(window_start), symbol"
      """;

  private void run(String toml) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, toml);
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder builder = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    BuildReport report = builder.construct();
    assertTrue(report.ok(), () -> report.errors().toString());
    Engine engine = new Engine(builder, allocator, new EngineMetrics());
    engine.start();
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, outcome.state(), outcome.failure());
  }

  private static final Comparator<Map<String, Object>> BY_WINDOW = Comparator
      .comparing((Map<String, Object> r) -> (Long) r.get("window_start"))
      .thenComparing(r -> (String) r.get("symbol"));

  /** Rows equal the windows the pipeline produced; the last snapshot holds the last epoch. */
  private static void assertWindows(Table table, int rows) throws Exception {
    List<Map<String, Object>> expected = new ArrayList<>(CollectingSinkFactory.ROWS.get("expected"));
    List<Map<String, Object>> actual = Fixtures.read(table);
    expected.sort(BY_WINDOW);
    actual.sort(BY_WINDOW);
    assertTrue(expected.size() > 20, "several windows: " + expected.size());
    assertEquals(expected, actual);
    assertEquals(rows, actual.stream().mapToLong(r -> (Long) r.get("trades")).sum(), "every trade counted once");
    List<Long> epochs = Fixtures.epochs(table);
    assertFalse(epochs.isEmpty(), "committed by epochs");
    assertEquals(epochs.stream().distinct().sorted().toList(), epochs, "epochs increase, none twice");
    // an epoch without rows makes no snapshot: the table has exactly the epochs that carried rows
    List<Long> withRows = CollectingSinkFactory.EPOCHS_WITH_ROWS.get("expected");
    assertEquals(withRows, epochs);
    assertEquals(withRows.get(withRows.size() - 1), Long.valueOf(table.currentSnapshot().summary()
        .get("laminar.epoch")), "the last snapshot holds the last epoch");
    assertEquals("lake", table.currentSnapshot().summary().get("laminar.writer-id").split("/")[1]);
  }

  @Test
  void windowsIntoAHadoopCatalog() throws Exception {
    Path warehouse = dir.resolve("warehouse");
    run(WINDOWS.formatted(dir, 20_000) + "catalog.type = \"hadoop\"\nwarehouse = \"" + warehouse + "\"\n");
    try (var catalog = Fixtures.hadoopCatalog(warehouse)) {
      Table t = catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.of("market", "windows"));
      assertEquals("window_start_day, symbol", t.spec().fields().stream().map(f -> f.name())
          .collect(java.util.stream.Collectors.joining(", ")));
      assertWindows(t, 20_000);
    }
  }

  @Test
  void windowsIntoAJdbcCatalogInPostgres() throws Exception {
    String db = Fixtures.unique("iceberg_catalog");
    try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", ""); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + db);
    }
    try {
      Path warehouse = dir.resolve("warehouse");
      run(WINDOWS.formatted(dir, 20_000) + "catalog.type = \"jdbc\"\n\"catalog.uri\" = \"" + PG + db + "\"\n"
          + "\"catalog.user\" = \"postgres\"\n\"catalog.password\" = \"unused\"\nwarehouse = \"" + warehouse + "\"\n");
      Map<String, String> props = new HashMap<>(Map.of("type", "jdbc", "uri", PG + db, "jdbc.user", "postgres",
          "warehouse", warehouse.toUri().toString()));
      Catalog catalog = CatalogUtil.buildIcebergCatalog("laminar", props, new org.apache.hadoop.conf.Configuration());
      try {
        assertWindows(catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.of("market", "windows")), 20_000);
      } finally {
        ((java.io.Closeable) catalog).close();
      }
    } finally {
      try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  @Test
  void aChangelogEndsWithTheTableEqualToItsFinalState() throws Exception {
    // a random script of inserts, updates and deletes of 40 keys (+U without -U: IcebergSinkTest)
    Random r = new Random(5);
    Map<Long, String[]> state = new TreeMap<>();
    StringBuilder script = new StringBuilder();
    for (int i = 0; i < 600; i++) {
      long id = r.nextInt(40);
      String[] old = state.get(id);
      String name = "n" + r.nextInt(5);
      int qty = r.nextInt(100);
      if (old == null) {
        script.append("+I,").append(id).append(',').append(name).append(',').append(qty).append('\n');
        state.put(id, new String[] {name, Integer.toString(qty)});
      } else if (r.nextInt(4) == 0) {
        script.append("-D,").append(id).append(',').append(old[0]).append(',').append(old[1]).append('\n');
        state.remove(id);
      } else {
        script.append("-U,").append(id).append(',').append(old[0]).append(',').append(old[1]).append('\n');
        script.append("+U,").append(id).append(',').append(name).append(',').append(qty).append('\n');
        state.put(id, new String[] {name, Integer.toString(qty)});
      }
    }
    Path warehouse = dir.resolve("warehouse");
    run("""
        [state]
        path = "%1$s/state"

        [[source]]
        name = "orders"
        connector = "test_changelog"
        [source.properties]
        batch_rows = 7
        rows = \"""
        %2$s\"""
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "name"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"

        [[pipeline]]
        name = "copy"
        sql = "SELECT id, name, qty FROM orders"

        [[pipeline]]
        name = "totals"
        sql = "SELECT name, COUNT(*) AS orders, SUM(qty) AS qty FROM orders GROUP BY name"

        [[sink]]
        name = "rows"
        pipeline = "copy"
        connector = "iceberg"
        [sink.properties]
        warehouse = "%3$s"
        namespace = "shop"
        "table.name" = "orders"
        "write.mode" = "upsert"
        "primary.key" = "id"

        [[sink]]
        name = "totals"
        pipeline = "totals"
        connector = "iceberg"
        [sink.properties]
        warehouse = "%3$s"
        namespace = "shop"
        "table.name" = "totals"
        "write.mode" = "upsert"
        """.formatted(dir, script, warehouse));

    try (var catalog = Fixtures.hadoopCatalog(warehouse)) {
      Table orders = catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.of("shop", "orders"));
      Map<Long, String> actual = new TreeMap<>();
      for (Map<String, Object> row : Fixtures.read(orders)) {
        assertEquals(null, actual.put((Long) row.get("id"), row.get("name") + "," + row.get("qty")), "one row per id");
      }
      Map<Long, String> expected = new TreeMap<>();
      state.forEach((k, v) -> expected.put(k, v[0] + "," + v[1]));
      assertEquals(expected, actual);

      // the GROUP BY's update key (name) is the primary key without primary.key
      Table totals = catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.of("shop", "totals"));
      Map<String, String> expectedTotals = new TreeMap<>();
      state.values().stream().collect(java.util.stream.Collectors.groupingBy(v -> v[0])).forEach((name, rows) ->
          expectedTotals.put(name, rows.size() + "," + rows.stream().mapToLong(v -> Long.parseLong(v[1])).sum()));
      Map<String, String> actualTotals = new TreeMap<>();
      for (Map<String, Object> row : Fixtures.read(totals)) {
        assertEquals(null, actualTotals.put((String) row.get("name"), row.get("orders") + "," + row.get("qty")));
      }
      assertEquals(expectedTotals, actualTotals);
    }
  }
}
