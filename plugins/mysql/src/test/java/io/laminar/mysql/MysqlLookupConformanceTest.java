package io.laminar.mysql;

import static io.laminar.mysql.Fixtures.BIGINT;
import static io.laminar.mysql.Fixtures.BOOLEAN;
import static io.laminar.mysql.Fixtures.DOUBLE;
import static io.laminar.mysql.Fixtures.INT;
import static io.laminar.mysql.Fixtures.VARCHAR;
import static io.laminar.mysql.Fixtures.col;

import io.laminar.api.LookupFactory;
import io.laminar.testkit.conformance.LookupConformance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The lookup suite against the real MariaDB: a keyed table, one query per key batch. */
class MysqlLookupConformanceTest extends LookupConformance {
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
    table = Fixtures.unique("lookup");
    db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text, qty int, price double, flag boolean)");
  }

  @Override
  protected LookupFactory factory() {
    return new MysqlLookupFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    Map<String, Object> p = new HashMap<>(db.connection());
    p.put("table", table);
    return p;
  }

  @Override
  protected Schema schema() {
    return Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("qty", INT), col("price", DOUBLE),
        col("flag", BOOLEAN));
  }

  @Override
  protected List<String> primaryKey() {
    return List.of("id");
  }

  @Override
  protected void store(List<Map<String, Object>> rows) throws Exception {
    try (Connection c = db.connect();
        PreparedStatement st = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)")) {
      for (Map<String, Object> row : rows) {
        st.setLong(1, (Long) row.get("id"));
        st.setString(2, (String) row.get("name"));
        st.setInt(3, ((Long) row.get("qty")).intValue());
        st.setDouble(4, (Double) row.get("price"));
        st.setBoolean(5, (Boolean) row.get("flag"));
        st.addBatch();
      }
      st.executeBatch();
    }
  }
}
