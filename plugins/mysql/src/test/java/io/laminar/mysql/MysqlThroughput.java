package io.laminar.mysql;

import static io.laminar.mysql.Fixtures.BIGINT;
import static io.laminar.mysql.Fixtures.DOUBLE;
import static io.laminar.mysql.Fixtures.INT;
import static io.laminar.mysql.Fixtures.VARCHAR;
import static io.laminar.mysql.Fixtures.col;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowKind;
import io.laminar.api.Sink;
import io.laminar.api.Source;
import io.laminar.testkit.ServerProcess;
import io.laminar.testkit.TestConnectorContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Throughput harness (not a test) against the real MariaDB:
 * <ul>
 *   <li>{@code mysql_cdc} snapshot rows/s and binlog changes/s, the source alone polled in a loop;</li>
 *   <li>the same end to end: the real server ({@code laminar run}, child JVM) from {@code mysql_cdc}
 *       into the {@code mysql} upsert sink, timed until the target holds every row;</li>
 *   <li>sink rows/s for append and upsert (the sink alone, exactly-once, 5,000-row batches);</li>
 *   <li>lookup rows/s through the real server (generator → lookup join → blackhole) with the host
 *       cache at about 0, 90 and 100 % hits, against the same run without the join.</li>
 * </ul>
 * Run with the test class path, {@code --add-opens=java.base/java.nio=ALL-UNNAMED} and the system
 * property {@code laminar.mysqlPlugin}; argument: rows (default 200000).
 */
public final class MysqlThroughput {
  private static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT), col("qty", INT), col("price", DOUBLE),
      col("note", VARCHAR));
  private static final int BATCH = 5000;

  private MysqlThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Path work = Files.createTempDirectory("laminar-mysql-bench");
    try (TestDatabase db = TestDatabase.create(); BufferAllocator allocator = new RootAllocator()) {
      db.exec("CREATE TABLE src (id bigint PRIMARY KEY, qty int, price double, note text)",
          "INSERT INTO src SELECT seq, seq % 100, seq * 0.25, concat('row ', seq) FROM seq_1_to_" + rows,
          "CREATE TABLE dst (id bigint PRIMARY KEY, qty int, price double, note text)");
      debeziumAlone(db, rows);
      source(db, allocator, rows);
      lookupAlone(db, allocator, rows);
      sink(db, allocator, rows, "append");
      db.exec("TRUNCATE dst");
      sink(db, allocator, rows, "upsert");
      sink(db, allocator, rows, "upsert"); // every row now conflicts: the update path
      endToEnd(db, work, rows);
      lookups(db, work, Math.max(rows, 200_000) * 2);
    }
  }

  private static Map<String, Object> props(TestDatabase db, Map<String, Object> extra) {
    Map<String, Object> p = new HashMap<>(db.connection());
    p.putAll(extra);
    return p;
  }

  private static void source(TestDatabase db, BufferAllocator allocator, int rows) throws Exception {
    try (Source s = new MysqlCdcSourceFactory().create(TestConnectorContext.builder("bench", ConnectorKind.SOURCE)
        .properties(props(db, Map.of("table", "src"))).schema(SCHEMA).allocator(allocator).build())) {
      s.open(null);
      long t0 = System.nanoTime();
      long n = drain(s, rows);
      double snapshot = (System.nanoTime() - t0) / 1e9;
      System.out.printf("mysql_cdc snapshot (source alone): %d rows in %.2f s = %.0f rows/s (from open, engine start"
          + " included)%n", n, snapshot, n / snapshot);
      db.exec("INSERT INTO src SELECT seq, 1, 1.0, 'new' FROM seq_" + (rows + 1) + "_to_" + (2 * rows));
      long t1 = System.nanoTime();
      n = drain(s, rows);
      double streaming = (System.nanoTime() - t1) / 1e9;
      System.out.printf("mysql_cdc binlog (source alone): %d changes in %.2f s = %.0f changes/s (one %d-row"
          + " transaction, timed from its commit)%n", n, streaming, n / streaming, rows);
    }
    db.exec("DELETE FROM src WHERE id > " + rows);
  }

  /**
   * Debezium's MariaDB connector by itself on the same table, records only counted: the library's
   * own rate in this run, to compare the source with.
   */
  private static void debeziumAlone(TestDatabase db, int rows) throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("name", "bench-raw");
    p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    p.setProperty("offset.flush.interval.ms", "0");
    p.setProperty("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
    p.setProperty("database.hostname", TestDatabase.HOST);
    p.setProperty("database.port", Integer.toString(TestDatabase.PORT));
    p.setProperty("database.user", TestDatabase.USER);
    p.setProperty("database.password", "");
    p.setProperty("database.server.id", "987654");
    p.setProperty("database.ssl.mode", "disable");
    p.setProperty("topic.prefix", "raw");
    p.setProperty("database.include.list", db.name);
    p.setProperty("table.include.list", db.name + "\\.src");
    p.setProperty("decimal.handling.mode", "double");
    p.setProperty("time.precision.mode", "connect");
    p.setProperty("max.batch.size", "4096");
    p.setProperty("max.queue.size", "16384");
    java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
    try (io.debezium.engine.DebeziumEngine<?> engine = io.debezium.engine.DebeziumEngine
        .create(io.debezium.embedded.Connect.class).using(p)
        .notifying((records, committer) -> {
          seen.addAndGet(records.size());
          committer.markBatchFinished();
        }).build()) {
      java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
      long t0 = System.nanoTime();
      thread.execute(engine);
      while (seen.get() < rows) {
        Thread.onSpinWait();
      }
      double snapshot = (System.nanoTime() - t0) / 1e9;
      System.out.printf("Debezium alone snapshot: %d rows in %.2f s = %.0f rows/s (engine start included)%n", rows,
          snapshot, rows / snapshot);
      long before = seen.get();
      db.exec("INSERT INTO src SELECT seq, 1, 1.0, 'new' FROM seq_" + (rows + 1) + "_to_" + (2 * rows));
      long t1 = System.nanoTime();
      while (seen.get() < before + rows) {
        Thread.onSpinWait();
      }
      double binlog = (System.nanoTime() - t1) / 1e9;
      System.out.printf("Debezium alone binlog: %d changes in %.2f s = %.0f changes/s%n", rows, binlog, rows / binlog);
      thread.shutdown();
    }
    db.exec("DELETE FROM src WHERE id > " + rows);
  }

  /** The lookup connector alone, no host cache: distinct keys, 1,000 per batch. */
  private static void lookupAlone(TestDatabase db, BufferAllocator allocator, int rows) throws Exception {
    Schema keySchema = Fixtures.schema(col("id", BIGINT));
    try (io.laminar.api.LookupSource l = new MysqlLookupFactory().create(TestConnectorContext.builder("bench",
        ConnectorKind.LOOKUP).properties(props(db, Map.of("table", "src"))).schema(SCHEMA)
        .primaryKey(java.util.List.of("id")).allocator(allocator).build())) {
      l.open();
      long t0 = System.nanoTime();
      long found = 0;
      for (int from = 1; from <= rows; from += 1000) {
        try (VectorSchemaRoot keys = VectorSchemaRoot.create(keySchema, allocator)) {
          keys.allocateNew();
          for (int i = 0; i < 1000; i++) {
            ((BigIntVector) keys.getVector(0)).setSafe(i, from + i);
          }
          keys.setRowCount(1000);
          try (VectorSchemaRoot r = l.lookup(keys)) {
            found += r.getRowCount();
          }
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("mysql lookup (connector alone, no cache): %d keys (%d found) in batches of 1000 in %.2f s"
          + " = %.0f keys/s%n", rows, found, seconds, rows / seconds);
    }
  }

  private static long drain(Source s, int rows) throws Exception {
    long n = 0;
    while (n < rows) {
      try (Batch b = s.poll(8192, Duration.ofSeconds(5))) {
        if (b != null) {
          n += b.rowCount();
        }
      }
    }
    return n;
  }

  private static Batch batch(BufferAllocator allocator, int from, int count) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    TinyIntVector kinds = new TinyIntVector("kind", allocator);
    kinds.allocateNew(count);
    for (int i = 0; i < count; i++) {
      long id = from + i;
      ((BigIntVector) root.getVector(0)).setSafe(i, id);
      ((IntVector) root.getVector(1)).setSafe(i, (int) (id % 100));
      ((Float8Vector) root.getVector(2)).setSafe(i, id * 0.5);
      ((VarCharVector) root.getVector(3)).setSafe(i, ("note " + id).getBytes(StandardCharsets.UTF_8));
      kinds.set(i, RowKind.INSERT.code());
    }
    kinds.setValueCount(count);
    root.setRowCount(count);
    return Batch.changelog(root, kinds);
  }

  private static void sink(TestDatabase db, BufferAllocator allocator, int rows, String mode) throws Exception {
    try (Sink s = new MysqlSinkFactory().create(TestConnectorContext.builder("bench_" + mode, ConnectorKind.SINK)
        .properties(props(db, Map.of("table", "dst", "write.mode", mode))).schema(SCHEMA)
        .delivery(DeliveryGuarantee.EXACTLY_ONCE).allocator(allocator).build())) {
      s.open(0);
      long t0 = System.nanoTime();
      long epoch = 1;
      for (int from = 1; from <= rows; from += BATCH) {
        try (Batch b = batch(allocator, from, Math.min(BATCH, rows - from + 1))) {
          s.write(b);
        }
        if ((from / BATCH) % 20 == 19) {
          s.prepareCommit(epoch);
          s.commit(epoch++);
        }
      }
      s.prepareCommit(epoch);
      s.commit(epoch);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("mysql sink %s (sink alone, exactly-once): %d rows in %.2f s = %.0f rows/s%n", mode, rows,
          seconds, rows / seconds);
    }
    db.exec("DELETE FROM laminar_sink_epochs");
  }

  /** mysql_cdc → mysql upsert sink through the real server: the snapshot, then one big transaction. */
  private static void endToEnd(TestDatabase db, Path work, int rows) throws Exception {
    db.exec("TRUNCATE dst");
    Path config = work.resolve("e2e.toml");
    Files.writeString(config, MysqlServerIT.config(db.name, "bench", work.resolve("cp"), "src", "dst"));
    long t0 = System.nanoTime();
    ServerProcess server = LaminarProcess.start(work.resolve("e2e"), "run", "--plugins",
        LaminarProcess.MYSQL_PLUGIN.getParent().toString(), "-c", config.toString());
    try {
      awaitCount(server, db, rows);
      double snapshot = (System.nanoTime() - t0) / 1e9;
      System.out.printf("end to end snapshot (laminar run: mysql_cdc -> mysql upsert, exactly-once): %d rows in %.2f s"
          + " = %.0f rows/s (JVM start included)%n", rows, snapshot, rows / snapshot);
      long t1 = System.nanoTime();
      db.exec("INSERT INTO src SELECT seq, 1, 1.0, 'new' FROM seq_" + (rows + 1) + "_to_" + (2 * rows));
      awaitCount(server, db, 2L * rows);
      double binlog = (System.nanoTime() - t1) / 1e9;
      System.out.printf("end to end binlog (laminar run: mysql_cdc -> mysql upsert, exactly-once): %d changes in %.2f s"
          + " = %.0f changes/s (one %d-row transaction, its commit included)%n", rows, binlog, rows / binlog, rows);
      server.stop(60);
    } finally {
      if (server.isAlive()) {
        server.kill();
      }
    }
  }

  private static void awaitCount(ServerProcess server, TestDatabase db, long n) throws InterruptedException {
    server.await(n + " rows in dst", 600, () -> {
      try {
        return db.count("SELECT count(*) FROM dst") >= n;
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /**
   * Generator → lookup join → blackhole; the cache holds every key, so its hit rate is
   * 1 - distinct keys / rows: sequence keys (0 %), 10 % as many keys as rows (90 %), 100 keys (~100 %).
   */
  private static void lookups(TestDatabase db, Path work, int rows) throws Exception {
    db.exec("CREATE TABLE names (k bigint PRIMARY KEY, name varchar(40))",
        "INSERT INTO names SELECT seq, concat('name ', seq) FROM seq_0_to_" + rows);
    double baseline = lookupRun(db, work, rows, "baseline", "", false);
    System.out.printf("lookup baseline (same generator -> blackhole, no join): %d rows in %.2f s (whole process)%n",
        rows, baseline);
    String[][] cases = {{"0", "\"fields.k.kind\" = \"sequence\""},
        {"90", "\"fields.k.min\" = \"0\"\n\"fields.k.max\" = \"" + (rows / 10 - 1) + "\""},
        {"100", "\"fields.k.min\" = \"0\"\n\"fields.k.max\" = \"99\""}};
    for (String[] c : cases) {
      double seconds = lookupRun(db, work, rows, "hit" + c[0], c[1], true);
      System.out.printf("mysql lookup, cache hit ~%s %%: %d rows in %.2f s whole process = %.0f rows/s; %.0f rows/s"
          + " over the no-join baseline%n", c[0], rows, seconds, rows / seconds, rows / Math.max(0.001, seconds - baseline));
    }
  }

  private static double lookupRun(TestDatabase db, Path work, int rows, String name, String keys, boolean join)
      throws Exception {
    String config = """
        [server]
        name = "lookup-bench"
        bind = "127.0.0.1:0"

        [[source]]
        name = "events"
        connector = "generator"
        [source.properties]
        max_rows = %d
        %s
        [[source.schema]]
        name = "k"
        type = "BIGINT"

        [[lookup]]
        name = "names"
        connector = "mysql"
        primary_key = ["k"]
        [lookup.properties]
        host = "%s"
        port = %d
        database = "%s"
        username = "root"
        "ssl.mode" = "disabled"
        table = "names"
        [lookup.cache]
        size = %d
        ttl = "600s"
        [[lookup.schema]]
        name = "k"
        type = "BIGINT"
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"

        [[pipeline]]
        name = "p"
        sql = "%s"

        [[sink]]
        name = "out"
        pipeline = "p"
        connector = "blackhole"
        """.formatted(rows, keys.isEmpty() ? "\"fields.k.kind\" = \"sequence\"" : keys, TestDatabase.HOST,
        TestDatabase.PORT, db.name, rows + 1, join ? "SELECT e.k, n.name FROM events e JOIN names n ON e.k = n.k"
            : "SELECT k FROM events");
    Path file = work.resolve(name + ".toml");
    Files.writeString(file, config);
    long t0 = System.nanoTime();
    ServerProcess.Result r = LaminarProcess.run(work.resolve(name), 900, "run", "--log-level", "warn", "--plugins",
        LaminarProcess.MYSQL_PLUGIN.getParent().toString(), "-c", file.toString());
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (r.exit() != 0) {
      throw new IllegalStateException("lookup run " + name + " failed: " + r.stderr());
    }
    return seconds;
  }
}
