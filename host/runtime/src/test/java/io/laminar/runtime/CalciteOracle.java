package io.laminar.runtime;

import io.laminar.plan.SqlType;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.DataContext;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The independent answer: the same rows in plain tables, queried through Calcite's own JDBC
 * driver and enumerable executor (test code only; laminar never executes with Calcite).
 */
final class CalciteOracle {
  private CalciteOracle() {
  }

  /**
   * A table Calcite scans; rows are served sorted by column 1 (the key) then {@code sortColumn}
   * (time), or as given if -1: Calcite's SESSION executor expects each key's rows together and in
   * time order.
   */
  static final class RowsTable extends AbstractTable implements ScannableTable {
    private final Schema schema;
    private final List<Object[]> rows;

    RowsTable(Schema schema, List<Object[]> rows, int sortColumn) {
      this.schema = schema;
      List<Object[]> copy = new ArrayList<>(rows);
      if (sortColumn >= 0) {
        copy.sort(Comparator.comparing((Object[] r) -> (String) r[1], Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(r -> (Long) r[sortColumn]));
      }
      this.rows = copy;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory f) {
      RelDataTypeFactory.Builder b = f.builder();
      for (Field field : schema.getFields()) {
        SqlTypeName name = switch (SqlType.fromArrow(field.getType()).kind()) {
          case INT -> SqlTypeName.INTEGER;
          case BIGINT -> SqlTypeName.BIGINT;
          case DOUBLE -> SqlTypeName.DOUBLE;
          case VARCHAR -> SqlTypeName.VARCHAR;
          case TIMESTAMP -> SqlTypeName.TIMESTAMP;
          default -> throw new IllegalArgumentException(field.toString());
        };
        RelDataType t = name == SqlTypeName.TIMESTAMP ? f.createSqlType(name, 3) : f.createSqlType(name);
        b.add(field.getName(), f.createTypeWithNullability(t, true));
      }
      return b.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.asEnumerable(rows);
    }
  }

  /** Runs {@code sql} over the tables and returns canonical rows. */
  static List<List<Object>> query(Map<String, RowsTable> tables, String sql) {
    Properties props = new Properties();
    props.setProperty("caseSensitive", "false");
    props.setProperty("timeZone", "UTC");
    try (Connection c = DriverManager.getConnection("jdbc:calcite:", props)) {
      SchemaPlus root = c.unwrap(CalciteConnection.class).getRootSchema();
      tables.forEach(root::add);
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        List<List<Object>> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            Object o = rs.getObject(i);
            row.add(canonical(o instanceof Timestamp t ? (Object) rs.getTimestamp(i, java.util.Calendar.getInstance(
                java.util.TimeZone.getTimeZone("UTC"))).getTime() : o));
          }
          out.add(row);
        }
        return out;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("oracle query failed: " + sql, e);
    }
  }

  /** Integers as Long, decimals and floats rounded to 9 significant digits as Double. */
  static Object canonical(Object o) {
    if (o instanceof Integer || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    if (o instanceof Double || o instanceof Float || o instanceof BigDecimal) {
      double d = ((Number) o).doubleValue();
      return d == 0 ? 0.0 : new BigDecimal(d).round(new java.math.MathContext(9)).doubleValue();
    }
    return o;
  }
}
