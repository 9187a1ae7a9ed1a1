package io.laminar.mysql;

import io.laminar.api.SchemaMismatchException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Compares a configured schema with a table's columns, one problem per column. */
final class SchemaCheck {
  /** Metadata columns a {@code mysql_cdc} schema may declare, with their only type. */
  static final Map<String, LaminarType> CDC_METADATA = Map.of("$op", LaminarType.VARCHAR, "$commit_ts",
      LaminarType.TIMESTAMP, "$binlog_file", LaminarType.VARCHAR, "$binlog_pos", LaminarType.BIGINT, "$gtid",
      LaminarType.VARCHAR);

  private SchemaCheck() {
  }

  /** Problems reading {@code table}'s columns into {@code schema} (source or lookup). */
  static List<SchemaMismatchException.Problem> forReading(Schema schema, MysqlTable table, Map<String, MysqlColumn> columns,
      boolean numericAsDouble, boolean allowMetadata) {
    List<SchemaMismatchException.Problem> problems = new ArrayList<>();
    for (Field f : schema.getFields()) {
      LaminarType type = LaminarType.of(f.getType());
      if (allowMetadata && f.getName().startsWith("$")) {
        LaminarType wanted = CDC_METADATA.get(f.getName());
        if (wanted == null) {
          problems.add(new SchemaMismatchException.Problem(f.getName(), "unknown metadata column '" + f.getName()
              + "'" + didYouMean(f.getName(), CDC_METADATA.keySet()) + " (known: $op, $commit_ts, $binlog_file, $binlog_pos, $gtid)"));
        } else if (wanted != type) {
          problems.add(new SchemaMismatchException.Problem(f.getName(),
              "metadata column '" + f.getName() + "' must be declared " + wanted + ", not " + type));
        }
        continue;
      }
      MysqlColumn column = columns.get(f.getName());
      if (column == null) {
        problems.add(new SchemaMismatchException.Problem(f.getName(), "column '" + f.getName()
            + "' does not exist in table " + table.display() + didYouMean(f.getName(), columns.keySet())
            + " (columns: " + String.join(", ", columns.keySet()) + ")"));
      } else if (type == LaminarType.DECIMAL) {
        String problem = column.decimalReadProblem(f.getName(), (ArrowType.Decimal) f.getType());
        if (problem != null) {
          problems.add(new SchemaMismatchException.Problem(f.getName(), problem + " (table " + table.display() + ")"));
        }
      } else if (!column.readableAs(numericAsDouble).contains(type)) {
        problems.add(new SchemaMismatchException.Problem(f.getName(), column.readMismatch(f.getName(), type)
            + " (table " + table.display() + ")"));
      }
    }
    return problems;
  }

  /** ", did you mean 'x'?" for the closest candidate within two edits, or nothing. */
  static String didYouMean(String name, Collection<String> candidates) {
    String best = null;
    int bestDistance = 3;
    for (String c : candidates) {
      int d = distance(name.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best == null ? "" : "; did you mean '" + best + "'?";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
