package io.laminar.postgres;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Throughput harness (not a test) of the real server (a child JVM, as the ITs start it) with the
 * postgres plugin: lookup-join rows/s at cache hit ratios of about 0, 90 and 100 % (generator →
 * join → blackhole; the generator alone for reference), the initial snapshot end to end and
 * streaming changes/s end to end ({@code postgres_cdc} → {@code postgres} upsert sink, exactly
 * once). Times run from "engine started" to the end (bounded runs) or to the target holding every
 * row. Run by bench/run-postgres.sh; argument: rows (default 500000).
 */
public final class PostgresServerThroughput {
  private PostgresServerThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    Path dir = Files.createTempDirectory("laminar-pg-bench");
    try (TestDatabase db = TestDatabase.create()) {
      db.exec("CREATE TABLE names (k bigint PRIMARY KEY, name text)",
          "INSERT INTO names SELECT g, 'name ' || g FROM generate_series(0, " + (rows - 1) + ") g", "ANALYZE names");
      bounded(dir, "generator alone (no join)", generator(rows, rows - 1) + "\n[[pipeline]]\nname = \"p\"\n"
          + "sql = \"SELECT seq, k FROM events\"\n" + BLACKHOLE, rows);
      bounded(dir, "lookup join, cache off (hit ratio 0 %), keys 0.." + (rows - 1),
          generator(rows, rows - 1) + lookup(db, "") + JOIN + BLACKHOLE, rows);
      bounded(dir, "lookup join, cache on, keys 0.." + (rows / 10 - 1) + " (hit ratio ~90 %)",
          generator(rows, rows / 10 - 1) + lookup(db, "[lookup.cache]\nsize = " + rows + "\nttl = \"10m\"\n") + JOIN
              + BLACKHOLE, rows);
      bounded(dir, "lookup join, cache on, keys 0..99 (hit ratio ~100 %)",
          generator(rows, 99) + lookup(db, "[lookup.cache]\nsize = 1000\nttl = \"10m\"\n") + JOIN + BLACKHOLE, rows);
      cdc(dir, db, rows);
    }
  }

  private static final String BLACKHOLE = "\n[[sink]]\nname = \"out\"\npipeline = \"p\"\nconnector = \"blackhole\"\n";
  private static final String JOIN = "\n[[pipeline]]\nname = \"p\"\n"
      + "sql = \"SELECT e.seq, e.k, n.name FROM events e JOIN names n ON e.k = n.k\"\n";

  private static String generator(int rows, int maxKey) {
    return """
        [server]
        name = "bench"
        bind = "127.0.0.1:0"
        [checkpoint]
        path = "CHECKPOINTS"
        interval = "5s"

        [[source]]
        name = "events"
        connector = "generator"
        [source.properties]
        max_rows = %d
        "fields.seq.kind" = "sequence"
        "fields.k.min" = "0"
        "fields.k.max" = "%d"
        [[source.schema]]
        name = "seq"
        type = "BIGINT"
        [[source.schema]]
        name = "k"
        type = "BIGINT"
        """.formatted(rows, maxKey);
  }

  private static String lookup(TestDatabase db, String cache) {
    return """

        [[lookup]]
        name = "names"
        connector = "postgres"
        primary_key = ["k"]
        [lookup.properties]
        host = "%s"
        port = %d
        database = "%s"
        username = "postgres"
        "ssl.mode" = "disable"
        table = "public.names"
        %s
        [[lookup.schema]]
        name = "k"
        type = "BIGINT"
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"
        """.formatted(TestDatabase.HOST, TestDatabase.PORT, db.name, cache);
  }

  private static String[] run(Path config) {
    return new String[] {"run", "--plugins", LaminarProcess.POSTGRES_PLUGIN.getParent().toString(), "-c",
        config.toString()};
  }

  private static int n;

  private static Path write(Path dir, String config) throws Exception {
    Path file = dir.resolve("bench" + (++n) + ".toml");
    Files.writeString(file, config.replace("CHECKPOINTS", dir.resolve("cp" + n).toString()));
    return file;
  }

  private static void bounded(Path dir, String what, String config, int rows) throws Exception {
    Path file = write(dir, config);
    ServerProcess server = LaminarProcess.start(dir.resolve("logs" + n), run(file));
    server.await("engine started", 120, () -> server.stderr().contains("engine started"));
    long t0 = System.nanoTime();
    if (!server.waitFor(600)) {
      throw new IllegalStateException(what + " did not end:\n" + server.stderr());
    }
    double s = (System.nanoTime() - t0) / 1e9;
    if (server.exitValue() != 0) {
      throw new IllegalStateException(what + " failed:\n" + server.stderr());
    }
    System.out.printf("server, %s: %d rows in %.2f s = %.0f rows/s%n", what, rows, s, rows / s);
  }

  private static String cdcConfig(TestDatabase db, String source, String target, String slot, String mode) {
    return """
        [server]
        name = "bench"
        bind = "127.0.0.1:0"
        [checkpoint]
        path = "CHECKPOINTS"
        interval = "1s"

        [[source]]
        name = "orders"
        connector = "postgres_cdc"
        [source.properties]
        host = "%1$s"
        port = %2$d
        database = "%3$s"
        username = "postgres"
        "ssl.mode" = "disable"
        table = "public.%4$s"
        "slot.name" = "%6$s"
        publication = "%6$s"
        "snapshot.mode" = "%7$s"
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
        host = "%1$s"
        port = %2$d
        database = "%3$s"
        username = "postgres"
        "ssl.mode" = "disable"
        table = "public.%5$s"
        "write.mode" = "upsert"
        """.formatted(TestDatabase.HOST, TestDatabase.PORT, db.name, source, target, slot, mode);
  }

  private static long count(TestDatabase db, String table) {
    try {
      return db.count("SELECT count(*) FROM " + table);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void cdc(Path dir, TestDatabase db, int rows) throws Exception {
    // the initial snapshot, end to end into the upsert sink
    db.exec("CREATE TABLE snap (id bigint PRIMARY KEY, qty int, price float8, note text)",
        "CREATE TABLE snap_copy (id bigint PRIMARY KEY, qty int, price float8, note text)",
        "INSERT INTO snap SELECT g, g % 100, g * 0.25, 'row ' || g FROM generate_series(1, " + rows + ") g");
    ServerProcess snapshot = LaminarProcess.start(dir.resolve("snap"), run(write(dir, cdcConfig(db, "snap",
        "snap_copy", "bench_snap", "initial"))));
    snapshot.await("engine started", 120, () -> snapshot.stderr().contains("engine started"));
    long t0 = System.nanoTime();
    snapshot.await("the snapshot in the target", 600, () -> count(db, "snap_copy") >= rows);
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("server, postgres_cdc snapshot -> postgres upsert (exactly once): %d rows in %.2f s = %.0f rows/s"
        + " (engine start included)%n", rows, s, rows / s);
    snapshot.stop(60);

    // streaming: changes committed while running, end to end
    db.exec("CREATE TABLE live (id bigint PRIMARY KEY, qty int, price float8, note text)",
        "CREATE TABLE live_copy (id bigint PRIMARY KEY, qty int, price float8, note text)");
    ServerProcess streaming = LaminarProcess.start(dir.resolve("live"), run(write(dir, cdcConfig(db, "live",
        "live_copy", "bench_live", "never"))));
    streaming.await("slot streaming", 120, () -> {
      try {
        return db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'bench_live' AND active") > 0;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long t1 = System.nanoTime();
    // inserts in transactions of 1000 rows, then an update of every row: 2 * rows changes
    for (int from = 1; from <= rows; from += 1000) {
      db.exec("INSERT INTO live SELECT g, g % 100, g * 0.25, 'row ' || g FROM generate_series(" + from + ", "
          + Math.min(rows, from + 999) + ") g");
    }
    double committed = (System.nanoTime() - t1) / 1e9;
    for (int from = 1; from <= rows; from += 1000) {
      db.exec("UPDATE live SET qty = qty + 1000 WHERE id BETWEEN " + from + " AND " + (from + 999));
    }
    double committedAll = (System.nanoTime() - t1) / 1e9;
    streaming.await("every change in the target", 900, () -> {
      try {
        return db.count("SELECT count(*) FROM live_copy WHERE qty >= 1000") >= rows;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    double e2e = (System.nanoTime() - t1) / 1e9;
    System.out.printf("server, postgres_cdc streaming -> postgres upsert (exactly once): %d changes in %.2f s = %.0f"
        + " changes/s end to end (the changes took %.2f s to commit: %.0f/s; inserts alone %.2f s)%n", 2L * rows, e2e,
        2L * rows / e2e, committedAll, 2L * rows / committedAll, committed);
    streaming.stop(60);
  }
}
