package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.kafka.Trades.Agg;
import io.laminar.kafka.Trades.Key;
import io.laminar.kafka.Trades.Trade;
import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away for more than 20 s in the middle of a run and comes back at the same address:
 * the server (a child JVM running {@code laminar run}) keeps running through the outage, resumes when
 * the broker is back, and its exactly-once kafka sink holds every window exactly once. The broker is
 * a real KRaft broker in its own process ({@link BrokerProcess}), stopped with SIGTERM.
 */
class KafkaBrokerRestartIT {
  private static final int PARTITIONS = 3;
  private static final Duration OUTAGE = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void brokerStoppedForTwentySecondsMidRunTheServerResumesAndTheOutputIsExactlyOnce() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
      String in = broker.createTopic("trades", PARTITIONS);
      String out = broker.createTopic("out", 1);
      // 6000 trades over 12 s of event time, fed at about that pace while the server runs
      List<Trade> trades = Trades.generate(31, 6000, 2, 500);
      Path checkpoints = dir.resolve("cp");
      Path config = dir.resolve("restart.toml");
      Files.writeString(config, Trades.config("broker-restart", checkpoints, broker.bootstrapServers(), in, out,
          "exactly_once"));

      AtomicInteger produced = new AtomicInteger();
      AtomicReference<Exception> producerFailure = new AtomicReference<>();
      // the second half of the input is sent once the broker is down (and waits for it to return)
      CountDownLatch brokerStopped = new CountDownLatch(1);
      Thread feeder = new Thread(() -> {
        try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
          for (int i = 0; i < trades.size(); i += 50) {
            if (i == trades.size() / 2 && !brokerStopped.await(5, TimeUnit.MINUTES)) {
              throw new IllegalStateException("the broker was never stopped");
            }
            int to = Math.min(trades.size(), i + 50);
            Trades.send(producer, in, PARTITIONS, trades, i, to);
            producer.flush(); // waits through the outage: the producer retries until the broker is back
            produced.set(to);
            Thread.sleep(100); // the feed's pace, not a synchronisation
          }
        } catch (Exception e) {
          producerFailure.set(e);
        }
      }, "trade-feeder");

      ServerProcess server = LaminarProcess.start(dir.resolve("server"), run(config));
      try {
        feeder.start();
        // mid-run: part of the input is read and checkpointed, and some windows are committed
        server.await("some output committed", 180, () -> produced.get() >= trades.size() / 2
            && !EmbeddedKafka.readAll(broker.bootstrapServers(), Map.of(), out, "read_committed").isEmpty());

        broker.stop();
        long stoppedAt = System.nanoTime();
        brokerStopped.countDown();
        while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
          assertTrue(server.isAlive(), () -> "laminar ended while the broker was down:\n" + server.stderr());
          Thread.sleep(200); // the outage itself: the server must keep running all along
        }
        assertTrue(server.isAlive(), () -> "laminar ended while the broker was down:\n" + server.stderr());
        broker.startAgain();

        feeder.join(TimeUnit.MINUTES.toMillis(3));
        assertNull(producerFailure.get(), "the feeder failed");
        assertEquals(trades.size(), produced.get());
        assertTrue(server.isAlive(), () -> "laminar ended after the broker came back:\n" + server.stderr());

        Map<TopicPartition, Long> end = endOffsets(broker, in);
        server.await("all input read after the broker came back", 180, () -> Trades.checkpointedOffsets(checkpoints,
            "trades").map(end::equals).orElse(false));
        try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
          Trades.sendFlush(producer, in, PARTITIONS);
        }
        Map<Key, Agg> expected = Trades.expected(trades);
        server.await(expected.size() + " windows committed", 120, () -> EmbeddedKafka.readAll(
            broker.bootstrapServers(), Map.of(), out, "read_committed").size() >= expected.size());
        assertTrue(server.isAlive(), () -> "laminar ended:\n" + server.stderr());
        assertEquals(0, server.stop(60), server.stderr());
        // what the outage did to the server, for the test's report: restarts of the region, if any
        server.stderr().lines().filter(l -> l.contains("restart") || l.contains("failed"))
            .forEach(l -> System.out.println("server: " + l));
        Trades.assertExactly(expected, EmbeddedKafka.readAll(broker.bootstrapServers(), Map.of(), out,
            "read_committed"));
      } finally {
        if (server.isAlive()) {
          server.kill();
        }
      }
    }
  }

  private static String[] run(Path config) {
    return new String[] {"run", "--plugins", LaminarProcess.KAFKA_PLUGIN.getParent().toString(), "-c",
        config.toString()};
  }

  /**
   * An idempotent producer (so a send retried across the broker's restart is written once) with small
   * batches (see {@link Trades#config}), patient enough to wait out the outage.
   */
  private static KafkaProducer<byte[], byte[]> producer(BrokerProcess broker) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 4096);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
    return new KafkaProducer<>(c);
  }

  private static Map<TopicPartition, Long> endOffsets(BrokerProcess broker, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      query.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    try (Admin admin = broker.admin()) {
      admin.listOffsets(query).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
    }
    return out;
  }
}
