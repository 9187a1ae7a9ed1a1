package io.laminar.postgres;

import static io.laminar.postgres.Fixtures.BIGINT;
import static io.laminar.postgres.Fixtures.DOUBLE;
import static io.laminar.postgres.Fixtures.VARCHAR;
import static io.laminar.postgres.Fixtures.col;

import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.SinkFactory;
import io.laminar.testkit.conformance.SinkConformance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The sink suite against the real PostgreSQL: exactly-once appends (PREPARE TRANSACTION per epoch)
 * into a table without a key, so a repeated row is visible; read back with a plain query.
 */
class PostgresSinkConformanceTest extends SinkConformance {
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

  @BeforeEach
  void createTable() throws Exception {
    table = Fixtures.unique("sink");
    db.exec("CREATE TABLE " + table + " (id bigint NOT NULL, name text, score float8)");
  }

  @Override
  protected SinkFactory factory() {
    return new PostgresSinkFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    Map<String, Object> p = new HashMap<>(db.connection());
    p.put("table", table);
    return p;
  }

  @Override
  protected Schema schema() {
    return Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("score", DOUBLE));
  }

  @Override
  protected DeliveryGuarantee delivery() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }

  @Override
  protected List<Long> readBack() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (List<String> row : db.query("SELECT id FROM " + table)) {
      ids.add(Long.parseLong(row.get(0)));
    }
    return ids;
  }
}
