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
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
  /**
   * The feeder sends this many trades (4 s of event time: the watermark passes the first windows'
   * ends) and waits until the server has committed output before it sends the rest.
   */
  private static final int GATE = 2000;

  @TempDir Path dir;

  /**
   * With the clients' default timeouts (a minute and more) the outage is ridden out inside the
   * clients: sends and the open transaction wait for the broker, nothing fails.
   */
  @Test
  void brokerStoppedForTwentySecondsMidRunTheServerResumesAndTheOutputIsExactlyOnce() throws Exception {
    runThroughAnOutage("", false);
  }

  /**
   * With producer timeouts shorter than the outage the sink's calls fail during it (a client
   * TimeoutException under the sink's error): the region restarts from the last checkpoint, its
   * restarts keep failing while the broker is away, and the first one after its return resumes: the
   * reopened sink commits an epoch whose checkpoint was saved and aborts what came after it, so the
   * output is still exact.
   */
  @Test
  void sinkTimeoutsShorterThanTheOutageRestartTheRegionUntilTheBrokerIsBackAndTheOutputIsExactlyOnce()
      throws Exception {
    runThroughAnOutage("""
        "kafka.max.block.ms" = "3000"
        "kafka.request.timeout.ms" = "2000"
        "kafka.delivery.timeout.ms" = "4000"
        "kafka.transaction.timeout.ms" = "60000"
        """, true);
  }

  private void runThroughAnOutage(String sinkProperties, boolean restarts) throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
      String in = broker.createTopic("trades", PARTITIONS);
      String out = broker.createTopic("out", 1);
      // 6000 trades over 12 s of event time, fed at about that pace while the server runs
      List<Trade> trades = Trades.generate(31, 6000, 2, 500);
      Path checkpoints = dir.resolve("cp");
      Path config = dir.resolve("restart.toml");
      // checkpoints every 3 s: the sink's transaction holds rows most of the time, so the outage meets one
      Files.writeString(config, Trades.config("broker-restart", checkpoints, broker.bootstrapServers(), in, out,
          "exactly_once").replace("interval = \"300ms\"", "interval = \"3s\"") + sinkProperties);

      AtomicInteger produced = new AtomicInteger();
      AtomicReference<Exception> producerFailure = new AtomicReference<>();
      // the rest of the input is sent once the server writes (a slow start must not leave it behind)
      CountDownLatch outputSeen = new CountDownLatch(1);
      Thread feeder = new Thread(() -> {
        try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
          for (int i = 0; i < trades.size(); i += 50) {
            if (i == GATE && !outputSeen.await(5, TimeUnit.MINUTES)) {
              throw new IllegalStateException("the server wrote no output");
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
        server.await("some output committed", 180, () -> produced.get() >= GATE
            && !read(broker, out, "read_committed").isEmpty());
        outputSeen.countDown();
        // mid-transaction: the sink's open transaction holds rows that only the broker can commit
        server.await("a transaction with rows open", 120, () -> read(broker, out, "read_uncommitted").size()
            > read(broker, out, "read_committed").size());
        assertTrue(produced.get() < trades.size(), "the broker must stop while input is still arriving");

        broker.stop();
        long stoppedAt = System.nanoTime();
        long deadline = stoppedAt + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() - stoppedAt < OUTAGE.toNanos() || restarts && !server.stderr().contains(RESTARTING)) {
          assertTrue(server.isAlive(), () -> "laminar ended while the broker was down:\n" + server.stderr());
          assertTrue(System.nanoTime() < deadline, () -> "no restart while the broker was down:\n" + server.stderr());
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
        server.await(expected.size() + " windows committed", 120,
            () -> read(broker, out, "read_committed").size() >= expected.size());
        assertTrue(server.isAlive(), () -> "laminar ended:\n" + server.stderr());
        assertEquals(0, server.stop(60), server.stderr());
        if (restarts) {
          assertTrue(server.stderr().contains(RESTARTED), server.stderr());
        }
        // what the outage did to the server, for the test's report
        server.stderr().lines().filter(l -> l.contains(RESTARTING) || l.contains(RESTARTED))
            .forEach(l -> System.out.println("server: " + l));
        Trades.assertExactly(expected, read(broker, out, "read_committed"));
      } finally {
        if (server.isAlive()) {
          server.kill();
        }
      }
    }
  }

  /** What the supervisor logs when a region fails and when its restart succeeded. */
  private static final String RESTARTING = "restarting from the last checkpoint";
  private static final String RESTARTED = "restarted from";

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

  private static List<ConsumerRecord<String, String>> read(BrokerProcess broker, String topic, String isolation) {
    return EmbeddedKafka.readAll(broker.bootstrapServers(), Map.of(), topic, isolation);
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
