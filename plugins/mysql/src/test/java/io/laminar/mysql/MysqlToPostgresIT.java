package io.laminar.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two plugins with different JDBC drivers in one server: {@code mysql_cdc} of a 50k-row MariaDB
 * table, 10k changes while running, into the {@code postgres} sink upserting into a PostgreSQL table
 * (the postgres plugin's packaged zip, unpacked next to this module's plugin). At the end the
 * PostgreSQL table holds exactly the MariaDB table's rows.
 */
class MysqlToPostgresIT {
  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
  private static TestDatabase db;
  private static String pgDatabase;

  @TempDir Path dir;

  @BeforeAll
  static void databases() throws Exception {
    db = TestDatabase.create();
    pgDatabase = "laminar_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", ""); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + pgDatabase);
    }
  }

  @AfterAll
  static void drop() throws Exception {
    db.close();
    try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", ""); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + pgDatabase + " WITH (FORCE)");
    }
  }

  /** Every row as "id|qty|price|note", sorted: the same text from either server for equal rows. */
  private static List<String> rows(Connection c, String table) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, qty, price, note FROM " + table + " ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + "|" + rs.getObject(2) + "|" + rs.getObject(3) + "|" + rs.getString(4));
      }
    }
    return rows;
  }

  @Test
  void mariadbChangesLandInPostgresqlThroughTheOtherPlugin() throws Exception {
    String source = Fixtures.unique("orders");
    String target = Fixtures.unique("target");
    MysqlServerIT.tables(db, source, "unused_" + target);
    try (Connection pg = DriverManager.getConnection(PG + pgDatabase, "postgres", ""); Statement st = pg.createStatement()) {
      st.execute("CREATE TABLE " + target + " (id bigint PRIMARY KEY, qty int, price float8, note text)");
    }
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.createSymbolicLink(plugins.resolve("mysql"), LaminarProcess.MYSQL_PLUGIN.toAbsolutePath());
    Files.createSymbolicLink(plugins.resolve("postgres"), LaminarProcess.POSTGRES_PLUGIN.toAbsolutePath());
    String config = MysqlServerIT.config(db.name, "twodrivers", dir.resolve("cp"), source, target)
        .replace("""
            connector = "mysql"
            delivery = "exactly_once"
            [sink.properties]
            host = "%s"
            port = %d
            database = "%s"
            username = "root"
            "ssl.mode" = "disabled"
            """.formatted(TestDatabase.HOST, TestDatabase.PORT, db.name), """
            connector = "postgres"
            delivery = "exactly_once"
            [sink.properties]
            host = "127.0.0.1"
            port = 5432
            database = "%s"
            username = "postgres"
            "ssl.mode" = "disable"
            """.formatted(pgDatabase))
        .replace("table = \"" + target + "\"", "table = \"public." + target + "\"");
    assertTrue(config.contains("connector = \"postgres\""), config);
    Path file = dir.resolve("two.toml");
    Files.writeString(file, config);
    ServerProcess server = LaminarProcess.start(dir.resolve("two"), "run", "--plugins", plugins.toString(), "-c",
        file.toString());
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread feeder = MysqlServerIT.feeder(db, source, 7, 10_000, 50_001, failure);
    feeder.join(300_000);
    assertNull(failure.get());
    List<String> expected;
    try (Connection c = db.connect()) {
      expected = rows(c, source);
    }
    try (Connection pg = DriverManager.getConnection(PG + pgDatabase, "postgres", "")) {
      server.await("the PostgreSQL table equal to the MariaDB table", 240, () -> {
        try {
          return rows(pg, target).equals(expected);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
    }
    assertEquals(0, server.stop(60), server.stderr());
    try (Connection pg = DriverManager.getConnection(PG + pgDatabase, "postgres", ""); Statement st = pg.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT epoch) FROM laminar_sink_epochs")) {
      rs.next();
      assertTrue(rs.getLong(1) > 0, "the postgres sink recorded its epochs");
      assertEquals(rs.getLong(1), rs.getLong(2), "no epoch twice");
    }
  }
}
