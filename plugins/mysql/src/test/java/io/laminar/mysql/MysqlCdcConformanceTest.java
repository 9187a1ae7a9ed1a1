package io.laminar.mysql;

import static io.laminar.mysql.Fixtures.BIGINT;
import static io.laminar.mysql.Fixtures.VARCHAR;
import static io.laminar.mysql.Fixtures.col;

import io.laminar.api.SourceFactory;
import io.laminar.testkit.conformance.SourceConformance;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The source suite over mysql_cdc against the real MariaDB: every fresh start gets a new table
 * holding the same rows, read by the initial snapshot.
 *
 * <p>mysql_cdc is at-least-once across a restore during its initial snapshot: Debezium's MySQL
 * connector reads the whole table again when it restarts from an offset taken mid-snapshot (the suite
 * showed every row of the first part repeated), so {@link #restoreMayRepeat()} is true here and the
 * restore trials check that nothing is lost.
 */
class MysqlCdcConformanceTest extends SourceConformance {
  private static final int ROWS = 120;
  private static TestDatabase db;
  private String table;

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
    table = Fixtures.unique("cdc");
    StringBuilder insert = new StringBuilder("INSERT INTO " + table + " VALUES ");
    for (int i = 0; i < ROWS; i++) {
      insert.append(i == 0 ? "" : ",").append("(").append(i).append(", 'v").append(i).append("')");
    }
    db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text)", insert.toString());
  }

  @Override
  protected SourceFactory factory() {
    return new MysqlCdcSourceFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    Map<String, Object> p = new HashMap<>(db.connection());
    p.put("table", table);
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
  protected boolean restoreMayRepeat() {
    return true;
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
