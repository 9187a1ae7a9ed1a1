package io.laminar.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The binlog requirements, fed the variables a server reports. The shared server runs with the
 * binlog on in ROW format (.ci/run), so the failing cases are the same check given the variables
 * of a server that is set up otherwise, and the passing case is the real server's own.
 */
class BinlogCheckTest {
  private static final String TARGET = "db.example:3306";

  private static Map<String, String> vars(String logBin, String format, String image) {
    Map<String, String> v = new HashMap<>();
    v.put("log_bin", logBin);
    v.put("binlog_format", format);
    v.put("binlog_row_image", image);
    v.put("server_id", "1");
    return v;
  }

  @Test
  void theRealServerPasses() throws Exception {
    try (Connection c = TestDatabase.admin()) {
      assertNull(BinlogCheck.binlogProblem(BinlogCheck.globalVariables(c), Flavor.MARIADB, "127.0.0.1:3306"));
    }
  }

  @Test
  void binlogOffSaysHowToTurnItOn() {
    String m = BinlogCheck.binlogProblem(vars("OFF", "MIXED", "FULL"), Flavor.MARIADB, TARGET);
    assertTrue(m.startsWith("MariaDB at db.example:3306: the binary log is off (log_bin = OFF)"), m);
    assertTrue(m.contains("under [mariadbd]") && m.contains("binlog_format = ROW") && m.contains("binlog_row_image = FULL")
        && m.contains("then restart the server"), m);
    String mysql = BinlogCheck.binlogProblem(vars("OFF", "ROW", "FULL"), Flavor.MYSQL, TARGET);
    assertTrue(mysql.startsWith("MySQL at db.example:3306") && mysql.contains("under [mysqld]"), mysql);
  }

  @Test
  void aFormatOtherThanRowOrAPartialRowImageIsNamedWithTheFix() {
    String m = BinlogCheck.binlogProblem(vars("ON", "MIXED", "MINIMAL"), Flavor.MARIADB, TARGET);
    assertTrue(m.contains("binlog_format = MIXED, binlog_row_image = MINIMAL"), m);
    assertTrue(m.contains("SET GLOBAL binlog_format = 'ROW'; SET GLOBAL binlog_row_image = 'FULL';"), m);
    Map<String, String> noId = vars("ON", "ROW", "FULL");
    noId.put("server_id", "0");
    assertTrue(BinlogCheck.binlogProblem(noId, Flavor.MYSQL, TARGET).contains("server_id = 0"));
    assertNull(BinlogCheck.binlogProblem(vars("1", "row", "full"), Flavor.MYSQL, TARGET));
  }

  @Test
  void aServerSwitchedToStatementFormatIsRefused() throws Exception {
    // A session's binlog_format is observable without touching the shared server's global setting:
    // the check applied to a session switched to STATEMENT refuses it.
    try (Connection c = TestDatabase.admin(); Statement st = c.createStatement()) {
      st.execute("SET SESSION binlog_format = 'STATEMENT'");
      Map<String, String> session = new HashMap<>();
      try (var rs = st.executeQuery("SHOW SESSION VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format',"
          + " 'binlog_row_image', 'server_id')")) {
        while (rs.next()) {
          session.put(rs.getString(1), rs.getString(2));
        }
      }
      assertEquals("STATEMENT", session.get("binlog_format"));
      String m = BinlogCheck.binlogProblem(session, Flavor.MARIADB, "127.0.0.1:3306");
      assertTrue(m != null && m.contains("binlog_format = STATEMENT") && m.contains("binlog_format = ROW"), m);
    }
  }
}
