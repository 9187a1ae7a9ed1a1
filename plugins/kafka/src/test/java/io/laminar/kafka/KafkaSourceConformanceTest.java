package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.VARCHAR;
import static io.laminar.kafka.Fixtures.col;

import io.laminar.api.SourceFactory;
import io.laminar.testkit.conformance.SourceConformance;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The source suite against the real KRaft broker test kit: JSON records spread over three partitions. */
class KafkaSourceConformanceTest extends SourceConformance {
  private static final int ROWS = 240;
  private static EmbeddedKafka kafka;
  private String topic;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @BeforeEach
  void fillTopic() throws Exception {
    topic = kafka.createTopic("conformance", 3);
    for (int p = 0; p < 3; p++) {
      int partition = p;
      kafka.sendAll(topic, p, IntStream.range(0, ROWS).filter(i -> i % 3 == partition)
          .mapToObj(i -> "{\"id\":" + i + ",\"name\":\"v" + i + "\"}").toList());
    }
  }

  @Override
  protected SourceFactory factory() {
    return new KafkaSourceFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers(), "topic", topic, "format", "json");
  }

  @Override
  protected Schema schema() {
    return Fixtures.schema(col("id", BIGINT), col("name", VARCHAR));
  }

  @Override
  protected int expectedRows() {
    return ROWS;
  }

  @Override
  protected boolean bounded() {
    return false;
  }

  @Override
  protected int restoreTrials() {
    return 4;
  }
}
