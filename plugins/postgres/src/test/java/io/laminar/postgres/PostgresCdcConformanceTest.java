package io.laminar.postgres;

import static io.laminar.postgres.Fixtures.BIGINT;
import static io.laminar.postgres.Fixtures.VARCHAR;
import static io.laminar.postgres.Fixtures.col;

import io.laminar.api.SourceFactory;
import io.laminar.testkit.conformance.SourceConformance;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The source suite over postgres_cdc against the real PostgreSQL, in its streaming phase: every
 * fresh start gets a new table, publication and replication slot (made before the rows are
 * inserted, snapshot.mode = never), so the rows arrive as streamed inserts and every restore
 * resumes inside the WAL.
 */
class PostgresCdcConformanceTest extends SourceConformance {
  private static final int ROWS = 120;
  private static TestDatabase db;
  String table;
  String slot;

  @BeforeAll
  static void database() throws Exception {
    db = TestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    db.close();
  }

  @Override
  protected void freshStart() throws Exception {
    dropSlot();
    table = Fixtures.unique("cdc");
    slot = Fixtures.unique("slot");
    db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text)",
        "CREATE PUBLICATION " + slot + " FOR TABLE " + table,
        "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')",
        "INSERT INTO " + table + " SELECT g, 'v' || g FROM generate_series(0, " + (ROWS - 1) + ") g");
  }

  @AfterEach
  void dropSlot() throws Exception {
    if (slot != null) {
      db.exec("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
          + "' AND NOT active");
    }
  }

  @Override
  protected SourceFactory factory() {
    return new PostgresCdcSourceFactory();
  }

  /** Runs statements on the test's database. */
  static void exec(String... sql) throws Exception {
    db.exec(sql);
  }

  /** The snapshot mode the instances use. */
  String snapshotMode() {
    return "never";
  }

  @Override
  protected Map<String, Object> properties() {
    Map<String, Object> p = new HashMap<>(db.connection());
    p.put("table", "public." + table);
    p.put("slot.name", slot);
    p.put("publication", slot);
    p.put("snapshot.mode", snapshotMode());
    return p;
  }

  @Override
  protected Schema schema() {
    return Fixtures.schema(col("id", BIGINT), col("name", VARCHAR));
  }

  @Override
  protected int expectedRows() {
    return ROWS;
  }

  @Override
  protected boolean bounded() {
    return false;
  }

  @Override
  protected int restoreTrials() {
    return 2;
  }

  @Override
  protected int stopsPerTrial() {
    return 3;
  }

  @Override
  protected Duration readTimeout() {
    return Duration.ofSeconds(90);
  }

  @Override
  protected Duration quietPeriod() {
    return Duration.ofSeconds(2);
  }
}
