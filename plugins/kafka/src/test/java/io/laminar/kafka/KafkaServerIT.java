package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.kafka.Trades.Agg;
import io.laminar.kafka.Trades.Key;
import io.laminar.kafka.Trades.Trade;
import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server (a child JVM running {@code laminar run}) with the packaged kafka plugin: JSON
 * trades from a 3-partition topic → 1-second TUMBLE COUNT/SUM/AVG per symbol → an exactly-once kafka
 * sink, checked by a {@code read_committed} consumer against aggregates computed here.
 */
class KafkaServerIT {
  private static final int PARTITIONS = 3;
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

  /**
   * Small record batches: a fetch returns at least one whole batch per partition, so the batch size
   * bounds how far the source reads one partition ahead of the others (see {@link Trades#config}).
   */
  private static KafkaProducer<byte[], byte[]> producer() {
    return kafka.newProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 4096));
  }

  @Test
  void jsonTradesAreAggregatedPerWindowAndWrittenExactlyOnce() throws Exception {
    String in = kafka.createTopic("trades", PARTITIONS);
    String out = kafka.createTopic("out", 1);
    List<Trade> trades = Trades.generate(7, 3000, 3, 600);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      Trades.send(producer, in, PARTITIONS, trades, 0, trades.size());
      producer.flush();
    }
    Path config = dir.resolve("e2e.toml");
    Files.writeString(config, Trades.config("e2e", dir.resolve("cp"), kafka.bootstrapServers(), in, out,
        "exactly_once"));

    ServerProcess server = LaminarProcess.start(dir.resolve("e2e"), run(config));
    Map<Key, Agg> expected = Trades.expected(trades);
    finish(server, dir.resolve("cp"), in, out, expected.size());
    assertEquals(0, server.stop(30), server.stderr());
    assertTrue(server.stderr().contains("laminar: stopped."), server.stderr());

    assertOutputIsExactly(expected, out);
    String log = server.stderr();
    assertTrue(log.contains("kafka-clients " + org.apache.kafka.common.utils.AppInfoParser.getVersion() + " ("
        + LaminarProcess.KAFKA_PLUGIN.toAbsolutePath().resolve("lib")), "kafka-clients comes from the plugin's lib/: "
        + log);
    assertFalse(LaminarProcess.classPath().contains("kafka-clients"), "the server's class path has no kafka-clients");
  }

  @Test
  void killedWithSigkillRepeatedlyTheCommittedOutputHasEveryWindowExactlyOnce() throws Exception {
    String in = kafka.createTopic("trades", PARTITIONS);
    String out = kafka.createTopic("out", 1);
    // 6000 trades over 12 s of event time, produced at about the same pace while the server runs
    List<Trade> trades = Trades.generate(11, 6000, 2, 500);
    Path config = dir.resolve("crash.toml");
    Files.writeString(config, Trades.config("crash", dir.resolve("cp"), kafka.bootstrapServers(), in, out,
        "exactly_once"));

    AtomicInteger produced = new AtomicInteger();
    AtomicReference<Exception> producerFailure = new AtomicReference<>();
    Thread feeder = new Thread(() -> {
      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        for (int i = 0; i < trades.size(); i += 50) {
          int to = Math.min(trades.size(), i + 50);
          Trades.send(producer, in, PARTITIONS, trades, i, to);
          producer.flush();
          produced.set(to);
          Thread.sleep(100);
        }
      } catch (Exception e) {
        producerFailure.set(e);
      }
    }, "trade-feeder");
    feeder.start();

    Random random = new Random(20261125);
    Path logs = dir.resolve("crash");
    int kills = 0;
    while (kills < 6) {
      ServerProcess server = LaminarProcess.start(logs, run(config));
      Thread.sleep(1200 + random.nextInt(2300));
      assertTrue(server.isAlive(), () -> "laminar ended before the kill:\n" + server.stderr());
      server.kill();
      kills++;
    }
    feeder.join(60_000);
    assertEquals(null, producerFailure.get());
    assertEquals(trades.size(), produced.get());

    ServerProcess server = LaminarProcess.start(logs, run(config));
    Map<Key, Agg> expected = Trades.expected(trades);
    finish(server, dir.resolve("cp"), in, out, expected.size());
    assertEquals(0, server.stop(30), server.stderr());
    assertOutputIsExactly(expected, out);
  }

  /**
   * Waits until the server has read all input (its checkpointed offsets reach the end offsets), then
   * sends the flush trade and waits until {@code windows} rows are visible to a read_committed consumer.
   */
  private static void finish(ServerProcess server, Path checkpoints, String in, String out, int windows)
      throws Exception {
    Map<TopicPartition, Long> end = kafka.endOffsets(in);
    server.await("all input read", 90, () -> Trades.checkpointedOffsets(checkpoints, "trades")
        .map(end::equals).orElse(false));
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      Trades.sendFlush(producer, in, PARTITIONS);
    }
    server.await(windows + " windows committed", 60, () -> kafka.readAll(out, "read_committed").size() >= windows);
  }

  private static void assertOutputIsExactly(Map<Key, Agg> expected, String out) {
    Trades.assertExactly(expected, kafka.readAll(out, "read_committed"));
  }
}
