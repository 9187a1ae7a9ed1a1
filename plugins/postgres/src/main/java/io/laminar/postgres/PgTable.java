package io.laminar.postgres;

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

/** A table named {@code schema.table} (or just {@code table}, in {@code public}) and what the catalog says of it. */
record PgTable(String schema, String name) {

  static PgTable parse(String property, String value) throws ConnectorException {
    String[] parts = value.split("\\.", -1);
    if (parts.length > 2 || value.isBlank() || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
      throw ConnectorException.invalidProperty(property, value, "expected 'schema.table' or 'table', e.g. public.orders");
    }
    return parts.length == 1 ? new PgTable("public", parts[0]) : new PgTable(parts[0], parts[1]);
  }

  /** The quoted name for SQL. */
  String sql() {
    return quote(schema) + "." + quote(name);
  }

  /** schema.table as the user wrote it. */
  String display() {
    return schema + "." + name;
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** The table's columns in order, or empty if the table does not exist. */
  Optional<Map<String, PgColumn>> columns(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      st.setString(1, sql());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return Optional.empty();
        }
      }
    }
    Map<String, PgColumn> columns = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement("SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod),"
        + " a.attnotnull FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
        + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      st.setString(1, sql());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          columns.put(rs.getString(1), new PgColumn(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        }
      }
    }
    return Optional.of(columns);
  }

  /** The primary-key columns in key order (empty if none). */
  List<String> primaryKey(Connection c) throws SQLException {
    List<String> key = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement("SELECT a.attname FROM pg_index i"
        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        + " WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)")) {
      st.setString(1, sql());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    }
    return key;
  }

  /**
   * The planner's row estimate ({@code pg_class.reltuples}); for a table never vacuumed or analysed
   * (reltuples -1) the statistics' live-row count instead; -1 if neither is known.
   */
  long estimatedRows(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint"
        + " ELSE coalesce(s.n_live_tup, -1) END FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid"
        + " WHERE c.oid = to_regclass(?)")) {
      st.setString(1, sql());
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }
}
