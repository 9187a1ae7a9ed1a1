package io.laminar.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slot.drop_on_reset} through the real server: a start that forgets the source's offsets
 * ({@code --reset-source}, {@code --reset-state}) keeps the slot, and so reads the changes it still
 * holds, unless the slot is to be dropped — then the new slot starts at the present and the changes
 * made while the server was down are not read. {@code snapshot.mode = "never"}, so only the slot
 * decides what is read.
 */
class PostgresResetIT {
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

  private Path config(String source, String target, String slot, boolean dropOnReset) throws Exception {
    Path file = dir.resolve(slot + ".toml");
    Files.writeString(file, """
        [server]
        name = "reset"
        bind = "127.0.0.1:0"

        [checkpoint]
        path = "%s"
        interval = "500ms"

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
        "snapshot.mode" = "never"
        "slot.drop_on_reset" = %s
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
        """.formatted(dir.resolve(slot + "-cp").toString().replace("\\", "\\\\"), TestDatabase.HOST, TestDatabase.PORT,
        db.name, source, slot, slot, dropOnReset, TestDatabase.HOST, TestDatabase.PORT, db.name, target));
    return file;
  }

  private static String[] run(Path config, String... flags) {
    List<String> args = new ArrayList<>(List.of("run", "--plugins", LaminarProcess.POSTGRES_PLUGIN.getParent().toString(),
        "-c", config.toString()));
    args.addAll(List.of(flags));
    return args.toArray(String[]::new);
  }

  /** The slot reached its consistent point and is streamed ({@link TestDatabase#slotCapturing}). */
  private static boolean slotCapturing(String slot) {
    try {
      return db.slotCapturing(slot);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean hasRow(String table, long id) {
    try {
      return db.count("SELECT count(*) FROM " + table + " WHERE id = " + id) > 0;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Two tables; a first run streams row 1 and stops cleanly; row 2 is inserted while it is down. */
  private void firstRunThenAChangeWhileDown(Path config, String source, String target, String slot) throws Exception {
    db.exec("CREATE TABLE " + source + " (id bigint PRIMARY KEY, qty int)",
        "CREATE TABLE " + target + " (id bigint PRIMARY KEY, qty int)");
    ServerProcess first = LaminarProcess.start(dir.resolve(slot + "-1"), run(config));
    first.await("slot " + slot + " capturing", 120, () -> slotCapturing(slot));
    db.exec("INSERT INTO " + source + " VALUES (1, 10)");
    first.await("row 1 in " + target, 120, () -> hasRow(target, 1));
    assertEquals(0, first.stop(60), first.stderr());
    db.exec("INSERT INTO " + source + " VALUES (2, 20)");
  }

  @Test
  void withoutDropOnResetTheSlotIsKeptAndAResetSourceStillReadsTheChangesItHolds() throws Exception {
    String source = Fixtures.unique("orders");
    String target = Fixtures.unique("target");
    String slot = Fixtures.unique("keep");
    Path config = config(source, target, slot, false);
    firstRunThenAChangeWhileDown(config, source, target, slot);

    ServerProcess again = LaminarProcess.start(dir.resolve(slot + "-2"), run(config, "--reset-source", "orders"));
    again.await("row 2, made while the server was down, in " + target, 120, () -> hasRow(target, 2));
    db.exec("INSERT INTO " + source + " VALUES (3, 30)");
    again.await("row 3 in " + target, 120, () -> hasRow(target, 3));
    assertEquals(0, again.stop(60), again.stderr());
    assertTrue(again.stderr().contains("replication slot " + slot + " already exists but there is no checkpoint"),
        again.stderr());
    assertFalse(again.stderr().contains("dropped replication slot"), again.stderr());
  }

  @Test
  void withDropOnResetAResetStateDropsAndRecreatesTheSlotSoOnlyNewChangesAreRead() throws Exception {
    String source = Fixtures.unique("orders");
    String target = Fixtures.unique("target");
    String slot = Fixtures.unique("drop");
    Path config = config(source, target, slot, true);
    firstRunThenAChangeWhileDown(config, source, target, slot);

    ServerProcess again = LaminarProcess.start(dir.resolve(slot + "-2"), run(config, "--reset-state"));
    again.await("the slot dropped and created again", 120,
        () -> again.stderr().contains("dropped replication slot " + slot) && slotCapturing(slot));
    db.exec("INSERT INTO " + source + " VALUES (3, 30)");
    again.await("row 3 in " + target, 120, () -> hasRow(target, 3));
    assertEquals(0, again.stop(60), again.stderr());
    // row 2 was committed before the new slot existed, and snapshot.mode = never reads no table
    assertEquals(List.of(List.of("1", "10"), List.of("3", "30")), db.query("SELECT id, qty FROM " + target + " ORDER BY id"));
  }

  @Test
  void aRestartWithItsCheckpointKeepsTheSlotEvenWithDropOnReset() throws Exception {
    String source = Fixtures.unique("orders");
    String target = Fixtures.unique("target");
    String slot = Fixtures.unique("resume");
    Path config = config(source, target, slot, true);
    firstRunThenAChangeWhileDown(config, source, target, slot);

    ServerProcess again = LaminarProcess.start(dir.resolve(slot + "-2"), run(config));
    again.await("row 2, made while the server was down, in " + target, 120, () -> hasRow(target, 2));
    assertEquals(0, again.stop(60), again.stderr());
    assertTrue(again.stderr().contains("resuming change data capture"), again.stderr());
    assertFalse(again.stderr().contains("dropped replication slot"), again.stderr());
  }
}
