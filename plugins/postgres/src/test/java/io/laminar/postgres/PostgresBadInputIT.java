package io.laminar.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

/**
 * Bad input through the real server ({@code laminar run} in a child JVM): each ends the run before
 * anything is read, with the exit code a supervisor can act on, a message naming what is wrong and
 * where, no stack trace and no password.
 */
class PostgresBadInputIT {
  /** The role .ci/run makes log in by password (scram-sha-256 in pg_hba.conf). */
  private static final String PASSWORD_ROLE = "laminar_pw_test";
  private static final String WRONG_PASSWORD = "not-the-password-7f3a";
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

  private static String plugins() {
    return LaminarProcess.POSTGRES_PLUGIN.getParent().toString();
  }

  /** postgres_cdc of {@code table} into a blackhole; {@code extra} lines go into its properties. */
  private Path config(String name, String table, String extra) throws Exception {
    Path file = dir.resolve(name + ".toml");
    Files.writeString(file, """
        [server]
        name = "bad"
        bind = "127.0.0.1:0"

        [checkpoint]
        path = "%s"

        [[source]]
        name = "orders"
        connector = "postgres_cdc"
        [source.properties]
        host = "%s"
        port = %d
        database = "%s"
        username = "postgres"
        "ssl.mode" = "disable"
        table = "public.%s"
        "slot.name" = "%s"
        publication = "%s"
        %s
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "qty"
        type = "INT"

        [[pipeline]]
        name = "copy"
        sql = "SELECT id, qty FROM orders"

        [[sink]]
        name = "out"
        pipeline = "copy"
        connector = "blackhole"
        """.formatted(dir.resolve(name + "-cp").toString().replace("\\", "\\\\"), TestDatabase.HOST, TestDatabase.PORT,
        db.name, table, "slot_" + name, "pub_" + name, extra));
    return file;
  }

  private ServerProcess.Result run(String name, Path config, Map<String, String> env) throws Exception {
    return LaminarProcess.run(dir.resolve(name), env, 120, "run", "--plugins", plugins(), "-c", config.toString());
  }

  private static void assertNoStackTrace(ServerProcess.Result r) {
    assertFalse(r.stderr().contains("\tat ") || r.stderr().contains("Exception"), "no stack trace: " + r.stderr());
  }

  private static String table() throws Exception {
    String table = Fixtures.unique("orders");
    db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, qty int)");
    return table;
  }

  @Test
  void aWrongPasswordExits69NamingTheUserAndServerWithoutPrintingThePassword() throws Exception {
    // created here (whoever else runs this test at the same moment may have created it already) and dropped after
    db.exec("DO $$ BEGIN CREATE ROLE " + PASSWORD_ROLE + " LOGIN REPLICATION PASSWORD 'the-right-one';"
        + " EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    try {
      Path config = config("password", table(), "password = \"${PG_TEST_PASSWORD}\"")
          .toAbsolutePath();
      Files.writeString(config, Files.readString(config).replace("username = \"postgres\"",
          "username = \"" + PASSWORD_ROLE + "\""));
      ServerProcess.Result r = run("password", config, Map.of("PG_TEST_PASSWORD", WRONG_PASSWORD));
      assertEquals(69, r.exit(), r.stderr());
      assertTrue(r.stderr().contains("source 'orders' (postgres_cdc): cannot connect to PostgreSQL at "
          + TestDatabase.HOST + ":" + TestDatabase.PORT + " (database '" + db.name + "'): authentication failed for user '"
          + PASSWORD_ROLE + "': check 'username' and 'password'"), r.stderr());
      assertFalse(r.stderr().contains(WRONG_PASSWORD) || r.stdout().contains(WRONG_PASSWORD), r.stderr());
      assertNoStackTrace(r);
    } finally {
      db.exec("DROP ROLE IF EXISTS " + PASSWORD_ROLE);
    }
  }

  /** The 1-based line of the first line of {@code text} that contains {@code what}. */
  private static int lineOf(String text, String what) {
    int at = text.indexOf(what);
    assertTrue(at >= 0, what + " in " + text);
    return 1 + (int) text.substring(0, at).chars().filter(c -> c == '\n').count();
  }

  @Test
  void aMissingTableExits78AtItsTablePropertyNamingTableDatabaseAndServer() throws Exception {
    Path config = config("missing", "no_such_orders", "");
    ServerProcess.Result r = run("missing", config, Map.of());
    // a table that does not exist is the configuration's mistake, not the network's
    assertEquals(78, r.exit(), r.stderr());
    int line = lineOf(Files.readString(config), "table = \"public.no_such_orders\"");
    assertTrue(r.stderr().contains("missing.toml:" + line + ":1: error: source 'orders' (postgres_cdc): table"
        + " public.no_such_orders does not exist in database '" + db.name + "' on " + TestDatabase.HOST + ":"
        + TestDatabase.PORT), r.stderr());
    assertNoStackTrace(r);
  }

  @Test
  void validateReportsAMissingLookupTableAndAMissingSinkTableEachAtItsTablePropertyWithExit78() throws Exception {
    String source = table();
    Path file = dir.resolve("missing-all.toml");
    String connection = """
        host = "%s"
        port = %d
        database = "%s"
        username = "postgres"
        "ssl.mode" = "disable"
        """.formatted(TestDatabase.HOST, TestDatabase.PORT, db.name);
    String text = """
        [server]
        name = "bad"
        bind = "127.0.0.1:0"

        [[source]]
        name = "orders"
        connector = "postgres_cdc"
        [source.properties]
        %1$stable = "public.%2$s"
        "slot.name" = "slot_missing_all"
        publication = "pub_missing_all"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "qty"
        type = "INT"

        [[lookup]]
        name = "names"
        connector = "postgres"
        primary_key = ["id"]
        [lookup.properties]
        %1$stable = "public.no_such_names"
        [[lookup.schema]]
        name = "id"
        type = "BIGINT"
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"

        [[pipeline]]
        name = "named"
        sql = "SELECT o.id, n.name FROM orders o JOIN names n ON o.id = n.id"

        [[sink]]
        name = "out"
        pipeline = "named"
        connector = "postgres"
        [sink.properties]
        %1$stable = "public.no_such_target"
        "write.mode" = "upsert"
        """.formatted(connection, source);
    Files.writeString(file, text);
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("missing-all"), Map.of(), 120, "validate", "--plugins",
        plugins(), "-c", file.toString());
    assertEquals(78, r.exit(), r.stderr());
    String where = " does not exist in database '" + db.name + "' on " + TestDatabase.HOST + ":" + TestDatabase.PORT;
    assertTrue(r.stderr().contains("missing-all.toml:" + lineOf(text, "public.no_such_names")
        + ":1: error: lookup 'names' (postgres): table public.no_such_names" + where), r.stderr());
    assertTrue(r.stderr().contains("missing-all.toml:" + lineOf(text, "public.no_such_target")
        + ":1: error: sink 'out' (postgres): table public.no_such_target" + where), r.stderr());
    assertTrue(r.stderr().contains("laminar: 2 errors in the configuration (found by the connectivity checks)"),
        r.stderr());
    assertNoStackTrace(r);
  }

  @Test
  void aSlotHeldByAnotherClientExits69NamingTheSlotAndTheHoldersPid() throws Exception {
    String table = table();
    db.exec("SELECT pg_create_logical_replication_slot('slot_held', 'pgoutput')",
        "CREATE PUBLICATION pub_held FOR TABLE " + table);
    Properties p = new Properties();
    p.setProperty("user", TestDatabase.USER);
    p.setProperty("replication", "database");
    p.setProperty("assumeMinServerVersion", "9.4");
    p.setProperty("preferQueryMode", "simple");
    p.setProperty("ApplicationName", "other-consumer");
    try (Connection holder = DriverManager.getConnection("jdbc:postgresql://" + TestDatabase.HOST + ":"
        + TestDatabase.PORT + "/" + db.name, p);
        PGReplicationStream stream = holder.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
            .logical().withSlotName("slot_held").withSlotOption("proto_version", 1)
            .withSlotOption("publication_names", "pub_held").start()) {
      String pid = db.query("SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'slot_held'").get(0).get(0);
      ServerProcess.Result r = run("held", config("held", table, ""), Map.of());
      assertTrue(stream != null && !holder.isClosed());
      assertEquals(69, r.exit(), r.stderr());
      assertTrue(r.stderr().contains("source 'orders' (postgres_cdc): replication slot 'slot_held' on " + TestDatabase.HOST
          + ":" + TestDatabase.PORT + " is in use by another client (backend pid " + pid + ", application"
          + " 'other-consumer', from 127.0.0.1): stop that client, or give this source its own slot.name"), r.stderr());
      assertNoStackTrace(r);
    }
  }
}
