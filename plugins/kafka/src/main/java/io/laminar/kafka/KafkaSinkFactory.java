package io.laminar.kafka;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.pf4j.Extension;

/**
 * The {@code kafka} sink: one JSON object per row; at-least-once through an idempotent producer,
 * exactly-once through one Kafka transaction per checkpoint epoch.
 */
@Extension
public final class KafkaSinkFactory implements SinkFactory {
  static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  static final String TOPIC = "topic";
  static final String KEY_COLUMN = "key.column";
  static final String CHECK_TIMEOUT = "check.timeout";
  static final String TRANSACTIONAL_ID = "transactional.id";
  static final String WRITE_MODE = "write.mode";

  /** Producer settings the connector controls. */
  static final Set<String> RESERVED = Set.of("bootstrap.servers", "key.serializer", "value.serializer",
      "transactional.id", "enable.idempotence");

  private static final ConnectorSpec SPEC = ConnectorSpec.builder("kafka", ConnectorKind.SINK)
      .description("Writes rows to a Kafka topic as JSON objects; exactly-once with one transaction per checkpoint.")
      .property(PropertySpec.requiredString(BOOTSTRAP_SERVERS, "Kafka brokers, host:port[,host:port…]"))
      .property(PropertySpec.requiredString(TOPIC, "The topic to write to"))
      .property(PropertySpec.builder(KEY_COLUMN, PropertyType.STRING)
          .doc("Column whose value, as text, is the record key; absent = no key").build())
      .property(PropertySpec.builder(WRITE_MODE, PropertyType.ENUM).allowedValues("append", "upsert")
          .defaultValue("append")
          .doc("append: every row is a record; upsert: the record key is the key of the updates (key.column, or "
              + "the pipeline's GROUP BY keys), inserts and updates are records, deletes are tombstones").build())
      .property(PropertySpec.builder(CHECK_TIMEOUT, PropertyType.DURATION).defaultValue("5s")
          .doc("How long the connectivity check waits for a broker").build())
      .property(PropertySpec.builder(TRANSACTIONAL_ID, PropertyType.STRING)
          .doc("exactly_once: the producer's transactional.id; unique per running sink "
              + "(default laminar-<[server] name>-<sink name>)").build())
      .property(PropertySpec.builder("kafka.*", PropertyType.STRING)
          .doc("Kafka producer settings passed through, e.g. kafka.compression.type").build())
      .build();

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Sink create(ConnectorContext context) throws ConnectorException {
    var p = context.properties();
    String keyColumn = p.string(KEY_COLUMN).orElse(null);
    if (keyColumn != null && context.schema().getFields().stream().map(Field::getName).noneMatch(keyColumn::equals)) {
      throw ConnectorException.invalidProperty(KEY_COLUMN, keyColumn, "the sink's schema has no such column (columns: "
          + String.join(", ", context.schema().getFields().stream().map(Field::getName).toList()) + ")");
    }
    String transactionalId = p.string(TRANSACTIONAL_ID).orElse(ClientConfig.clientId(context.serverName(),
        context.name()));
    if (transactionalId.isBlank()) {
      throw ConnectorException.invalidProperty(TRANSACTIONAL_ID, transactionalId, "must not be empty");
    }
    boolean upsert = p.string(WRITE_MODE).orElse("append").equalsIgnoreCase("upsert");
    List<String> keyColumns = keyColumn != null ? List.of(keyColumn) : upsert ? context.primaryKey() : List.of();
    if (upsert && keyColumns.isEmpty()) {
      throw ConnectorException.invalidProperty(WRITE_MODE, "upsert", "an upsert needs a record key, and the "
          + "pipeline's updates have no known key (a GROUP BY without a window gives one): set key.column");
    }
    return new KafkaSink(context, p.requireString(BOOTSTRAP_SERVERS), p.requireString(TOPIC), keyColumns, upsert,
        p.duration(CHECK_TIMEOUT).orElseThrow(), ClientConfig.passThrough(p, RESERVED), transactionalId);
  }
}
