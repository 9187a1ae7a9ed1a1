package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.laminar.testkit.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers writing into one exactly-once kafka sink at the same time ({@code
 * Sink.acceptsConcurrentWrites}): a stateless filter over a 4-partition topic runs on both workers
 * (each reads its partitions and writes its own batches), and the committed output is exactly the
 * matching input records, once each, across SIGKILLs at random points of the run.
 */
class KafkaConcurrentSinkIT {
  private static final int PARTITIONS = 4;
  private static final int RECORDS = 60_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmbeddedKafka kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  private static String[] run(Path config) {
    return new String[] {"run", "--plugins", LaminarProcess.KAFKA_PLUGIN.getParent().toString(), "-c",
        config.toString()};
  }

  /** id n has price n % 100 + 0.5: the filter keeps ids from n % 100 = 50 on. */
  private static byte[] record(int id) {
    return ("{\"id\":" + id + ",\"price\":" + (id % 100) + ".5}").getBytes(StandardCharsets.UTF_8);
  }

  private Path config(String in, String out) throws Exception {
    Path config = dir.resolve("concurrent.toml");
    Files.writeString(config, """
        [server]
        name = "concurrent"
        bind = "127.0.0.1:0"
        shutdown_timeout = "20s"
        workers = 2

        [checkpoint]
        path = "%1$s"
        interval = "300ms"
        retain = 3

        [[source]]
        name = "ticks"
        connector = "kafka"
        [source.properties]
        "bootstrap.servers" = "%2$s"
        topic = "%3$s"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"

        [[pipeline]]
        name = "expensive"
        sql = "SELECT id, price FROM ticks WHERE price > 50"

        [[sink]]
        name = "out"
        pipeline = "expensive"
        connector = "kafka"
        delivery = "exactly_once"
        [sink.properties]
        "bootstrap.servers" = "%2$s"
        topic = "%4$s"
        """.formatted(dir.resolve("cp"), kafka.bootstrapServers(), in, out));
    return config;
  }

  @Test
  void killedWithSigkillRepeatedlyTwoConcurrentWritersCommitEveryRecordExactlyOnce() throws Exception {
    String in = kafka.createTopic("ticks", PARTITIONS);
    String out = kafka.createTopic("ticks-out", 2);
    Path config = config(in, out);

    AtomicInteger produced = new AtomicInteger();
    AtomicReference<Exception> producerFailure = new AtomicReference<>();
    Thread feeder = new Thread(() -> {
      try (KafkaProducer<byte[], byte[]> producer = kafka.newProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
        for (int i = 0; i < RECORDS; i += 500) {
          for (int id = i; id < i + 500; id++) {
            producer.send(new ProducerRecord<>(in, id % PARTITIONS, null, record(id)));
          }
          producer.flush();
          produced.set(i + 500);
          Thread.sleep(60); // the pace of the input: the kills fall while it is being read
        }
      } catch (Exception e) {
        producerFailure.set(e);
      }
    }, "tick-feeder");
    feeder.start();

    Random random = new Random(20261202);
    Path logs = dir.resolve("logs");
    for (int kills = 0; kills < 5; kills++) {
      ServerProcess server = LaminarProcess.start(logs, run(config));
      Thread.sleep(1200 + random.nextInt(2300)); // when to kill: a random point of the run, not a wait
      assertTrue(server.isAlive(), () -> "laminar ended before the kill:\n" + server.stderr());
      server.kill();
    }
    feeder.join(60_000);
    assertEquals(null, producerFailure.get());
    assertEquals(RECORDS, produced.get());

    List<Long> expected = new ArrayList<>();
    for (long id = 0; id < RECORDS; id++) {
      if (id % 100 + 0.5 > 50) {
        expected.add(id);
      }
    }
    ServerProcess server = LaminarProcess.start(logs, run(config));
    Map<TopicPartition, Long> end = kafka.endOffsets(in);
    server.await("all input read", 120, () -> Trades.checkpointedOffsets(dir.resolve("cp"), "ticks")
        .map(end::equals).orElse(false));
    server.await(expected.size() + " records committed", 90,
        () -> kafka.readAll(out, "read_committed").size() >= expected.size());
    assertEquals(0, server.stop(30), server.stderr());

    Map<Long, Integer> seen = new TreeMap<>();
    for (ConsumerRecord<String, String> r : kafka.readAll(out, "read_committed")) {
      JsonNode row = JSON.readTree(r.value());
      long id = row.get("id").asLong();
      assertEquals((id % 100) + 0.5, row.get("price").asDouble(), r.value());
      seen.merge(id, 1, Integer::sum);
    }
    List<Long> doubled = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    assertEquals(List.of(), doubled, "records written more than once");
    assertEquals(expected, List.copyOf(seen.keySet()), "every matching record, none else");
  }
}
