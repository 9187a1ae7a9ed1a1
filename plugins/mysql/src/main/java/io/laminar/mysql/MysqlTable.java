package io.laminar.mysql;

import io.laminar.api.ConnectorException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table named {@code database.table} (or just {@code table}, in the connection's database) and
 * what {@code information_schema} says of it.
 */
record MysqlTable(String database, String name) {

  static MysqlTable parse(String property, String value, String defaultDatabase) throws ConnectorException {
    String[] parts = value.split("\\.", -1);
    if (parts.length > 2 || value.isBlank() || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
      throw ConnectorException.invalidProperty(property, value,
          "expected 'database.table' or 'table', e.g. shop.orders");
    }
    return parts.length == 1 ? new MysqlTable(defaultDatabase, parts[0]) : new MysqlTable(parts[0], parts[1]);
  }

  /** The quoted name for SQL. */
  String sql() {
    return quote(database) + "." + quote(name);
  }

  /** database.table as the user wrote it. */
  String display() {
    return database + "." + name;
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  /** The table's columns in order, or empty if the table does not exist. */
  Optional<Map<String, MysqlColumn>> columns(Connection c) throws SQLException {
    Map<String, MysqlColumn> columns = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE"
        + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
      st.setString(1, database);
      st.setString(2, name);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          columns.put(rs.getString(1), new MysqlColumn(rs.getString(1), rs.getString(2).toLowerCase(java.util.Locale.ROOT),
              rs.getString(3).toLowerCase(java.util.Locale.ROOT), "NO".equals(rs.getString(4))));
        }
      }
    }
    return columns.isEmpty() ? Optional.empty() : Optional.of(columns);
  }

  /** The primary-key columns in key order (empty if none). */
  List<String> primaryKey(Connection c) throws SQLException {
    List<String> key = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
        + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
      st.setString(1, database);
      st.setString(2, name);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    }
    return key;
  }

  /** The row estimate ({@code information_schema.TABLES.TABLE_ROWS}); negative when unknown. */
  long estimatedRows(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      st.setString(1, database);
      st.setString(2, name);
      try (ResultSet rs = st.executeQuery()) {
        if (rs.next()) {
          long n = rs.getLong(1);
          return rs.wasNull() ? -1 : n;
        }
        return -1;
      }
    }
  }
}
