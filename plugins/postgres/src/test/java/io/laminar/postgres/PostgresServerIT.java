package io.laminar.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server (a child JVM running {@code laminar run}) with the packaged postgres plugin:
 * {@code postgres_cdc} of a 50k-row table → a projection → the {@code postgres} sink upserting into a
 * second table, while 10k inserts, updates and deletes run against the source. At the end the target
 * equals the source ({@code EXCEPT} both ways is empty) — after a clean run, after a clean restart
 * (no second snapshot), and after SIGKILLs at random moments.
 */
class PostgresServerIT {
  private static final int SNAPSHOT_ROWS = 50_000;
  private static final int CHANGES = 10_000;
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

  static String config(String server, Path checkpoints, String source, String target, String slot) {
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
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"
        [[source.schema]]
        name = "note"
        type = "VARCHAR"

        [[pipeline]]
        name = "copy"
        sql = "SELECT id, qty, price, note FROM orders"

        [[sink]]
        name = "target"
        pipeline = "copy"
        connector = "postgres"
        delivery = "exactly_once"
        [sink.properties]
        host = "%s"
        port = %d
        database = "%s"
        username = "postgres"
        "ssl.mode" = "disable"
        table = "public.%s"
        "write.mode" = "upsert"
        """.formatted(server, checkpoints.toString().replace("\\", "\\\\"), TestDatabase.HOST, TestDatabase.PORT,
        db.name, source, slot, slot, TestDatabase.HOST, TestDatabase.PORT, db.name, target);
  }

  private static String[] run(Path config) {
    return new String[] {"run", "--plugins", LaminarProcess.POSTGRES_PLUGIN.getParent().toString(), "-c",
        config.toString()};
  }

  /** Source and target tables; the source holds {@link #SNAPSHOT_ROWS} rows. */
  private static void tables(String source, String target) throws Exception {
    db.exec("CREATE TABLE " + source + " (id bigint PRIMARY KEY, qty int, price float8, note text)",
        "CREATE TABLE " + target + " (id bigint PRIMARY KEY, qty int, price float8, note text)",
        "INSERT INTO " + source + " SELECT g, g % 100, g * 0.25, 'row ' || g FROM generate_series(1, " + SNAPSHOT_ROWS
            + ") g");
  }

  /**
   * {@code count} random changes in transactions of 1–20 statements: inserts of new ids, updates and
   * deletes of ids that may or may not exist (a miss changes nothing, as in real traffic).
   */
  private static Thread feeder(String table, long seed, int count, long firstNewId, AtomicReference<Exception> failure) {
    Thread t = new Thread(() -> {
      Random r = new Random(seed);
      long nextId = firstNewId;
      try (Connection c = db.connect()) {
        c.setAutoCommit(false);
        PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?)");
        PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET qty = ?, price = ?, note = ? WHERE id = ?");
        PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?");
        int done = 0;
        while (done < count) {
          int inTx = 1 + r.nextInt(20);
          for (int i = 0; i < inTx && done < count; i++, done++) {
            int op = r.nextInt(10);
            long id = 1 + (long) r.nextInt((int) Math.max(1, nextId - 1));
            if (op < 4) {
              insert.setLong(1, nextId++);
              insert.setInt(2, r.nextInt(1000));
              insert.setDouble(3, r.nextInt(100_000) / 100.0);
              insert.setString(4, "new " + r.nextInt());
              insert.executeUpdate();
            } else if (op < 8) {
              update.setInt(1, r.nextInt(1000));
              update.setDouble(2, r.nextInt(100_000) / 100.0);
              if (r.nextInt(10) == 0) {
                update.setNull(3, java.sql.Types.VARCHAR);
              } else {
                update.setString(3, "upd\t" + r.nextInt());
              }
              update.setLong(4, id);
              update.executeUpdate();
            } else {
              delete.setLong(1, id);
              delete.executeUpdate();
            }
          }
          c.commit();
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }, "change-feeder");
    t.start();
    return t;
  }

  /** Rows in one table and not the other, both ways. */
  private static long difference(String a, String b) throws Exception {
    return db.count("SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT SELECT * FROM " + b + ") x")
        + db.count("SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT SELECT * FROM " + a + ") x");
  }

  private static void awaitEqual(ServerProcess server, String source, String target) throws Exception {
    server.await("target equal to source", 240, () -> {
      try {
        return difference(source, target) == 0;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static String httpGet(String log, String path) throws Exception {
    Matcher m = Pattern.compile("HTTP API listening on (http://\\S+?:\\d+)").matcher(log);
    String base = null;
    while (m.find()) {
      base = m.group(1);
    }
    assertTrue(base != null, "no HTTP address in the log: " + log);
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** A gauge of the one source in an /api/v1/sources answer. */
  private static double gauge(String sources, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":([0-9.E-]+)").matcher(sources);
    assertTrue(m.find(), name + " is not shown: " + sources);
    return Double.parseDouble(m.group(1));
  }

  /** How many times (across restarts sharing a log) the source began capturing. */
  private static int captureStarts(String log) {
    Matcher m = Pattern.compile("(starting|resuming) change data capture").matcher(log);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static int snapshotsTaken(String log) {
    Matcher m = Pattern.compile("snapshot of public\\.\\S+ done").matcher(log);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void snapshotThenChangesWhileRunningThenACleanRestartResumesWithoutASecondSnapshot() throws Exception {
    String source = Fixtures.unique("orders");
    String target = Fixtures.unique("target");
    String slot = Fixtures.unique("slot");
    tables(source, target);
    Path config = dir.resolve("e2e.toml");
    Files.writeString(config, config("e2e", dir.resolve("cp"), source, target, slot));
    Path logs = dir.resolve("e2e");

    ServerProcess server = LaminarProcess.start(logs, run(config));
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread feeder = feeder(source, 1, CHANGES, SNAPSHOT_ROWS + 1, failure);
    feeder.join(300_000);
    assertNull(failure.get());
    awaitEqual(server, source, target);
    String sources = httpGet(server.stderr(), "/api/v1/sources");
    // changes committed before the snapshot's transaction began are part of the snapshot
    assertTrue(gauge(sources, "snapshot_rows") >= SNAPSHOT_ROWS, "snapshot progress is shown: " + sources);
    assertEquals(1, gauge(sources, "snapshot_completed"), sources);
    assertEquals(1, gauge(sources, "snapshot_progress"), "the console's progress bar is full: " + sources);
    assertTrue(gauge(sources, "snapshot_rows_per_second") > 0, sources);
    // the table was just filled: no ANALYZE yet, so the estimate is the statistics' live-row count
    assertTrue(gauge(sources, "snapshot_rows_estimated") > 0, sources);
    Matcher done = Pattern.compile("snapshot of public\\." + source + " done: (\\d+) rows in [0-9.]+ s \\((\\d+) rows/s\\);"
        + " streaming changes").matcher(server.stderr());
    assertTrue(done.find() && Long.parseLong(done.group(1)) >= SNAPSHOT_ROWS, server.stderr());
    assertEquals(0, server.stop(60), server.stderr());
    assertEquals(1, snapshotsTaken(server.stderr()), server.stderr());
    assertTrue(server.stderr().contains("laminar: stopped."), server.stderr());

    Thread more = feeder(source, 2, 2_000, SNAPSHOT_ROWS + CHANGES + 1, failure);
    more.join(300_000);
    assertNull(failure.get());
    ServerProcess again = LaminarProcess.start(logs, run(config));
    awaitEqual(again, source, target);
    assertEquals(0, again.stop(60), again.stderr());
    assertEquals(1, snapshotsTaken(again.stderr()), "a restart from the checkpoint takes no second snapshot");
    assertTrue(again.stderr().contains("resuming change data capture"), again.stderr());
    assertNoEpochTwiceAndNothingLeftPrepared("e2e/target");
  }

  @Test
  void sigkillAtThreeRandomMomentsStillEndsWithTheTargetEqualToTheSource() throws Exception {
    String source = Fixtures.unique("orders");
    String target = Fixtures.unique("target");
    String slot = Fixtures.unique("slot");
    tables(source, target);
    Path config = dir.resolve("crash.toml");
    Files.writeString(config, config("crash", dir.resolve("cp"), source, target, slot));
    Path logs = dir.resolve("crash");

    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread feeder = null;
    Random random = new Random(20261201);
    for (int kill = 0; kill < 3; kill++) {
      ServerProcess server = LaminarProcess.start(logs, run(config));
      if (feeder == null) {
        feeder = feeder(source, 3, CHANGES, SNAPSHOT_ROWS + 1, failure);
      }
      int starts = kill + 1;
      server.await("change data capture running", 180, () -> captureStarts(server.stderr()) >= starts);
      Thread.sleep(1000 + random.nextInt(6000)); // a random moment to crash at, not a synchronisation
      assertTrue(server.isAlive(), () -> "laminar ended before the kill:\n" + server.stderr());
      server.kill();
    }
    feeder.join(300_000);
    assertNull(failure.get());
    ServerProcess server = LaminarProcess.start(logs, run(config));
    // The target may already equal the source: wait until this run is up before stopping it, or the
    // SIGTERM reaches a JVM that has not installed laminar's handler yet (exit 143).
    server.await("change data capture running", 180, () -> captureStarts(server.stderr()) >= 4);
    awaitEqual(server, source, target);
    assertEquals(0, server.stop(60), server.stderr());
    assertNoEpochTwiceAndNothingLeftPrepared("crash/target");
  }

  private static void assertNoEpochTwiceAndNothingLeftPrepared(String sinkId) throws Exception {
    List<List<String>> twice = db.query("SELECT epoch FROM laminar_sink_epochs WHERE sink_id = '" + sinkId
        + "' GROUP BY epoch HAVING count(*) > 1");
    assertEquals(List.of(), twice, "epochs applied twice");
    assertTrue(db.count("SELECT count(*) FROM laminar_sink_epochs WHERE sink_id = '" + sinkId + "'") > 0);
    assertEquals(0, db.count("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"),
        "no prepared transaction is left behind");
  }

  @Test
  void initialOnlyCopiesTheTableIntoAnAppendSinkThenTheRunEndsByItselfLeavingNoSlot() throws Exception {
    String source = Fixtures.unique("orders");
    String target = Fixtures.unique("target");
    String slot = Fixtures.unique("slot");
    tables(source, target);
    Path config = dir.resolve("once.toml");
    Files.writeString(config, config("once", dir.resolve("cp"), source, target, slot)
        .replace("publication = \"" + slot + "\"", "publication = \"" + slot + "\"\n\"snapshot.mode\" = \"initial_only\"")
        .replace("\"write.mode\" = \"upsert\"", "\"write.mode\" = \"append\""));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("once"), 240, run(config));
    assertEquals(0, r.exit(), r.stderr());
    assertEquals(0, difference(source, target));
    assertTrue(r.stderr().contains("not streaming (snapshot.mode initial_only)"), r.stderr());
    assertEquals(0, db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'"),
        "no slot is left holding WAL");

  }

  @Test
  void anUnreachableServerExitsWith69NamingHostAndPortWithoutAStackTrace() throws Exception {
    Path config = dir.resolve("unreachable.toml");
    Files.writeString(config, config("bad", dir.resolve("cp"), "orders", "target", "slot_unreachable")
        .replace("port = " + TestDatabase.PORT, "port = 1"));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("unreachable"), 120, run(config));
    assertEquals(69, r.exit(), r.stderr());
    assertTrue(r.stderr().contains(TestDatabase.HOST + ":1"), r.stderr());
    assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
  }

  @Test
  void aSchemaMismatchIsReportedAtTheSchemaEntryAndExits78() throws Exception {
    String source = Fixtures.unique("orders");
    db.exec("CREATE TABLE " + source + " (id bigint PRIMARY KEY, qty bigint, price float8, note text)");
    Path config = dir.resolve("mismatch.toml");
    String text = config("mismatch", dir.resolve("cp"), source, source, Fixtures.unique("slot"));
    Files.writeString(config, text);
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("mismatch"), 120, run(config));
    assertEquals(78, r.exit(), r.stderr());
    int qtyLine = 1 + (int) text.substring(0, text.indexOf("name = \"qty\"")).lines().count();
    assertTrue(r.stderr().contains("mismatch.toml:" + (qtyLine - 1)) || r.stderr().contains("mismatch.toml:" + qtyLine),
        "reported at the [[source.schema]] entry of qty (line " + qtyLine + "): " + r.stderr());
    assertTrue(r.stderr().contains("column 'qty' is declared INT but is bigint"), r.stderr());
    assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
  }
}
