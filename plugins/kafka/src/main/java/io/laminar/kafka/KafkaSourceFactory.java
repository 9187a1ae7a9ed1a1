package io.laminar.kafka;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import org.pf4j.Extension;

/**
 * The {@code kafka} source: reads assigned partitions (no consumer-group rebalancing) and keeps its
 * position in laminar's checkpoints, decoding JSON or CSV records into the configured schema, or
 * Debezium change events into a changelog ({@link DebeziumDecoder}).
 */
@Extension
public final class KafkaSourceFactory implements SourceFactory {
  static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  static final String TOPIC = "topic";
  static final String TOPICS = "topics";
  static final String GROUP_ID = "group.id";
  static final String STARTUP_MODE = "startup.mode";
  static final String STARTUP_TIMESTAMP = "startup.timestamp";
  static final String FORMAT = "format";
  static final String ON_ERROR = "on.error";
  static final String TS_COLUMN = "ts_column";
  static final String POLL_TIMEOUT = "poll.timeout";
  static final String DISCOVERY_INTERVAL = "partition.discovery.interval";
  static final String CHECK_TIMEOUT = "check.timeout";

  /** The {@code ts_column} value that means "the first TIMESTAMP column the record lacks". */
  static final String KAFKA_TIMESTAMP = "$kafka.timestamp";

  private static final ConnectorSpec SPEC = ConnectorSpec.builder("kafka", ConnectorKind.SOURCE)
      .description("Reads JSON, CSV or Debezium JSON records from Kafka topics; offsets are kept in laminar checkpoints.")
      .property(PropertySpec.requiredString(BOOTSTRAP_SERVERS, "Kafka brokers, host:port[,host:port…]"))
      .property(PropertySpec.builder(TOPIC, PropertyType.STRING)
          .doc("The topic to read (or use 'topics'; exactly one of the two)").build())
      .property(PropertySpec.builder(TOPICS, PropertyType.STRING)
          .doc("Comma-separated topics to read (or use 'topic')").build())
      .property(PropertySpec.builder(GROUP_ID, PropertyType.STRING)
          .doc("Consumer group; needed by startup.mode = group-offsets. Offsets are never committed to it").build())
      .property(PropertySpec.builder(STARTUP_MODE, PropertyType.ENUM)
          .allowedValues("earliest", "latest", "group-offsets", "timestamp").defaultValue("earliest")
          .doc("Where a fresh start (no checkpoint) begins reading").build())
      .property(PropertySpec.builder(STARTUP_TIMESTAMP, PropertyType.LONG)
          .doc("Epoch milliseconds to start from; required when startup.mode = timestamp").build())
      .property(PropertySpec.builder(FORMAT, PropertyType.ENUM).allowedValues("json", "csv", "debezium-json")
          .defaultValue("json")
          .doc("Record format: a JSON object per record, a CSV line with the schema's columns in order"
              + " (trailing columns may be left out; they are null), or a Debezium change event (JSON, with or"
              + " without the schema/payload wrapper), which makes the source a changelog of inserts, updates"
              + " and deletes").build())
      .property(PropertySpec.builder(ON_ERROR, PropertyType.ENUM).allowedValues("skip", "fail").defaultValue("fail")
          .doc("A record that cannot be decoded: skip it (counted in records_skipped_total) or fail the source").tuning().build())
      .property(PropertySpec.builder(TS_COLUMN, PropertyType.STRING)
          .doc("'$kafka.timestamp': the first TIMESTAMP column a record lacks gets the record timestamp;"
              + " or the name of the TIMESTAMP column that gets it").build())
      .property(PropertySpec.builder(POLL_TIMEOUT, PropertyType.DURATION).defaultValue("100ms")
          .doc("Longest single wait on the Kafka consumer").tuning().build())
      .property(PropertySpec.builder(DISCOVERY_INTERVAL, PropertyType.DURATION).defaultValue("10s")
          .doc("How often to look for new partitions (read from their beginning)").tuning().build())
      .property(PropertySpec.builder(CHECK_TIMEOUT, PropertyType.DURATION).defaultValue("5s")
          .doc("How long the connectivity check waits for a broker").tuning().build())
      .property(PropertySpec.builder("kafka.*", PropertyType.STRING)
          .doc("Kafka consumer settings passed through, e.g. kafka.security.protocol").tuning().build())
      .build();

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    return new KafkaSource(context, KafkaSourceSettings.from(context));
  }
}
