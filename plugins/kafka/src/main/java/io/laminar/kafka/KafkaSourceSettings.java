package io.laminar.kafka;

import static io.laminar.kafka.KafkaSourceFactory.BOOTSTRAP_SERVERS;
import static io.laminar.kafka.KafkaSourceFactory.CHECK_TIMEOUT;
import static io.laminar.kafka.KafkaSourceFactory.DISCOVERY_INTERVAL;
import static io.laminar.kafka.KafkaSourceFactory.FORMAT;
import static io.laminar.kafka.KafkaSourceFactory.GROUP_ID;
import static io.laminar.kafka.KafkaSourceFactory.KAFKA_TIMESTAMP;
import static io.laminar.kafka.KafkaSourceFactory.ON_ERROR;
import static io.laminar.kafka.KafkaSourceFactory.POLL_TIMEOUT;
import static io.laminar.kafka.KafkaSourceFactory.STARTUP_MODE;
import static io.laminar.kafka.KafkaSourceFactory.STARTUP_TIMESTAMP;
import static io.laminar.kafka.KafkaSourceFactory.TOPIC;
import static io.laminar.kafka.KafkaSourceFactory.TOPICS;
import static io.laminar.kafka.KafkaSourceFactory.TS_COLUMN;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.Field;

/** The kafka source's settings, checked against each other and against the schema. */
record KafkaSourceSettings(
    String bootstrapServers,
    List<String> topics,
    Optional<String> groupId,
    StartupMode startupMode,
    long startupTimestamp,
    RowDecoder.Format format,
    boolean skipErrors,
    List<ColumnKind> kinds,
    RowDecoder.TimestampTarget timestampTarget,
    Duration pollTimeout,
    Duration discoveryInterval,
    Duration checkTimeout,
    Map<String, Object> clientProperties) {

  /** Consumer settings the connector controls. */
  static final Set<String> RESERVED = Set.of("bootstrap.servers", "key.deserializer", "value.deserializer",
      "enable.auto.commit", "group.id");

  /** Where a fresh start begins. */
  enum StartupMode {
    EARLIEST, LATEST, GROUP_OFFSETS, TIMESTAMP;

    static StartupMode parse(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /** Reads and cross-checks the settings; every problem found is reported in one exception. */
  static KafkaSourceSettings from(ConnectorContext ctx) throws ConnectorException {
    ConnectorProperties p = ctx.properties();
    List<ConnectorException> problems = new ArrayList<>();

    String servers = p.requireString(BOOTSTRAP_SERVERS);
    List<String> topics = List.of();
    Optional<String> topic = p.string(TOPIC);
    Optional<String> topicList = p.string(TOPICS);
    if (topic.isPresent() && topicList.isPresent()) {
      problems.add(ConnectorException.invalidProperty(TOPICS, topicList.get(),
          "set either 'topic' or 'topics', not both"));
    } else if (topic.isEmpty() && topicList.isEmpty()) {
      problems.add(ConnectorException.missingProperty(TOPIC));
    } else if (topic.isPresent()) {
      topics = topic.get().isBlank() ? List.of() : List.of(topic.get().strip());
      if (topics.isEmpty()) {
        problems.add(ConnectorException.invalidProperty(TOPIC, topic.get(), "the topic name is empty"));
      }
    } else {
      topics = List.copyOf(new LinkedHashSet<>(Arrays.stream(topicList.get().split(","))
          .map(String::strip).filter(s -> !s.isEmpty()).toList()));
      if (topics.isEmpty()) {
        problems.add(ConnectorException.invalidProperty(TOPICS, topicList.get(), "no topic names in the list"));
      }
    }

    Optional<String> groupId = p.string(GROUP_ID);
    StartupMode mode = StartupMode.parse(p.requireString(STARTUP_MODE));
    long startupTimestamp = p.longValue(STARTUP_TIMESTAMP).orElse(-1L);
    if (mode == StartupMode.TIMESTAMP && p.longValue(STARTUP_TIMESTAMP).isEmpty()) {
      problems.add(ConnectorException.invalidProperty(STARTUP_TIMESTAMP, null,
          "required when startup.mode = timestamp (epoch milliseconds)"));
    } else if (mode == StartupMode.TIMESTAMP && startupTimestamp < 0) {
      problems.add(ConnectorException.invalidProperty(STARTUP_TIMESTAMP, Long.toString(startupTimestamp),
          "must be epoch milliseconds ≥ 0"));
    }
    if (mode == StartupMode.GROUP_OFFSETS && groupId.isEmpty()) {
      problems.add(ConnectorException.invalidProperty(GROUP_ID, null,
          "required when startup.mode = group-offsets"));
    }

    RowDecoder.Format format = RowDecoder.Format.parse(p.requireString(FORMAT));
    boolean skip = p.requireString(ON_ERROR).equalsIgnoreCase("skip");

    List<Field> fields = ctx.schema().getFields();
    List<ColumnKind> kinds = new ArrayList<>();
    for (Field f : fields) {
      Optional<ColumnKind> kind = ColumnKind.of(f.getType());
      if (kind.isEmpty()) {
        problems.add(new ConnectorException(ConnectorException.Kind.INVALID_PROPERTY, null, "column '" + f.getName()
            + "' has type " + f.getType() + ", which the kafka source cannot decode (supported: "
            + ColumnKind.SUPPORTED + ")", null));
      }
      kinds.add(kind.orElse(null));
    }
    RowDecoder.TimestampTarget target = timestampTarget(p.string(TS_COLUMN), fields, kinds, problems);

    Map<String, Object> client = Map.of();
    try {
      client = ClientConfig.passThrough(p, RESERVED);
    } catch (ConnectorException e) {
      problems.add(e);
    }

    if (!problems.isEmpty()) {
      throw combine(problems);
    }
    return new KafkaSourceSettings(servers, topics, groupId, mode, startupTimestamp, format, skip, List.copyOf(kinds),
        target, p.duration(POLL_TIMEOUT).orElseThrow(), p.duration(DISCOVERY_INTERVAL).orElseThrow(),
        p.duration(CHECK_TIMEOUT).orElseThrow(), client);
  }

  private static RowDecoder.TimestampTarget timestampTarget(Optional<String> value, List<Field> fields,
      List<ColumnKind> kinds, List<ConnectorException> problems) {
    if (value.isEmpty()) {
      return new RowDecoder.TimestampTarget.None();
    }
    List<String> timestampColumns = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      if (kinds.get(i) == ColumnKind.TIMESTAMP) {
        timestampColumns.add(fields.get(i).getName());
      }
    }
    String available = timestampColumns.isEmpty() ? "the schema has no TIMESTAMP column"
        : "TIMESTAMP columns: " + String.join(", ", timestampColumns);
    if (value.get().equals(KAFKA_TIMESTAMP)) {
      if (timestampColumns.isEmpty()) {
        problems.add(ConnectorException.invalidProperty(TS_COLUMN, value.get(), available));
      }
      return new RowDecoder.TimestampTarget.FirstAbsent();
    }
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).getName().equals(value.get())) {
        if (kinds.get(i) != ColumnKind.TIMESTAMP) {
          problems.add(ConnectorException.invalidProperty(TS_COLUMN, value.get(),
              "column '" + value.get() + "' is not a TIMESTAMP column (" + available + ")"));
        }
        return new RowDecoder.TimestampTarget.Column(i);
      }
    }
    problems.add(ConnectorException.invalidProperty(TS_COLUMN, value.get(),
        "no such column; use '" + KAFKA_TIMESTAMP + "' or a column name (" + available + ")"));
    return new RowDecoder.TimestampTarget.None();
  }

  /** One problem as itself; several as one exception listing them all, blamed on the first property. */
  static ConnectorException combine(List<ConnectorException> problems) {
    if (problems.size() == 1) {
      return problems.get(0);
    }
    ConnectorException first = problems.get(0);
    String all = problems.stream().map(Throwable::getMessage).collect(Collectors.joining("; "));
    return new ConnectorException(first.kind(), first.property().orElse(null),
        problems.size() + " problems: " + all, null);
  }
}
