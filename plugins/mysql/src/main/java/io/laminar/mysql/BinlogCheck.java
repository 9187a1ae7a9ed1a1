package io.laminar.mysql;

import io.laminar.api.ConnectorException;
import io.laminar.api.SchemaMismatchException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What {@code mysql_cdc} needs from the server before it starts, each failure saying how to fix it:
 * a connection, the binlog on in ROW format with full row images, the privileges to read it, and
 * the table with columns matching the configured schema. {@link #binlogProblem} is the server
 * variables part alone, so it can be tested against any set of variables.
 */
final class BinlogCheck {
  private BinlogCheck() {
  }

  /** The server's flavor (configured, or detected from its version) after the checks passed. */
  static Flavor run(CdcSettings s, Schema schema) throws ConnectorException {
    MysqlConnectionSettings c = s.connection();
    try (Connection conn = c.connect("laminar-check")) {
      Flavor flavor = s.flavor().orElse(Flavor.detect(single(conn, "SELECT VERSION()")));
      String problem = binlogProblem(globalVariables(conn), flavor, c.target());
      if (problem != null) {
        throw new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, null, problem, null);
      }
      checkReplicationPrivileges(conn, c, flavor);
      Map<String, MysqlColumn> columns = s.table().columns(conn).orElseThrow(() -> new ConnectorException(
          ConnectorException.Kind.INVALID_PROPERTY, CdcSettings.TABLE, "table " + s.table().display()
              + " does not exist on " + c.target(), null));
      List<SchemaMismatchException.Problem> problems =
          SchemaCheck.forReading(schema, s.table(), columns, s.numericAsDouble(), true);
      if (!problems.isEmpty()) {
        throw new SchemaMismatchException(problems);
      }
      return flavor;
    } catch (SQLException e) {
      throw c.failure(e);
    }
  }

  static Map<String, String> globalVariables(Connection conn) throws SQLException {
    Map<String, String> vars = new HashMap<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE"
        + " Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image', 'server_id')")) {
      while (rs.next()) {
        vars.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
      }
    }
    return vars;
  }

  /**
   * Why the server's binlog cannot feed change data capture, with the settings that fix it, or null
   * when it can: {@code log_bin = ON}, {@code binlog_format = ROW}, {@code binlog_row_image = FULL}
   * and a non-zero {@code server_id}.
   */
  static String binlogProblem(Map<String, String> vars, Flavor flavor, String target) {
    String logBin = vars.getOrDefault("log_bin", "OFF");
    String format = vars.getOrDefault("binlog_format", "");
    String image = vars.getOrDefault("binlog_row_image", "FULL");
    String serverId = vars.getOrDefault("server_id", "0");
    StringBuilder wrong = new StringBuilder();
    if (!logBin.equalsIgnoreCase("ON") && !logBin.equals("1")) {
      wrong.append("the binary log is off (log_bin = ").append(logBin).append(')');
    } else {
      if (!format.equalsIgnoreCase("ROW")) {
        wrong.append("binlog_format = ").append(format);
      }
      if (!image.equalsIgnoreCase("FULL")) {
        wrong.append(wrong.length() == 0 ? "" : ", ").append("binlog_row_image = ").append(image);
      }
      if (serverId.equals("0")) {
        wrong.append(wrong.length() == 0 ? "" : ", ").append("server_id = 0");
      }
    }
    if (wrong.length() == 0) {
      return null;
    }
    String section = flavor == Flavor.MARIADB ? "[mariadbd]" : "[mysqld]";
    return flavor.display() + " at " + target + ": " + wrong + "; change data capture reads the binary log in ROW"
        + " format with full row images. Add to the server's configuration, under " + section + ":"
        + " log_bin = ON (MySQL) or log_bin = <basename> (MariaDB), binlog_format = ROW, binlog_row_image = FULL,"
        + " server_id = 1 (any non-zero id), then restart the server"
        + (logBin.equalsIgnoreCase("ON") || logBin.equals("1")
            ? " (or, without a restart: SET GLOBAL binlog_format = 'ROW'; SET GLOBAL binlog_row_image = 'FULL';)"
            : "");
  }

  /** Reading the binlog needs REPLICATION SLAVE and REPLICATION CLIENT (MariaDB: BINLOG MONITOR). */
  private static void checkReplicationPrivileges(Connection conn, MysqlConnectionSettings c, Flavor flavor)
      throws SQLException, ConnectorException {
    StringBuilder grants = new StringBuilder();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
      while (rs.next()) {
        grants.append(rs.getString(1).toUpperCase(Locale.ROOT)).append('\n');
      }
    }
    String g = grants.toString();
    boolean all = g.contains("GRANT ALL PRIVILEGES ON *.*");
    boolean slave = all || g.contains("REPLICATION SLAVE") || g.contains("REPLICATION REPLICA");
    boolean client = all || g.contains("REPLICATION CLIENT") || g.contains("BINLOG MONITOR") || g.contains("SUPER");
    if (!slave || !client) {
      String grant = flavor == Flavor.MARIADB ? "REPLICATION SLAVE, BINLOG MONITOR, SELECT, RELOAD"
          : "REPLICATION SLAVE, REPLICATION CLIENT, SELECT, RELOAD";
      throw new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, MysqlConnectionSettings.USERNAME,
          "user '" + c.username() + "' on " + c.target() + " may not read the binary log: run GRANT " + grant
              + " ON *.* TO '" + c.username().replace("'", "''") + "'@'%';", null);
    }
  }

  static String single(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
