package io.laminar.postgres;

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
 * A database of its own on the real PostgreSQL server (127.0.0.1:5432, user postgres), created for
 * one test class and dropped afterwards together with its replication slots and publications.
 */
final class TestDatabase implements AutoCloseable {
  static final String HOST = System.getProperty("laminar.pgHost", "127.0.0.1");
  static final int PORT = Integer.getInteger("laminar.pgPort", 5432);
  static final String USER = "postgres";

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

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", USER, "");
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + name, USER, "");
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
    return Map.of("host", HOST, "port", PORT, "database", name, "username", USER, "ssl.mode", "disable");
  }

  /**
   * Whether {@code slot} holds every change committed from now on and a client streams it: it is
   * active and has a confirmed position. "Active" alone is not enough: the slot is active while it
   * is being created too, and a transaction that began before its consistent point (which sets the
   * confirmed position) is never decoded, so a change made then would be waited for in vain.
   */
  boolean slotCapturing(String slot) throws SQLException {
    return count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active"
        + " AND confirmed_flush_lsn IS NOT NULL") > 0;
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT active_pid FROM pg_replication_slots WHERE database = '" + name
          + "' AND active_pid IS NOT NULL")) {
        List<Integer> pids = new ArrayList<>();
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
        for (int pid : pids) {
          try (Statement k = c.createStatement()) {
            k.execute("SELECT pg_terminate_backend(" + pid + ")");
          }
        }
      }
      st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + name
          + "' AND NOT active");
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
