package io.laminar.iceberg;

import static io.laminar.iceberg.Fixtures.Change.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.Sink;
import io.laminar.api.Secret;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink on a JDBC catalog in a PostgreSQL database of its own: a commit that keeps conflicting
 * (a trigger makes every catalog update miss, as if another writer always got there first) is retried
 * by Iceberg and then fails with a message naming the table, the epoch and the retries; the epoch
 * stays prepared, and the next start commits it once the conflict is gone.
 */
class IcebergJdbcCatalogTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  private String db;

  @BeforeEach
  void setUp() throws Exception {
    allocator = new RootAllocator();
    db = Fixtures.unique("iceberg_conflict");
    exec("postgres", "CREATE DATABASE " + db);
  }

  @AfterEach
  void tearDown() throws Exception {
    exec("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private static void exec(String database, String... sql) throws Exception {
    try (Connection c = DriverManager.getConnection(IcebergEngineTest.PG + database, "postgres", "");
        Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private Sink sink() throws ConnectorException {
    Map<String, Object> p = Fixtures.hadoopProps(dir.resolve("warehouse"), "conflict");
    p.put("catalog.type", "jdbc");
    p.put("catalog.uri", IcebergEngineTest.PG + db);
    p.put("catalog.user", "postgres");
    p.put("catalog.password", new Secret("ignored-by-trust"));
    return new IcebergSinkFactory().create(Fixtures.context("out", allocator, dir.resolve("state"), p));
  }

  private void write(Sink sink, List<Fixtures.Change> changes) throws ConnectorException {
    try (Batch b = Fixtures.batch(allocator, changes)) {
      sink.write(b);
    }
  }

  @Test
  void aCommitThatKeepsConflictingFailsClearlyAfterIcebergsRetriesAndIsCommittedByTheNextStart() throws Exception {
    Sink sink = sink();
    sink.open(0);
    write(sink, List.of(of("+I", 1, "a", 0)));
    sink.prepareCommit(1);
    sink.commit(1);
    exec(db, "CREATE FUNCTION lose_the_race() RETURNS trigger AS $$ BEGIN RETURN NULL; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER lose_the_race BEFORE UPDATE ON iceberg_tables FOR EACH ROW EXECUTE FUNCTION lose_the_race()");
    write(sink, List.of(of("+I", 2, "b", 0)));
    sink.prepareCommit(2);
    ConnectorException e = assertThrows(ConnectorException.class, () -> sink.commit(2));
    assertTrue(e.getMessage().startsWith("committing epoch 2 to table db.conflict failed after Iceberg's 4 retries"
        + " (table property commit.retry.num-retries): other writers kept changing the table"), e.getMessage());
    assertTrue(e.getMessage().endsWith("The epoch stays prepared and the next start commits it"), e.getMessage());
    sink.close();

    exec(db, "DROP TRIGGER lose_the_race ON iceberg_tables");
    Sink again = sink();
    again.open(2);
    again.close();
    Catalog catalog = CatalogUtil.buildIcebergCatalog("laminar", Map.of("type", "jdbc", "uri", IcebergEngineTest.PG
        + db, "jdbc.user", "postgres", "warehouse", dir.resolve("warehouse").toUri().toString()),
        new org.apache.hadoop.conf.Configuration());
    try {
      var t = catalog.loadTable(TableIdentifier.of("db", "conflict"));
      assertEquals(2, Fixtures.read(t).size());
      assertEquals(List.of(1L, 2L), Fixtures.epochs(t));
    } finally {
      ((java.io.Closeable) catalog).close();
    }
  }
}
