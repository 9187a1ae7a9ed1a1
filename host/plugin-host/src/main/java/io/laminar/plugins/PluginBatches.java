package io.laminar.plugins;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Checks what a plugin hands the host before the host uses it: a factory's connector must not be
 * null, and a source's batches must match the configured schema: a batch whose columns differ
 * from the configured schema would reach the sink as is, and a row count beyond a vector's value
 * count would be read as invented null rows. The check costs one comparison per column.
 */
final class PluginBatches {
  private PluginBatches() {
  }

  /**
   * Throws if {@code data} does not have exactly the columns of {@code expected} (name and type, in
   * order) or if a column holds other than {@code data.getRowCount()} values.
   *
   * @param connector how the message names the plugin, e.g. {@code "plugin 'kafka'"}; the host adds
   *     the connector's name
   */
  static void check(String connector, Schema expected, VectorSchemaRoot data) throws ConnectorException {
    List<Field> want = expected.getFields();
    List<FieldVector> got = data.getFieldVectors();
    if (got.size() != want.size()) {
      throw invalid(connector, "has " + got.size() + " columns " + names(got) + " where the configured schema has "
          + want.size() + " " + expected.getFields().stream().map(Field::getName).toList());
    }
    int rows = data.getRowCount();
    for (int i = 0; i < want.size(); i++) {
      Field w = want.get(i);
      FieldVector v = got.get(i);
      Field g = v.getField();
      if (!w.getName().equals(g.getName()) || !w.getType().equals(g.getType())) {
        throw invalid(connector, "has column " + (i + 1) + " '" + g.getName() + "' " + g.getType()
            + " where the configured schema has '" + w.getName() + "' " + w.getType());
      }
      if (v.getValueCount() != rows) {
        throw invalid(connector, "says it has " + rows + " rows but its column '" + g.getName() + "' holds "
            + v.getValueCount() + " values");
      }
    }
  }

  /** {@link #check} for a batch the plugin returned; closes it when it is refused. */
  static Batch checked(String connector, Schema expected, Batch batch) throws ConnectorException {
    if (batch == null) {
      return null;
    }
    try {
      check(connector, expected, batch.data());
      return batch;
    } catch (ConnectorException e) {
      batch.close();
      throw e;
    }
  }

  /** How messages name the plugin behind a connector: {@code "plugin 'kafka'"}. */
  static String label(ClassLoader loader) {
    return loader instanceof PluginClassLoader p ? "plugin '" + p.pluginId() + "'" : "the connector";
  }

  /** What a factory's {@code create()} returned, refused when it is null (a bug in the plugin). */
  static <T> T created(ClassLoader loader, ConnectorContext context, T connector) throws ConnectorException {
    if (connector == null) {
      throw ConnectorException.runtime(label(loader) + " returned null from create() for " + context.kind().label()
          + " '" + context.name() + "' (a bug in the plugin)", null);
    }
    return connector;
  }

  private static List<String> names(List<FieldVector> vectors) {
    return vectors.stream().map(v -> v.getField().getName()).toList();
  }

  private static ConnectorException invalid(String connector, String problem) {
    return ConnectorException.runtime(connector + " returned a batch that " + problem + " (a bug in the plugin)",
        null);
  }
}
