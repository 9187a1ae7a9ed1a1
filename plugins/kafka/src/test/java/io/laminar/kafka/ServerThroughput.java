package io.laminar.kafka;

import io.laminar.testkit.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Throughput harness through the real server (not a test; prints only): a child JVM runs
 * {@code laminar run} with the packaged kafka plugin against the embedded broker.
 *
 * <ol>
 *   <li>Kafka → {@code WHERE price > 50} → Kafka, for each delivery guarantee: output records per
 *       second between the first and the last output record (their producer timestamps), and input
 *       records per second over the same span;</li>
 *   <li>Kafka → blackhole: input records per second between the first checkpoint that shows progress
 *       and the one that shows the end (checkpoint interval 100 ms).</li>
 * </ol>
 *
 * Run from plugins/kafka after {@code mvn package} with the test class path and
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED}; argument: input records (default 2000000).
 */
public final class ServerThroughput {
  private static final int PARTITIONS = 3;

  private ServerThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    Path dir = Files.createTempDirectory("laminar-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String in = kafka.createTopic("bench-in", PARTITIONS);
      long passing = produce(kafka, in, records);
      System.out.printf(Locale.ROOT, "input: %,d JSON records in %d partitions, %,d with price > 50%n", records,
          PARTITIONS, passing);
      for (String delivery : List.of("at_least_once", "exactly_once")) {
        String out = kafka.createTopic("bench-out", PARTITIONS);
        filter(kafka, dir, in, out, delivery, records, passing);
      }
      blackhole(kafka, dir, in, records);
    }
  }

  /** Trades with prices spread evenly over 0–100, so about half pass {@code price > 50}. */
  private static long produce(EmbeddedKafka kafka, String topic, int records) {
    long passing = 0;
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = kafka.newProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
      for (int i = 0; i < records; i++) {
        double price = (i * 7919L % 10_000) / 100.0;
        passing += price > 50 ? 1 : 0;
        String json = String.format(Locale.ROOT, "{\"symbol\":\"S%d\",\"price\":%.2f,\"qty\":%d,\"ts\":\"%s\"}", i % 100,
            price, 1 + i % 100, Instant.ofEpochMilli(Trades.T0 + i));
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, json.getBytes(StandardCharsets.UTF_8)));
      }
    }
    System.out.printf(Locale.ROOT, "produced in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return passing;
  }

  private static String source(String bootstrap, String topic) {
    return """
        [[source]]
        name = "trades"
        connector = "kafka"
        [source.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        """.formatted(bootstrap, topic);
  }

  private static String server(String name, Path checkpoints, String interval) {
    return """
        [server]
        name = "%s"
        bind = "127.0.0.1:0"
        log_level = "warn"

        [checkpoint]
        path = "%s"
        interval = "%s"
        """.formatted(name, checkpoints, interval);
  }

  private static void filter(EmbeddedKafka kafka, Path dir, String in, String out, String delivery, int records,
      long passing) throws Exception {
    Path config = dir.resolve("filter-" + delivery + ".toml");
    Files.writeString(config, server("bench-" + delivery, dir.resolve("cp-" + delivery), "1s")
        + source(kafka.bootstrapServers(), in) + """

        [[pipeline]]
        name = "expensive"
        sql = "SELECT symbol, price, qty, ts FROM trades WHERE price > 50"

        [[sink]]
        name = "out"
        pipeline = "expensive"
        connector = "kafka"
        delivery = "%s"
        [sink.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        "kafka.linger.ms" = "20"
        "kafka.batch.size" = "262144"
        "kafka.compression.type" = "lz4"
        """.formatted(delivery, kafka.bootstrapServers(), out));
    long start = System.nanoTime();
    ServerProcess server = LaminarProcess.start(dir.resolve("filter-" + delivery), "run", "--plugins",
        LaminarProcess.KAFKA_PLUGIN.getParent().toString(), "-c", config.toString());
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long seen = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000))) {
      List<TopicPartition> parts = c.partitionsFor(out).stream().map(p -> new TopicPartition(out, p.partition()))
          .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (seen < passing && System.nanoTime() < deadline && server.isAlive()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          first = Math.min(first, r.timestamp());
          last = Math.max(last, r.timestamp());
          seen++;
        }
      }
    }
    double wall = (System.nanoTime() - start) / 1e9;
    int exit = server.isAlive() ? server.stop(60) : server.exitValue();
    double span = Math.max(1, last - first) / 1000.0;
    System.out.printf(Locale.ROOT, "kafka → WHERE price > 50 → kafka (%s): %,d of %,d output rows; first→last output"
        + " %.2f s = %,.0f output rows/s, %,.0f input records/s; %.1f s from JVM start to last row; exit %d%n",
        delivery, seen, passing, span, seen / span, records / span, wall, exit);
  }

  private static void blackhole(EmbeddedKafka kafka, Path dir, String in, int records) throws Exception {
    Path checkpoints = dir.resolve("cp-blackhole");
    Path config = dir.resolve("blackhole.toml");
    Files.writeString(config, server("bench-blackhole", checkpoints, "100ms") + source(kafka.bootstrapServers(), in)
        + """

        [[pipeline]]
        name = "all"
        sql = "SELECT symbol, price, qty, ts FROM trades"

        [[sink]]
        name = "out"
        pipeline = "all"
        connector = "blackhole"
        """);
    Map<TopicPartition, Long> end = kafka.endOffsets(in);
    ServerProcess server = LaminarProcess.start(dir.resolve("blackhole"), "run", "--plugins",
        LaminarProcess.KAFKA_PLUGIN.getParent().toString(), "-c", config.toString());
    long firstNanos = 0;
    long firstRead = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    long lastNanos = 0;
    while (System.nanoTime() < deadline && server.isAlive()) {
      Optional<Map<TopicPartition, Long>> offsets = Trades.checkpointedOffsets(checkpoints, "trades");
      long read = offsets.map(o -> o.values().stream().mapToLong(Long::longValue).sum()).orElse(0L);
      if (read > 0 && firstNanos == 0) {
        firstNanos = System.nanoTime();
        firstRead = read;
      }
      if (offsets.map(end::equals).orElse(false)) {
        lastNanos = System.nanoTime();
        break;
      }
      Thread.sleep(20);
    }
    int exit = server.stop(60);
    double span = (lastNanos - firstNanos) / 1e9;
    System.out.printf(Locale.ROOT, "kafka → blackhole: %,d records in %.2f s between checkpoints = %,.0f records/s;"
        + " exit %d%n", records - firstRead, span, (records - firstRead) / span, exit);
  }
}
