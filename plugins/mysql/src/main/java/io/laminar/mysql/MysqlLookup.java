package io.laminar.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import io.laminar.api.SchemaMismatchException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
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
 * The {@code mysql} lookup: one query per key batch. A single-column key is matched with
 * {@code key IN (?, …)} and a composite key with {@code (a, b) IN ((?, ?), …)}; NULL keys are dropped
 * (they match nothing) and duplicates are sent once. Connections come from a small HikariCP pool
 * inside the plugin (Connector/J, found in the plugin's own class loader).
 */
final class MysqlLookup implements LookupSource {
  private final ConnectorContext context;
  private final MysqlConnectionSettings connection;
  private final Optional<MysqlTable> table;
  private final Optional<String> query;
  private final List<String> key;
  private final String[] names;
  private final LaminarType[] types;
  private final String from;
  private final int[] keyIndexes;
  private HikariDataSource pool;

  MysqlLookup(ConnectorContext context) throws ConnectorException {
    this.context = context;
    var p = context.properties();
    this.connection = MysqlConnectionSettings.from(p);
    this.table = p.string("table").isPresent()
        ? Optional.of(MysqlTable.parse("table", p.requireString("table"), connection.database())) : Optional.empty();
    this.query = p.string("query");
    if (table.isPresent() == query.isPresent()) {
      throw ConnectorException.invalidProperty(table.isPresent() ? "query" : "table", null,
          "set exactly one of 'table' and 'query'");
    }
    this.key = context.primaryKey();
    if (key.isEmpty()) {
      throw ConnectorException.invalidProperty("table", null, "the mysql lookup needs [[lookup]] primary_key");
    }
    List<Field> fields = context.schema().getFields();
    this.names = fields.stream().map(Field::getName).toArray(String[]::new);
    this.types = fields.stream().map(f -> LaminarType.of(f.getType())).toArray(LaminarType[]::new);
    this.from = table.map(MysqlTable::sql).orElseGet(() -> "(" + query.get() + ")");
    this.keyIndexes = key.stream().mapToInt(k -> java.util.Arrays.asList(names).indexOf(k)).toArray();
  }

  /** The statement for {@code n} distinct keys. */
  private String sql(int n) {
    String cols = java.util.Arrays.stream(names).map(c -> "s." + MysqlTable.quote(c)).collect(Collectors.joining(", "));
    String tuple;
    String lhs;
    if (key.size() == 1) {
      lhs = "s." + MysqlTable.quote(key.get(0));
      tuple = "?";
    } else {
      lhs = "(" + key.stream().map(k -> "s." + MysqlTable.quote(k)).collect(Collectors.joining(", ")) + ")";
      tuple = "(" + String.join(", ", java.util.Collections.nCopies(key.size(), "?")) + ")";
    }
    StringBuilder sql = new StringBuilder("SELECT ").append(cols).append(" FROM ").append(from).append(" s WHERE ")
        .append(lhs).append(" IN (");
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "" : ",").append(tuple);
    }
    return sql.append(')').toString();
  }

  @Override
  public void check() throws ConnectorException {
    try (Connection c = connection.connect("laminar-check")) {
      Map<String, MysqlColumn> columns;
      MysqlTable described = table.orElse(new MysqlTable("query", "result"));
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
            String type = md.getColumnTypeName(i).toLowerCase(java.util.Locale.ROOT);
            String dataType = type.split(" ")[0];
            String columnType = (dataType.equals("tinyint") || dataType.equals("bit")) && md.getPrecision(i) == 1
                ? dataType + "(1)" : type;
            columns.put(md.getColumnLabel(i), new MysqlColumn(md.getColumnLabel(i), dataType, columnType, false));
          }
        } catch (SQLException e) {
          if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            throw e;
          }
          throw ConnectorException.invalidProperty("query", null, "the server rejects it: " + e.getMessage());
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
    config.setDriverClassName("org.mariadb.jdbc.Driver"); // found in the plugin's own class loader
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
    LaminarType[] keyTypes = java.util.Arrays.stream(keyIndexes).mapToObj(i -> types[i]).toArray(LaminarType[]::new);
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
    try (Connection c = pool.getConnection(); PreparedStatement st = c.prepareStatement(sql(distinct.size()))) {
      int p = 1;
      for (List<Object> k : distinct) {
        for (int i = 0; i < key.size(); i++) {
          ArrowValues.bind(st, p++, keyTypes[i], k.get(i));
        }
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          int row = writer.addRow();
          for (int i = 0; i < names.length; i++) {
            Object v = switch (types[i]) {
              case TIMESTAMP, TIMESTAMP_MICROS, TIMESTAMP_LTZ -> rs.getObject(i + 1, LocalDateTime.class);
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
      throw ConnectorException.runtime("lookup in " + table.map(MysqlTable::display).orElse("the query") + " on "
          + connection.target() + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      writer.discard();
      throw e;
    }
    VectorSchemaRoot result = writer.finish();
    return result == null ? writer.empty() : result;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }
}
