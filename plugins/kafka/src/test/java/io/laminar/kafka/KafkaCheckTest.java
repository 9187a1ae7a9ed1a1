package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.Source;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connectivity probe of source and sink. */
class KafkaCheckTest {
  private static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT));
  private static EmbeddedKafka kafka;
  private BufferAllocator allocator;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    kafka.close();
  }

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private Source source(String servers, Map<String, Object> props) throws ConnectorException {
    props.put("bootstrap.servers", servers);
    return new KafkaSourceFactory().create(Fixtures.context("in", ConnectorKind.SOURCE, new KafkaSourceFactory().spec(),
        props, SCHEMA, allocator, null));
  }

  private Sink sink(String servers, String topic) throws ConnectorException {
    return new KafkaSinkFactory().create(Fixtures.context("out", ConnectorKind.SINK, new KafkaSinkFactory().spec(),
        new java.util.HashMap<>(Map.of("bootstrap.servers", servers, "topic", topic, "check.timeout", Duration.ofSeconds(1))),
        SCHEMA, allocator, DeliveryGuarantee.AT_LEAST_ONCE));
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void existingTopicsPassTheCheck() throws Exception {
    String a = kafka.createTopic("check-a", 1);
    String b = kafka.createTopic("check-b", 1);

    Source both = source(kafka.bootstrapServers(), new java.util.HashMap<>(Map.of("topics", a + "," + b)));
    assertDoesNotThrow(both::check, "both topics exist");
    assertDoesNotThrow(sink(kafka.bootstrapServers(), a)::check, "the sink's topic exists");
    // the same check with one topic missing names exactly that one
    Source oneMissing = source(kafka.bootstrapServers(), new java.util.HashMap<>(Map.of("topics", a + ",ghost-" + b)));
    ConnectorException e = assertThrows(ConnectorException.class, oneMissing::check);
    assertEquals("cannot connect to kafka at " + kafka.bootstrapServers() + ", topic ghost-" + b + ": topic 'ghost-" + b
        + "' does not exist", e.getMessage());
  }

  @Test
  void sourceCheckNamesTheTopicThatDoesNotExist() throws Exception {
    String a = kafka.createTopic("check-c", 1);
    Source source = source(kafka.bootstrapServers(), new java.util.HashMap<>(Map.of("topics", a + ",ghost")));

    ConnectorException e = assertThrows(ConnectorException.class, source::check);

    assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
    assertEquals("cannot connect to kafka at " + kafka.bootstrapServers() + ", topic ghost: topic 'ghost' does not exist",
        e.getMessage());
  }

  @Test
  void sinkCheckFailsForAnUnknownTopic() throws Exception {
    ConnectorException e = assertThrows(ConnectorException.class, () -> sink(kafka.bootstrapServers(), "nowhere").check());

    assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
    assertTrue(e.getMessage().endsWith("topic 'nowhere' does not exist"), e.getMessage());
  }

  @Test
  void unreachableBrokerFailsWithinTheCheckTimeout() throws Exception {
    String servers = "127.0.0.1:" + closedPort();
    Source source = source(servers, new java.util.HashMap<>(Map.of("topic", "t", "check.timeout", Duration.ofSeconds(1))));

    long start = System.nanoTime();
    ConnectorException e = assertThrows(ConnectorException.class, source::check);

    assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
    assertEquals("cannot connect to kafka at " + servers + ", topic t: no broker answered at " + servers + " within 1 s"
        + " (the property check.timeout sets this limit)",
        e.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(4)) < 0, "bounded by the timeout");
  }

  @Test
  void unreachableBrokerFailsTheSinkCheck() throws Exception {
    String servers = "127.0.0.1:" + closedPort();

    ConnectorException e = assertThrows(ConnectorException.class, () -> sink(servers, "t").check());

    assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
    assertTrue(e.getMessage().contains("no broker answered"), e.getMessage());
  }
}
