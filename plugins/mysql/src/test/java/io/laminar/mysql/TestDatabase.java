package io.laminar.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A database of its own on the real MariaDB server (127.0.0.1:3306, user root, no password),
 * created for one test class and dropped afterwards.
 */
final class TestDatabase implements AutoCloseable {
  static final String HOST = System.getProperty("laminar.mysqlHost", "127.0.0.1");
  static final int PORT = Integer.getInteger("laminar.mysqlPort", 3306);
  static final String USER = "root";

  final String name;

  private TestDatabase(String name) {
    this.name = name;
  }

  static TestDatabase create() throws SQLException {
    String name = "laminar_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return new TestDatabase(name);
  }

  static String url(String database) {
    return "jdbc:mariadb://" + HOST + ":" + PORT + "/" + database + "?sslMode=disable&connectionTimeZone=UTC"
        + "&forceConnectionTimeZoneToSession=true";
  }

  static Connection admin() throws SQLException {
    return DriverManager.getConnection(url(""), USER, "");
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url(name), USER, "");
  }

  /** Runs statements in autocommit. */
  void exec(String... sql) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  /** The rows of a query, each as a list of strings. */
  List<List<String>> query(String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  long count(String sql) throws SQLException {
    return Long.parseLong(query(sql).get(0).get(0));
  }

  /** Connection properties for a connector pointing at this database. */
  Map<String, Object> connection() {
    return Map.of("host", HOST, "port", PORT, "database", name, "username", USER, "ssl.mode", "disabled");
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      // XA transactions a killed sink left prepared would hold locks on the tables
      List<String> xids = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("XA RECOVER")) {
        while (rs.next()) {
          xids.add(rs.getString("data"));
        }
      }
      st.execute("DROP DATABASE IF EXISTS " + name);
      if (!xids.isEmpty()) {
        throw new AssertionError("XA transactions left prepared: " + xids);
      }
    }
  }
}
