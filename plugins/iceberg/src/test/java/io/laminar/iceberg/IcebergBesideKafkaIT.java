package io.laminar.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged iceberg and kafka plugins in one server, each in its own class loader with its own
 * libraries (Iceberg's Hadoop, Parquet, Avro and Jackson; Kafka's clients, compression codecs and
 * Jackson): one pipeline writes every row exactly once both into an Iceberg table and into an
 * exactly-once Kafka topic (a real KRaft broker, embedded).
 */
class IcebergBesideKafkaIT {
  private static final int ROWS = 20_000;
  private static final Path KAFKA_PLUGIN = Path.of(System.getProperty("laminar.kafkaPlugin",
      "target/other-plugins/kafka"));
  @TempDir Path dir;

  private Path pluginsDir() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.createSymbolicLink(plugins.resolve("iceberg"), LaminarProcess.ICEBERG_PLUGIN.toAbsolutePath());
    Files.createSymbolicLink(plugins.resolve("kafka"), KAFKA_PLUGIN.toAbsolutePath());
    return plugins;
  }

  private void removeLinks() throws Exception {
    // the links point at the build's plugin directories, which must outlive the test
    Files.deleteIfExists(dir.resolve("plugins").resolve("iceberg"));
    Files.deleteIfExists(dir.resolve("plugins").resolve("kafka"));
  }

  @Test
  void theKafkaToIcebergExampleValidates() throws Exception {
    Path example = Path.of(System.getProperty("user.dir")).resolve("../../examples/kafka-to-iceberg.toml").normalize();
    Path copy = dir.resolve("kafka-to-iceberg.toml");
    Files.copy(example, copy);
    try {
      ServerProcess.Result r = LaminarProcess.launcher().run(dir.resolve("example"), 120, "validate", "--offline",
          "--plugins", pluginsDir().toString(), "-c", copy.toString());
      assertEquals(0, r.exit(), r.stdout() + r.stderr());
    } finally {
      removeLinks();
    }
  }

  @Test
  void onePipelineWritesIntoIcebergAndKafkaFromOneServer() throws Exception {
    // closed in finally: its close() may throw InterruptedException, which try-with-resources warns about
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
        .setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("auto.create.topics.enable", "false").build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      String topic = "lake-copy";
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      }
      Path plugins = pluginsDir();
      Path warehouse = dir.resolve("warehouse");
      String sinks = """
          warehouse = "%s"
          namespace = "lake"
          "table.name" = "trades"

          [[sink]]
          name = "stream"
          pipeline = "copy"
          connector = "kafka"
          delivery = "exactly_once"
          [sink.properties]
          "bootstrap.servers" = "%s"
          topic = "%s"
          """.formatted(warehouse, cluster.bootstrapServers(), topic);
      Path config = dir.resolve("both.toml");
      Files.writeString(config, IcebergServerIT.config("both", dir.resolve("cp"), sinks)
          .replace("max_rows = 200000", "max_rows = " + ROWS));
      ServerProcess.Result r = LaminarProcess.launcher().run(dir.resolve("both"), 240,
          "run", "--plugins", plugins.toString(), "-c", config.toString());
      assertEquals(0, r.exit(), r.stderr());

      try (var catalog = Fixtures.hadoopCatalog(warehouse)) {
        List<Map<String, Object>> rows = Fixtures.read(catalog.loadTable(TableIdentifier.of("lake", "trades")));
        assertEquals(ROWS, rows.size());
        assertEquals(ROWS, rows.stream().map(m -> m.get("id")).distinct().count());
      }
      Set<Long> ids = new HashSet<>();
      int records = 0;
      Pattern id = Pattern.compile("\"id\":(\\d+)");
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
          cluster.bootstrapServers(), "isolation.level", "read_committed"), new ByteArrayDeserializer(),
          new ByteArrayDeserializer())) {
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (records < ROWS && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
            Matcher m = id.matcher(new String(rec.value(), StandardCharsets.UTF_8));
            assertTrue(m.find(), "a JSON row with an id");
            ids.add(Long.parseLong(m.group(1)));
            records++;
          }
        }
      }
      assertEquals(ROWS, records, "kafka records");
      assertEquals(ROWS, ids.size(), "each row once in kafka");
    } finally {
      removeLinks();
      cluster.close();
    }
  }
}
