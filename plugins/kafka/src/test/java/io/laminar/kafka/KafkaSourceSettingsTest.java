package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The source's cross-property checks and the offsets format, without a broker. */
class KafkaSourceSettingsTest {
  private static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT));
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void close() {
    allocator.close();
  }

  private ConnectorException problem(Schema schema, Map<String, Object> props) {
    Map<String, Object> all = new HashMap<>(props);
    all.put("bootstrap.servers", "localhost:9092");
    return assertThrows(ConnectorException.class, () -> new KafkaSourceFactory().create(Fixtures.context("in",
        ConnectorKind.SOURCE, new KafkaSourceFactory().spec(), all, schema, allocator, null)));
  }

  private KafkaSource source(Map<String, Object> props) throws ConnectorException {
    Map<String, Object> all = new HashMap<>(props);
    all.put("bootstrap.servers", "localhost:9092");
    return (KafkaSource) new KafkaSourceFactory().create(Fixtures.context("in", ConnectorKind.SOURCE,
        new KafkaSourceFactory().spec(), all, SCHEMA, allocator, null));
  }

  @Test
  void fetchDefaultsApplyAndTheUsersKafkaSettingsOverrideThem() throws Exception {
    Map<String, Object> defaults = source(Map.of("topic", "a")).consumerConfig();
    assertEquals(12_000, defaults.get("max.poll.records"));
    assertEquals(1024 * 1024, defaults.get("max.partition.fetch.bytes"));
    assertEquals(1024 * 1024, defaults.get("receive.buffer.bytes"));
    assertEquals("read_committed", defaults.get("isolation.level"));

    Map<String, Object> overridden = source(Map.of("topic", "a", "kafka.max.poll.records", "500",
        "kafka.max.partition.fetch.bytes", "8192", "kafka.fetch.min.bytes", "65536")).consumerConfig();
    assertEquals("500", overridden.get("max.poll.records"));
    assertEquals("8192", overridden.get("max.partition.fetch.bytes"));
    assertEquals("65536", overridden.get("fetch.min.bytes"));
  }

  @Test
  void topicAndTopicsTogetherAreRejected() {
    ConnectorException e = problem(SCHEMA, Map.of("topic", "a", "topics", "a,b"));

    assertEquals("topics", e.property().orElseThrow());
  }

  @Test
  void neitherTopicNorTopicsIsAMissingProperty() {
    assertEquals(ConnectorException.Kind.MISSING_PROPERTY, problem(SCHEMA, Map.of()).kind());
  }

  @Test
  void timestampModeNeedsStartupTimestamp() {
    assertEquals("startup.timestamp", problem(SCHEMA, Map.of("topic", "a", "startup.mode", "timestamp"))
        .property().orElseThrow());
  }

  @Test
  void groupOffsetsModeNeedsGroupId() {
    assertEquals("group.id", problem(SCHEMA, Map.of("topic", "a", "startup.mode", "group-offsets"))
        .property().orElseThrow());
  }

  @Test
  void kafkaTimestampNeedsATimestampColumn() {
    ConnectorException e = problem(SCHEMA, Map.of("topic", "a", "ts_column", "$kafka.timestamp"));

    assertTrue(e.getMessage().contains("the schema has no TIMESTAMP column"), e.getMessage());
  }

  @Test
  void passThroughSettingsTheConnectorControlsAreRejected() {
    assertEquals("kafka.enable.auto.commit", problem(SCHEMA, Map.of("topic", "a", "kafka.enable.auto.commit", "true"))
        .property().orElseThrow());
  }

  @Test
  void unsupportedColumnTypesAndOtherProblemsAreReportedTogether() {
    Schema schema = Fixtures.schema(col("blob", ArrowType.Binary.INSTANCE));

    ConnectorException e = problem(schema, Map.of("topic", "a", "startup.mode", "timestamp"));

    assertTrue(e.getMessage().startsWith("2 problems: "), e.getMessage());
    assertTrue(e.getMessage().contains("column 'blob'"), e.getMessage());
  }

  @Test
  void offsetsOfTheSingleReaderSourceRoundTripThroughTheirJsonForm() throws Exception {
    Map<TopicPartition, Long> offsets = Map.of(new TopicPartition("a", 0), 5L, new TopicPartition("a", 1), 0L,
        new TopicPartition("b", 0), 12L);

    byte[] bytes = Trades.singleReaderOffsets(offsets);

    assertEquals("{\"a\":{\"0\":5,\"1\":0},\"b\":{\"0\":12}}", new String(bytes, StandardCharsets.UTF_8));
    assertEquals(offsets, Offsets.decode(bytes));
  }

  @Test
  void unusableOffsetsAreARuntimeError() {
    ConnectorException e = assertThrows(ConnectorException.class,
        () -> Offsets.decode("{\"a\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8)));

    assertEquals(ConnectorException.Kind.RUNTIME, e.kind());
    assertTrue(e.getMessage().contains("partition 'x' of topic 'a' is not a number"), e.getMessage());
  }
}
