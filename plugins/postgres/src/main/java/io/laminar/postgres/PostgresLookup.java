package io.laminar.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import io.laminar.api.SchemaMismatchException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The {@code postgres} lookup: one query per key batch. A single-column key is matched with
 * {@code key = ANY(?)} and a composite key with {@code (a, b) IN (SELECT * FROM unnest(?, ?))}, each
 * key array bound once; NULL keys are dropped (they match nothing) and duplicates are sent once.
 * Connections come from a small HikariCP pool inside the plugin.
 */
final class PostgresLookup implements LookupSource {
  private final ConnectorContext context;
  private final PgConnectionSettings connection;
  private final Optional<PgTable> table;
  private final Optional<String> query;
  private final List<String> key;
  private final String[] names;
  private final LaminarType[] types;
  private final String sql;
  private HikariDataSource pool;

  PostgresLookup(ConnectorContext context) throws ConnectorException {
    this.context = context;
    var p = context.properties();
    this.connection = PgConnectionSettings.from(p);
    this.table = p.string("table").isPresent() ? Optional.of(PgTable.parse("table", p.requireString("table")))
        : Optional.empty();
    this.query = p.string("query");
    if (table.isPresent() == query.isPresent()) {
      throw ConnectorException.invalidProperty(table.isPresent() ? "query" : "table", null,
          "set exactly one of 'table' and 'query'");
    }
    this.key = context.primaryKey();
    if (key.isEmpty()) {
      throw ConnectorException.invalidProperty("table", null, "the postgres lookup needs [[lookup]] primary_key");
    }
    List<Field> fields = context.schema().getFields();
    this.names = fields.stream().map(Field::getName).toArray(String[]::new);
    this.types = fields.stream().map(f -> LaminarType.of(f.getType())).toArray(LaminarType[]::new);
    String from = table.map(PgTable::sql).orElseGet(() -> "(" + query.get() + ")");
    String cols = java.util.Arrays.stream(names).map(n -> "s." + PgTable.quote(n)).collect(Collectors.joining(", "));
    String where;
    if (key.size() == 1) {
      where = "s." + PgTable.quote(key.get(0)) + " = ANY(?)";
    } else {
      where = "(" + key.stream().map(k -> "s." + PgTable.quote(k)).collect(Collectors.joining(", ")) + ") IN (SELECT * FROM unnest("
          + key.stream().map(k -> "?").collect(Collectors.joining(", ")) + "))";
    }
    this.sql = "SELECT " + cols + " FROM " + from + " s WHERE " + where;
  }

  @Override
  public void check() throws ConnectorException {
    try (Connection c = connection.connect("laminar-check")) {
      Map<String, PgColumn> columns;
      PgTable described = table.orElse(new PgTable("query", "result"));
      if (table.isPresent()) {
        columns = table.get().columns(c).orElseThrow(() -> new ConnectorException(
            ConnectorException.Kind.INVALID_PROPERTY, "table", "table " + table.get().display()
                + " does not exist in database '" + connection.database() + "' on " + connection.target(), null));
      } else {
        columns = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT * FROM (" + query.get() + ") q LIMIT 0");
            ResultSet rs = st.executeQuery()) {
          ResultSetMetaData md = rs.getMetaData();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.put(md.getColumnLabel(i), new PgColumn(md.getColumnLabel(i), md.getColumnTypeName(i),
                md.getColumnTypeName(i), false));
          }
        } catch (SQLException e) {
          if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            throw e;
          }
          throw ConnectorException.invalidProperty("query", null, "PostgreSQL rejects it: " + e.getMessage());
        }
      }
      List<SchemaMismatchException.Problem> problems = SchemaCheck.forReading(context.schema(), described, columns,
          true, false);
      if (!problems.isEmpty()) {
        throw new SchemaMismatchException(problems);
      }
    } catch (SQLException e) {
      throw connection.failure(e);
    }
  }

  @Override
  public void open() throws ConnectorException {
    HikariConfig config = new HikariConfig();
    config.setDriverClassName("org.postgresql.Driver"); // found in the plugin's own class loader
    config.setJdbcUrl(connection.jdbcUrl());
    config.setDataSourceProperties(connection.driverProperties("laminar-lookup-" + context.name()));
    config.setUsername(connection.username());
    if (connection.password() != null) {
      config.setPassword(connection.password().reveal());
    }
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(1);
    config.setPoolName("laminar-lookup-" + context.name());
    config.setConnectionTimeout(Math.max(250, connection.connectTimeout().toMillis()));
    config.setConnectionInitSql("SET TIME ZONE 'UTC'");
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      SQLException sql = cause(e, SQLException.class);
      throw sql != null ? connection.failure(sql) : ConnectorException.connectionFailed(connection.target(), e);
    }
  }

  private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  @Override
  public VectorSchemaRoot lookup(VectorSchemaRoot keys) throws ConnectorException {
    RowWriter writer = new RowWriter(context.schema(), context.allocator());
    List<FieldVector> keyVectors = key.stream().map(keys::getVector).toList();
    LaminarType[] keyTypes = key.stream().map(k -> types[java.util.Arrays.asList(names).indexOf(k)])
        .toArray(LaminarType[]::new);
    Set<List<Object>> distinct = new LinkedHashSet<>();
    for (int row = 0; row < keys.getRowCount(); row++) {
      List<Object> k = new ArrayList<>(key.size());
      boolean hasNull = false;
      for (int i = 0; i < key.size(); i++) {
        Object v = ArrowValues.value(keyVectors.get(i), keyTypes[i], row);
        hasNull |= v == null;
        k.add(v);
      }
      if (!hasNull) {
        distinct.add(k);
      }
    }
    if (distinct.isEmpty()) {
      return writer.empty();
    }
    try (Connection c = pool.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < key.size(); i++) {
        Object[] values = new Object[distinct.size()];
        int j = 0;
        for (List<Object> k : distinct) {
          values[j++] = k.get(i);
        }
        Array array = c.createArrayOf(arrayType(keyTypes[i]), values);
        st.setArray(i + 1, array);
      }
      try (ResultSet rs = st.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        boolean[] withZone = new boolean[names.length];
        for (int i = 0; i < names.length; i++) {
          withZone[i] = "timestamptz".equals(md.getColumnTypeName(i + 1));
        }
        while (rs.next()) {
          int row = writer.addRow();
          for (int i = 0; i < names.length; i++) {
            Object v = switch (types[i]) {
              case TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ -> withZone[i] ? rs.getObject(i + 1, OffsetDateTime.class)
                  : rs.getObject(i + 1, LocalDateTime.class);
              case DATE -> rs.getObject(i + 1, LocalDate.class);
              case DECIMAL -> rs.getBigDecimal(i + 1);
              default -> rs.getObject(i + 1);
            };
            writer.set(row, i, v);
          }
        }
      }
    } catch (SQLException e) {
      writer.discard();
      if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
        throw connection.failure(e);
      }
      throw ConnectorException.runtime("lookup in " + table.map(PgTable::display).orElse("the query") + " on "
          + connection.target() + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      writer.discard();
      throw e;
    }
    VectorSchemaRoot result = writer.finish();
    return result == null ? writer.empty() : result;
  }

  private static String arrayType(LaminarType type) {
    return switch (type) {
      case INT -> "int4";
      case BIGINT -> "int8";
      case FLOAT -> "float4";
      case DOUBLE -> "float8";
      case VARCHAR -> "text";
      case BOOLEAN -> "bool";
      case TIMESTAMP, TIMESTAMP_MICROS -> "timestamp";
      case TIMESTAMP_LTZ -> "timestamptz";
      case DATE -> "date";
      case DECIMAL -> "numeric";
    };
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }
}
