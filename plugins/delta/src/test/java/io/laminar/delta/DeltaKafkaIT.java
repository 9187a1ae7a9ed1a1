package io.laminar.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation showcase: the delta plugin (Delta Kernel, Hadoop 3.4.2, Parquet 1.16 with its zstd-jni)
 * and the kafka plugin (kafka-clients with its own zstd-jni, snappy and lz4 natives, its Jackson) in
 * one server; one pipeline writes to two sinks, a zstd-compressed Delta table and a zstd-compressed
 * Kafka topic (exactly-once, transactional). Both outputs hold every row once.
 */
class DeltaKafkaIT {
  private static final int ROWS = 20_000;

  @TempDir Path dir;

  private Path pluginsDir() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    LaminarProcess.copyTree(LaminarProcess.DELTA_PLUGIN, plugins.resolve("delta"));
    LaminarProcess.copyTree(LaminarProcess.TEST_PLUGINS.resolve("laminar-plugin-kafka-plugin"), plugins.resolve("kafka"));
    return plugins;
  }

  @Test
  void oneSourceIntoADeltaTableAndAKafkaTopicInOneServer() throws Exception {
    // closed in finally: its close() throws InterruptedException, which try-with-resources warns about
    KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
        .setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("auto.create.topics.enable", "false")
        .build();
    try {
      kafka.format();
      kafka.startup();
      kafka.waitForReadyBrokers();
      String topic = "delta-isolation";
      try (Admin admin = kafka.admin()) {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      }
      Path table = dir.resolve("table");
      Path config = dir.resolve("both.toml");
      Files.writeString(config, """
          [server]
          name = "both"
          bind = "127.0.0.1:0"

          [checkpoint]
          path = "%s"
          interval = "300ms"

          [[source]]
          name = "gen"
          connector = "generator"
          [source.properties]
          max_rows = %d
          seed = 5
          "fields.id.kind" = "sequence"
          [[source.schema]]
          name = "id"
          type = "BIGINT"
          [[source.schema]]
          name = "name"
          type = "VARCHAR"
          [[source.schema]]
          name = "ts"
          type = "TIMESTAMP"

          [[pipeline]]
          name = "out"
          sql = "SELECT id, name, ts FROM gen"

          [[sink]]
          name = "delta"
          pipeline = "out"
          connector = "delta_lake"
          delivery = "exactly_once"
          [sink.properties]
          "table.path" = "%s"
          "parquet.compression" = "zstd"

          [[sink]]
          name = "kafka"
          pipeline = "out"
          connector = "kafka"
          delivery = "exactly_once"
          [sink.properties]
          "bootstrap.servers" = "%s"
          topic = "%s"
          "kafka.compression.type" = "zstd"
          """.formatted(DeltaServerIT.esc(dir.resolve("cp")), ROWS, DeltaServerIT.esc(table),
          kafka.bootstrapServers(), topic));
      ServerProcess.Result r = LaminarProcess.run(dir.resolve("both"), 180, "run", "--plugins",
          pluginsDir().toString(), "-c", config.toString());
      assertEquals(0, r.exit(), r.stderr());

      List<List<Object>> rows = DeltaTables.rows(table);
      assertEquals(ROWS, rows.size());
      TreeSet<Long> deltaIds = new TreeSet<>();
      rows.forEach(x -> deltaIds.add((Long) x.get(0)));
      assertEquals(ROWS, deltaIds.size(), "every id once in the Delta table");
      List<String> records = readCommitted(kafka.bootstrapServers(), topic);
      assertEquals(ROWS, records.size(), "every row once in the topic");
      TreeSet<Long> kafkaIds = new TreeSet<>();
      Pattern id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
      for (String json : records) {
        Matcher m = id.matcher(json);
        assertTrue(m.find(), json);
        kafkaIds.add(Long.parseLong(m.group(1)));
      }
      assertEquals(deltaIds, kafkaIds, "both outputs hold the same rows");
      assertTrue(DeltaTables.referencedFiles(table).size() > 0);
    } finally {
      kafka.close();
    }
  }

  private static List<String> readCommitted(String bootstrap, String topic) {
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition()))
          .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(100))) {
          out.add(new String(rec.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }
}
