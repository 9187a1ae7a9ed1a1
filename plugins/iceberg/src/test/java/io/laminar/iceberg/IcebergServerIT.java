package io.laminar.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real server (a child JVM running {@code laminar run}) with the packaged iceberg plugin: a
 * bounded generator → the {@code iceberg} sink on a Hadoop catalog and on a JDBC catalog in a
 * PostgreSQL database the test creates and drops, SIGKILLed at three random
 * moments and restarted each time; at the end every row is in the table exactly once and no epoch
 * has two snapshots. Also: a table of another schema is refused by {@code laminar validate} (exit
 * 78, no stack trace) and an unreachable JDBC catalog exits 69 naming host:port.
 */
class IcebergServerIT {
  private static final int ROWS = 200_000;
  @TempDir Path dir;

  static String config(String server, Path checkpoints, String sinkProperties) {
    return """
        [server]
        name = "%s"
        bind = "127.0.0.1:0"
        shutdown_timeout = "30s"

        [checkpoint]
        path = "%s"
        interval = "500ms"
        retain = 3

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = %d
        rows_per_second = 25000
        seed = 3
        start_time = "2026-03-01T00:00:00Z"
        "fields.id.kind" = "sequence"
        "fields.symbol.values" = "AAPL,MSFT,GOOG"
        "fields.qty.min" = "1"
        "fields.qty.max" = "100"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"

        [[pipeline]]
        name = "copy"
        sql = "SELECT id, symbol, qty, ts FROM trades"

        [[sink]]
        name = "lake"
        pipeline = "copy"
        connector = "iceberg"
        delivery = "exactly_once"
        [sink.properties]
        %s
        """.formatted(server, checkpoints, ROWS, sinkProperties);
  }

  private static String hadoop(Path warehouse, String table) {
    return "warehouse = \"" + warehouse + "\"\nnamespace = \"lake\"\n\"table.name\" = \"" + table + "\"\n"
        + "\"partition.spec\" = \"symbol\"\n";
  }

  private static int opens(String log) {
    Matcher m = Pattern.compile("writing to Iceberg table").matcher(log);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @ParameterizedTest
  @ValueSource(strings = {"hadoop", "jdbc"})
  void sigkillAtThreeRandomMomentsStillWritesEveryRowExactlyOnce(String catalogType) throws Exception {
    String db = Fixtures.unique("iceberg_crash");
    boolean jdbc = catalogType.equals("jdbc");
    if (jdbc) {
      try (Connection c = DriverManager.getConnection(IcebergEngineTest.PG + "postgres", "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + db);
      }
    }
    try {
      crashThreeTimes(jdbc, db);
    } finally {
      if (jdbc) {
        try (Connection c = DriverManager.getConnection(IcebergEngineTest.PG + "postgres", "postgres", "");
            Statement st = c.createStatement()) {
          st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
      }
    }
  }

  private void crashThreeTimes(boolean jdbc, String db) throws Exception {
    Path warehouse = dir.resolve("warehouse");
    Path config = dir.resolve("crash.toml");
    String catalog = jdbc ? "\"catalog.type\" = \"jdbc\"\n\"catalog.uri\" = \"" + IcebergEngineTest.PG + db
        + "\"\n\"catalog.user\" = \"postgres\"\n" : "";
    Files.writeString(config, config("crash", dir.resolve("cp"), catalog + hadoop(warehouse, "trades")));
    Path logs = dir.resolve("crash");
    Random random = new Random(20261202);
    for (int kill = 0; kill < 3; kill++) {
      ServerProcess server = LaminarProcess.start(logs, LaminarProcess.args("run", config));
      int starts = kill + 1;
      server.await("the iceberg sink is open", 120, () -> opens(server.stderr()) >= starts);
      Thread.sleep(500 + random.nextInt(2500)); // a random moment to crash at, not a synchronisation
      assertTrue(server.isAlive(), () -> "laminar ended before the kill:\n" + server.stderr());
      server.kill();
    }
    ServerProcess last = LaminarProcess.start(logs, LaminarProcess.args("run", config));
    assertTrue(last.waitFor(300), "the bounded run ends");
    assertEquals(0, last.exitValue(), last.stderr());

    Catalog reader = jdbc ? CatalogUtil.buildIcebergCatalog("laminar", Map.of("type", "jdbc", "uri",
        IcebergEngineTest.PG + db, "jdbc.user", "postgres", "warehouse", warehouse.toUri().toString()),
        new org.apache.hadoop.conf.Configuration()) : Fixtures.hadoopCatalog(warehouse);
    try {
      Table t = reader.loadTable(TableIdentifier.of("lake", "trades"));
      List<Map<String, Object>> rows = Fixtures.read(t);
      Set<Long> ids = new HashSet<>();
      long sum = 0;
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (Map<String, Object> r : rows) {
        long id = (Long) r.get("id");
        ids.add(id);
        sum += id;
        min = Math.min(min, id);
        max = Math.max(max, id);
      }
      assertEquals(ROWS, rows.size(), "row count");
      assertEquals(ROWS, ids.size(), "no id twice");
      assertEquals(ROWS - 1, max - min, "no id missing");
      assertEquals((min + max) * ROWS / 2, sum, "checksum of the ids");
      List<Long> epochs = Fixtures.epochs(t);
      assertEquals(epochs.stream().distinct().count(), epochs.size(), "no epoch committed twice: " + epochs);
      assertFalse(epochs.isEmpty(), "committed by epochs");
    } finally {
      ((java.io.Closeable) reader).close();
    }
    assertTrue(last.stderr().contains("laminar: "), last.stderr());
  }

  @Test
  void aTableOfAnotherSchemaIsRefusedByValidateWithExit78() throws Exception {
    Path warehouse = dir.resolve("warehouse");
    try (var catalog = Fixtures.hadoopCatalog(warehouse)) {
      catalog.createNamespace(Namespace.of("lake"));
      catalog.createTable(TableIdentifier.of("lake", "other"), new Schema(
          Types.NestedField.optional(1, "id", Types.StringType.get()),
          Types.NestedField.optional(2, "symbol", Types.StringType.get())), PartitionSpec.unpartitioned());
    }
    Path config = dir.resolve("mismatch.toml");
    String text = config("mismatch", dir.resolve("cp"), hadoop(warehouse, "other"));
    Files.writeString(config, text);
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("mismatch"), 120, LaminarProcess.args("validate", config));
    assertEquals(78, r.exit(), r.stderr());
    int line = 1 + (int) text.substring(0, text.indexOf("[[sink]]")).lines().count();
    assertTrue(r.stderr().contains("mismatch.toml:" + line), "reported at the sink (line " + line + "): " + r.stderr());
    assertTrue(r.stderr().contains("column 'id' is string in table lake.other and cannot hold the pipeline's long"),
        r.stderr());
    assertTrue(r.stderr().contains("column 'qty' (int) is not in table lake.other"), r.stderr());
    assertTrue(r.stderr().contains("column 'ts' (timestamp) is not in table lake.other"), r.stderr());
    assertTrue(r.stderr().contains("table lake.other is partitioned by [], but partition.spec asks for [symbol]"),
        r.stderr());
    assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
    assertFalse(r.stderr().contains("Exception"), "nothing thrown at exit either: " + r.stderr());
  }

  @Test
  void anUnreachableJdbcCatalogExits69NamingHostAndPortWithoutThePassword() throws Exception {
    Path config = dir.resolve("unreachable.toml");
    Files.writeString(config, config("bad", dir.resolve("cp"), "\"catalog.type\" = \"jdbc\"\n"
        + "\"catalog.uri\" = \"jdbc:postgresql://127.0.0.1:1/catalog\"\n\"catalog.user\" = \"postgres\"\n"
        + "\"catalog.password\" = \"s3cret-pw\"\nwarehouse = \"" + dir.resolve("wh") + "\"\nnamespace = \"lake\"\n"
        + "\"table.name\" = \"t\"\n"));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("unreachable"), 120, LaminarProcess.args("run", config));
    assertEquals(69, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("127.0.0.1:1"), r.stderr());
    assertFalse(r.stderr().contains("s3cret-pw"), r.stderr());
    assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
  }

  @Test
  void anUnreachableRestCatalogExits69NamingHostAndPort() throws Exception {
    Path config = dir.resolve("rest.toml");
    Files.writeString(config, config("rest", dir.resolve("cp"), "\"catalog.type\" = \"rest\"\n"
        + "\"catalog.uri\" = \"http://127.0.0.1:1/catalog\"\nwarehouse = \"lake\"\nnamespace = \"lake\"\n"
        + "\"table.name\" = \"t\"\n"));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("rest"), 120, LaminarProcess.args("run", config));
    assertEquals(69, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("rest catalog at 127.0.0.1:1"), r.stderr());
    assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
  }
}
