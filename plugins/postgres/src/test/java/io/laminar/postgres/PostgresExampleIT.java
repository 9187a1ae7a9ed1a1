package io.laminar.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/postgres-cdc.toml} run as its comment says: its tables (the comment's SQL), the
 * config unchanged, the PG* variables pointing at a database of this test, and an overlay only for
 * where state goes, the HTTP port and a server name of its own (which names the slot). big_orders
 * must follow orders through the snapshot, inserts, updates across the qty filter and deletes.
 */
class PostgresExampleIT {
  private static final Path EXAMPLE = Path.of("../../examples/postgres-cdc.toml").toAbsolutePath().normalize();
  private static TestDatabase db;

  @TempDir Path dir;

  @BeforeAll
  static void database() throws Exception {
    db = TestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    db.close();
  }

  private static final String EXPECTED = "SELECT id, customer, qty, qty * price AS amount,"
      + " (created AT TIME ZONE 'UTC') AS created FROM orders WHERE qty >= 10";

  private static boolean followed() {
    try {
      return db.count("SELECT count(*) FROM (" + EXPECTED + " EXCEPT SELECT * FROM big_orders) x") == 0
          && db.count("SELECT count(*) FROM (SELECT * FROM big_orders EXCEPT " + EXPECTED + ") x") == 0;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theExampleKeepsBigOrdersEqualToTheFilteredOrders() throws Exception {
    Matcher sql = Pattern.compile("(?m)^#\\s+((?:CREATE|ALTER) TABLE [^;]+;)").matcher(Files.readString(EXAMPLE));
    int statements = 0;
    while (sql.find()) {
      db.exec(sql.group(1));
      statements++;
    }
    assertEquals(3, statements, "the example's comment gives two CREATE TABLEs and one ALTER TABLE");
    db.exec("INSERT INTO orders VALUES (1, 'ada', 5, 2.0, '2026-01-01 10:00+00'), (2, 'bob', 12, 1.5,"
        + " '2026-01-01 11:00+00'), (3, 'cy', 20, 1.0, '2026-01-01 12:00+00')");
    String name = Fixtures.unique("example");
    Path overlay = dir.resolve("overlay.toml");
    Files.writeString(overlay, "[server]\nname = \"" + name + "\"\nbind = \"127.0.0.1:0\"\n[checkpoint]\npath = \""
        + dir.resolve("cp") + "\"\n");
    ServerProcess server = LaminarProcess.start(dir.resolve("example"), Map.of("PGHOST", TestDatabase.HOST,
        "PGDATABASE", db.name, "PGUSER", TestDatabase.USER), "run", "--plugins",
        LaminarProcess.POSTGRES_PLUGIN.getParent().toString(), "-c", EXAMPLE.toString(), "-c", overlay.toString());
    server.await("the snapshot in big_orders", 120, () -> followed() && count("big_orders") == 2);
    db.exec("UPDATE orders SET qty = 3 WHERE id = 2", "UPDATE orders SET qty = 15 WHERE id = 1",
        "DELETE FROM orders WHERE id = 3", "INSERT INTO orders VALUES (4, 'dee', 50, 0.5, '2026-01-02 09:30+00')");
    server.await("the changes in big_orders", 120, () -> followed() && count("big_orders") == 2);
    assertEquals(List.of(List.of("1", "15"), List.of("4", "50")), db.query("SELECT id, qty FROM big_orders ORDER BY id"));
    assertEquals(0, server.stop(60), server.stderr());
    assertFalse(server.stderr().contains("\tat "), server.stderr());
  }

  private static long count(String table) {
    try {
      return db.count("SELECT count(*) FROM " + table);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
