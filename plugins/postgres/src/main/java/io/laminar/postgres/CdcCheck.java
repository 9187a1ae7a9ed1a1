package io.laminar.postgres;

import io.laminar.api.ConnectorException;
import io.laminar.api.SchemaMismatchException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What {@code postgres_cdc} needs from the server before it starts, each failure saying how to fix
 * it: a connection, {@code wal_level = logical}, the REPLICATION privilege, the table with columns
 * matching the configured schema, and a slot no other client holds.
 */
final class CdcCheck {
  /**
   * How long a slot still held (by a server that was just killed) may take to be released: well
   * inside the host's 15 s bound on a connectivity check, so a slot that stays held is reported as
   * such rather than as a check that did not answer.
   */
  private static final long SLOT_RELEASE_WAIT_MS = 8_000;

  private CdcCheck() {
  }

  static void run(CdcSettings s, Schema schema) throws ConnectorException {
    PgConnectionSettings c = s.connection();
    try (Connection conn = c.connect("laminar-check")) {
      ConnectorException walLevel = walLevelProblem(single(conn, "SHOW wal_level"), c.target());
      if (walLevel != null) {
        throw walLevel;
      }
      if (!Boolean.parseBoolean(single(conn, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles"
          + " WHERE rolname = current_user"))) {
        throw new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, PgConnectionSettings.USERNAME,
            "user '" + c.username() + "' on " + c.target() + " may not use replication: run ALTER ROLE "
                + PgTable.quote(c.username()) + " REPLICATION;", null);
      }
      Map<String, PgColumn> columns = s.table().columns(conn).orElseThrow(() -> new ConnectorException(
          ConnectorException.Kind.INVALID_PROPERTY, CdcSettings.TABLE, "table " + s.table().display()
              + " does not exist in database '" + c.database() + "' on " + c.target(), null));
      List<SchemaMismatchException.Problem> problems =
          SchemaCheck.forReading(schema, s.table(), columns, s.numericAsDouble(), true);
      if (!problems.isEmpty()) {
        throw new SchemaMismatchException(problems);
      }
      awaitSlotFree(conn, s);
    } catch (SQLException e) {
      throw c.failure(e);
    }
  }

  /** The error for a server whose {@code wal_level} (as SHOW gives it) is not logical, else null. */
  static ConnectorException walLevelProblem(String walLevel, String target) {
    if ("logical".equals(walLevel)) {
      return null;
    }
    return new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, null, "PostgreSQL at " + target
        + " has wal_level = " + walLevel + "; change data capture needs wal_level = logical. As a superuser run"
        + " ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL", null);
  }

  private static void awaitSlotFree(Connection conn, CdcSettings s) throws SQLException, ConnectorException {
    long deadline = System.currentTimeMillis() + SLOT_RELEASE_WAIT_MS;
    while (true) {
      try (PreparedStatement st = conn.prepareStatement(
          "SELECT s.active_pid, a.application_name, host(a.client_addr) FROM pg_replication_slots s"
              + " LEFT JOIN pg_stat_activity a ON a.pid = s.active_pid WHERE s.slot_name = ? AND s.active")) {
        st.setString(1, s.slotName());
        try (ResultSet rs = st.executeQuery()) {
          if (!rs.next()) {
            return;
          }
          if (System.currentTimeMillis() > deadline) {
            throw new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, CdcSettings.SLOT_NAME,
                "replication slot '" + s.slotName() + "' on " + s.connection().target()
                    + " is in use by another client (" + holder(rs.getInt(1), rs.getString(2), rs.getString(3))
                    + "): stop that client, or give this source its own slot.name", null);
          }
        }
      }
      try {
        Thread.sleep(250); // polling the server's slot state; there is no notification to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ConnectorException.runtime("interrupted", e);
      }
    }
  }

  /** The slot's holder as pg_stat_activity knows it: backend pid, and application and address if set. */
  static String holder(int pid, String application, String address) {
    StringBuilder b = new StringBuilder("backend pid ").append(pid);
    if (application != null && !application.isEmpty()) {
      b.append(", application '").append(application).append('\'');
    }
    if (address != null) {
      b.append(", from ").append(address);
    }
    return b.toString();
  }

  static String single(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
