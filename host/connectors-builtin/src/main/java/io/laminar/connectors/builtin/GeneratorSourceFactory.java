package io.laminar.connectors.builtin;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;

/**
 * The {@code generator} source (modelled on Flink's {@code datagen}): one row per tick with every
 * column from the schema, deterministic for a given seed, so tests and benchmarks can rely on it.
 */
public final class GeneratorSourceFactory implements SourceFactory {
  static final String ROWS_PER_SECOND = "rows_per_second";
  static final String MAX_ROWS = "max_rows";
  static final String SEED = "seed";
  static final String EVENTS_PER_SECOND = "events_per_second";
  static final String START_TIME = "start_time";
  static final String FIELDS = "fields.";
  static final String SPLITS = "splits";

  private static final ConnectorSpec SPEC = ConnectorSpec.builder("generator", ConnectorKind.SOURCE)
      .description("Generates rows from the schema: seeded random values, sequences, value lists; "
          + "event time advances by 1000/events_per_second ms per row.")
      .property(PropertySpec.builder(ROWS_PER_SECOND, PropertyType.LONG)
          .doc("Throttle to this many rows per second; absent = as fast as possible").tuning().build())
      .property(PropertySpec.builder(MAX_ROWS, PropertyType.LONG)
          .doc("Stop after this many rows (bounded source); absent = unbounded").tuning().build())
      .property(PropertySpec.builder(SEED, PropertyType.LONG).defaultValue("0")
          .doc("Same seed, same rows").build())
      .property(PropertySpec.builder(EVENTS_PER_SECOND, PropertyType.DOUBLE).defaultValue("1000")
          .doc("Event-time density: TIMESTAMP columns advance 1000/events_per_second ms per row").build())
      .property(PropertySpec.builder(START_TIME, PropertyType.STRING)
          .doc("Event time of the first row, ISO-8601 (2026-01-01T00:00:00Z); absent = the time of the first start").build())
      .property(PropertySpec.builder(SPLITS, PropertyType.LONG).defaultValue("1")
          .doc("Read in this many splits (parallel readers): split i of n produces the blocks of "
              + GeneratorSource.BLOCK_ROWS + " rows i, i+n, i+2n and so on, so together they produce exactly the rows "
              + "of one split").build())
      .property(PropertySpec.builder("fields.*", PropertyType.STRING)
          .doc("Per column: fields.<col>.kind = random|sequence, .min, .max, .length, .values (comma-separated), .null_rate")
          .build())
      .build();

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    return new GeneratorSource(context, GeneratorSettings.from(context));
  }
}
