package io.laminar.config;

import java.util.List;
import java.util.Optional;

/**
 * A {@code [[source]]}: a named stream that pipelines read as a SQL table.
 *
 * @param name SQL table name
 * @param connector the connector that produces the rows
 * @param properties connector properties, validated later against the connector's spec
 * @param schema the columns, in order (never empty)
 * @param watermark event time and lateness, if the source has event time
 * @param position where the {@code [[source]]} starts
 */
public record SourceConfig(String name, ConnectorRef connector, RawProperties properties,
    List<ColumnDef> schema, Optional<WatermarkConfig> watermark, Position position) {
  /** Copies the schema. */
  public SourceConfig {
    schema = List.copyOf(schema);
  }
}
