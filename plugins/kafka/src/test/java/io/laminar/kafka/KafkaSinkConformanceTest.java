package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.VARCHAR;
import static io.laminar.kafka.Fixtures.col;

import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.SinkFactory;
import io.laminar.testkit.conformance.SinkConformance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The sink suite against the real KRaft broker test kit: exactly-once (one transaction per epoch),
 * read back with a read_committed consumer.
 */
class KafkaSinkConformanceTest extends SinkConformance {
  private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
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
  void createTopic() throws Exception {
    topic = kafka.createTopic("conformance-sink", 2);
  }

  @Override
  protected SinkFactory factory() {
    return new KafkaSinkFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers(), "topic", topic);
  }

  @Override
  protected Schema schema() {
    return Fixtures.schema(col("id", BIGINT), col("name", VARCHAR));
  }

  @Override
  protected DeliveryGuarantee delivery() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }

  @Override
  protected List<Long> readBack() {
    List<Long> ids = new ArrayList<>();
    for (ConsumerRecord<String, String> r : kafka.readAll(topic, "read_committed")) {
      Matcher m = ID.matcher(r.value());
      if (!m.find()) {
        throw new AssertionError("a record without an id: " + r.value());
      }
      ids.add(Long.parseLong(m.group(1)));
    }
    return ids;
  }
}
