package io.laminar.postgres;

import static io.laminar.postgres.Fixtures.BIGINT;
import static io.laminar.postgres.Fixtures.DOUBLE;
import static io.laminar.postgres.Fixtures.INT;
import static io.laminar.postgres.Fixtures.VARCHAR;
import static io.laminar.postgres.Fixtures.col;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.LookupSource;
import io.laminar.api.RowKind;
import io.laminar.api.Sink;
import io.laminar.api.Source;
import io.laminar.testkit.TestConnectorContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
 * Throughput harness (not a test) against the real server: {@code postgres_cdc} snapshot rows/s and
 * streaming changes/s (source alone, polled in a loop), sink rows/s for append (COPY) and upsert,
 * and lookup rows/s (connector alone, no host cache; distinct keys per batch). Run with the test
 * class path and {@code --add-opens=java.base/java.nio=ALL-UNNAMED}; argument: rows (default 200000).
 */
public final class PostgresThroughput {
  private static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT), col("qty", INT), col("price", DOUBLE),
      col("note", VARCHAR));
  private static final int BATCH = 5000;

  private PostgresThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    try (TestDatabase db = TestDatabase.create(); BufferAllocator allocator = new RootAllocator()) {
      db.exec("CREATE TABLE src (id bigint PRIMARY KEY, qty int, price float8, note text)",
          "INSERT INTO src SELECT g, g % 100, g * 0.25, 'row ' || g FROM generate_series(1, " + rows + ") g",
          "CREATE TABLE dst (id bigint PRIMARY KEY, qty int, price float8, note text)");
      source(db, allocator, rows);
      debeziumAlone(db, 2 * rows, rows);
      db.exec("TRUNCATE dst");
      rawCopy(db, rows);
      db.exec("TRUNCATE dst");
      rawUpsert(db, rows);
      rawUpsert(db, rows); // every row conflicts
      db.exec("TRUNCATE dst");
      sink(db, allocator, rows, "append");
      db.exec("TRUNCATE dst");
      sink(db, allocator, rows, "upsert");
      sink(db, allocator, rows, "upsert"); // every row now conflicts: the update path
      lookup(db, allocator, rows);
    }
  }

  private static Map<String, Object> props(TestDatabase db, Map<String, Object> extra) {
    Map<String, Object> p = new HashMap<>(db.connection());
    p.putAll(extra);
    return p;
  }

  private static void source(TestDatabase db, BufferAllocator allocator, int rows) throws Exception {
    String slot = Fixtures.unique("bench");
    try (Source s = new PostgresCdcSourceFactory().create(TestConnectorContext.builder("bench", ConnectorKind.SOURCE)
        .properties(props(db, Map.of("table", "public.src", "slot.name", slot, "publication", slot)))
        .schema(SCHEMA).allocator(allocator).build())) {
      s.open(null);
      long t0 = System.nanoTime();
      long n = drain(s, rows);
      double snapshot = (System.nanoTime() - t0) / 1e9;
      System.out.printf("postgres_cdc snapshot: %d rows in %.2f s = %.0f rows/s (from open, engine start included)%n",
          n, snapshot, n / snapshot);
      db.exec("INSERT INTO src SELECT g, 1, 1.0, 'new' FROM generate_series(" + (rows + 1) + ", " + (2 * rows) + ") g");
      long t1 = System.nanoTime();
      n = drain(s, rows);
      double streaming = (System.nanoTime() - t1) / 1e9;
      System.out.printf("postgres_cdc streaming: %d changes in %.2f s = %.0f changes/s (one %d-row transaction)%n",
          n, streaming, n / streaming, rows);
    }
  }

  /**
   * Debezium's embedded engine alone on the same table (now 2 x rows): the same connector settings,
   * a handler that only counts change records (Connect SourceRecord format, no conversion).
   */
  private static void debeziumAlone(TestDatabase db, int snapshotRows, int changes) throws Exception {
    String slot = Fixtures.unique("bench_dbz");
    java.util.Properties p = new java.util.Properties();
    p.setProperty("name", "bench-" + slot);
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    p.setProperty("offset.flush.interval.ms", "0");
    p.setProperty("database.hostname", TestDatabase.HOST);
    p.setProperty("database.port", Integer.toString(TestDatabase.PORT));
    p.setProperty("database.user", TestDatabase.USER);
    p.setProperty("database.dbname", db.name);
    p.setProperty("topic.prefix", "bench");
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", slot);
    p.setProperty("publication.name", slot);
    p.setProperty("publication.autocreate.mode", "filtered");
    p.setProperty("table.include.list", "public\\.src");
    p.setProperty("decimal.handling.mode", "double");
    p.setProperty("max.batch.size", "4096");
    p.setProperty("max.queue.size", "16384");
    java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong();
    try (io.debezium.engine.DebeziumEngine<io.debezium.engine.ChangeEvent<org.apache.kafka.connect.source.SourceRecord,
        org.apache.kafka.connect.source.SourceRecord>> engine = io.debezium.engine.DebeziumEngine
            .create(io.debezium.embedded.Connect.class).using(p).notifying((records, committer) -> {
              for (var r : records) {
                if (r.value().value() instanceof org.apache.kafka.connect.data.Struct v && v.schema().field("op") != null) {
                  n.incrementAndGet();
                }
                committer.markProcessed(r);
              }
              committer.markBatchFinished();
            }).build()) {
      java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
      long t0 = System.nanoTime();
      runner.execute(engine);
      awaitCount(n, snapshotRows);
      double snapshot = (System.nanoTime() - t0) / 1e9;
      System.out.printf("Debezium alone, snapshot: %d rows in %.2f s = %.0f rows/s (from engine start)%n", snapshotRows,
          snapshot, snapshotRows / snapshot);
      db.exec("INSERT INTO src SELECT g, 1, 1.0, 'new' FROM generate_series(" + (snapshotRows + 1) + ", "
          + (snapshotRows + changes) + ") g");
      long t1 = System.nanoTime();
      awaitCount(n, snapshotRows + changes);
      double streaming = (System.nanoTime() - t1) / 1e9;
      System.out.printf("Debezium alone, streaming: %d changes in %.2f s = %.0f changes/s (one %d-row transaction)%n",
          changes, streaming, changes / streaming, changes);
      runner.shutdown();
    }
    db.exec("SELECT pg_drop_replication_slot('" + slot + "') FROM pg_replication_slots WHERE slot_name = '" + slot
        + "' AND NOT active");
  }

  private static void awaitCount(java.util.concurrent.atomic.AtomicLong n, long wanted) throws InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (n.get() < wanted) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + n.get() + " of " + wanted + " records");
      }
      Thread.sleep(5); // a harness waiting on another thread's count, not a test
    }
  }

  /** pgjdbc alone: COPY ... FROM STDIN (text) of the same rows, one stream. */
  private static void rawCopy(TestDatabase db, int rows) throws Exception {
    try (java.sql.Connection c = db.connect()) {
      long t0 = System.nanoTime();
      org.postgresql.copy.CopyIn in = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
          .copyIn("COPY dst (id, qty, price, note) FROM STDIN");
      StringBuilder b = new StringBuilder();
      for (long id = 1; id <= rows; id++) {
        b.append(id).append('\t').append(id % 100).append('\t').append(id * 0.5).append("\tnote ").append(id).append('\n');
        if (b.length() > 1 << 16) {
          byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
          in.writeToCopy(bytes, 0, bytes.length);
          b.setLength(0);
        }
      }
      byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
      in.writeToCopy(bytes, 0, bytes.length);
      in.endCopy();
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("pgjdbc alone, COPY: %d rows in %.2f s = %.0f rows/s%n", rows, seconds, rows / seconds);
    }
  }

  /** pgjdbc alone: INSERT ... ON CONFLICT DO UPDATE in batches of 5000 (reWriteBatchedInserts). */
  private static void rawUpsert(TestDatabase db, int rows) throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", TestDatabase.USER);
    p.setProperty("reWriteBatchedInserts", "true");
    try (java.sql.Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://" + TestDatabase.HOST + ":"
        + TestDatabase.PORT + "/" + db.name, p)) {
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      try (java.sql.PreparedStatement st = c.prepareStatement("INSERT INTO dst (id, qty, price, note) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty, price = EXCLUDED.price, note = EXCLUDED.note")) {
        for (long id = 1; id <= rows; id++) {
          st.setLong(1, id);
          st.setInt(2, (int) (id % 100));
          st.setDouble(3, id * 0.5);
          st.setString(4, "note " + id);
          st.addBatch();
          if (id % BATCH == 0) {
            st.executeBatch();
          }
        }
        st.executeBatch();
      }
      c.commit();
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("pgjdbc alone, upsert batches of %d: %d rows in %.2f s = %.0f rows/s%n", BATCH, rows, seconds,
          rows / seconds);
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
    try (Sink s = new PostgresSinkFactory().create(TestConnectorContext.builder("bench_" + mode, ConnectorKind.SINK)
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
      System.out.printf("postgres sink %s: %d rows in %.2f s = %.0f rows/s%n", mode, rows, seconds, rows / seconds);
    }
    db.exec("DELETE FROM laminar_sink_epochs");
  }

  private static void lookup(TestDatabase db, BufferAllocator allocator, int rows) throws Exception {
    Schema keySchema = Fixtures.schema(col("id", BIGINT));
    try (LookupSource l = new PostgresLookupFactory().create(TestConnectorContext.builder("bench", ConnectorKind.LOOKUP)
        .properties(props(db, Map.of("table", "public.src"))).schema(SCHEMA).primaryKey(List.of("id"))
        .allocator(allocator).build())) {
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
      System.out.printf("postgres lookup: %d keys (%d found) in batches of 1000 in %.2f s = %.0f keys/s%n", rows,
          found, seconds, rows / seconds);
    }
  }
}
