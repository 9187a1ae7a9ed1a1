package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.laminar.testkit.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kafka plugin (current Jackson, lz4/snappy/zstd natives) and the jackson-old test plugin
 * (Jackson 2.12) in one server process: one kafka source feeds a pipeline into the jackson_old sink
 * and another into a zstd-compressing kafka sink, reading input written with lz4, snappy and zstd.
 * Both outputs are complete and each plugin reports the library versions it actually runs with.
 */
class PluginConflictIT {
  private static final String OLD_JACKSON = "2.12.7";
  private static final List<String> CODECS = List.of("lz4", "snappy", "zstd");
  private static final int PER_PARTITION = 200;

  @TempDir Path dir;

  @Test
  void kafkaAndAnOldJacksonPluginRunInOneServerEachWithItsOwnLibraries() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String in = kafka.createTopic("mixed", CODECS.size());
      String out = kafka.createTopic("mixed-out", 1);
      for (int p = 0; p < CODECS.size(); p++) {
        try (KafkaProducer<byte[], byte[]> producer = kafka.newProducer(
            Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, CODECS.get(p), ProducerConfig.LINGER_MS_CONFIG, 20))) {
          for (int i = 0; i < PER_PARTITION; i++) {
            String json = "{\"symbol\":\"" + CODECS.get(p) + "\",\"qty\":" + i + ",\"ts\":\""
                + Instant.ofEpochMilli(Trades.T0 + i) + "\"}";
            producer.send(new ProducerRecord<>(in, p, null, json.getBytes(StandardCharsets.UTF_8)));
          }
        }
      }
      Path lines = dir.resolve("jackson-old.jsonl");
      Path config = dir.resolve("conflict.toml");
      Files.writeString(config, """
          [server]
          name = "conflict"
          bind = "127.0.0.1:0"

          [checkpoint]
          path = "%s"
          interval = "300ms"

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
          name = "qty"
          type = "INT"
          [[source.schema]]
          name = "ts"
          type = "TIMESTAMP"

          [[pipeline]]
          name = "to_file"
          sql = "SELECT symbol, qty, ts FROM trades"

          [[pipeline]]
          name = "to_kafka"
          sql = "SELECT symbol, qty * 2 AS twice FROM trades"

          [[sink]]
          name = "old"
          pipeline = "to_file"
          connector = "jackson_old"
          [sink.properties]
          path = "%s"

          [[sink]]
          name = "compressed"
          pipeline = "to_kafka"
          connector = "kafka"
          delivery = "exactly_once"
          [sink.properties]
          "bootstrap.servers" = "%s"
          topic = "%s"
          "kafka.compression.type" = "zstd"
          """.formatted(dir.resolve("cp"), kafka.bootstrapServers(), in, lines, kafka.bootstrapServers(), out));

      int total = PER_PARTITION * CODECS.size();
      Path plugins = LaminarProcess.pluginsDir(dir, "jackson-old");
      ServerProcess server = LaminarProcess.start(dir.resolve("conflict"), "run", "--plugins", plugins.toString(),
          "-c", config.toString());
      server.await(total + " rows in both outputs", 60,
          () -> lineCount(lines) >= total && kafka.readAll(out, "read_committed").size() >= total);
      assertEquals(0, server.stop(30), server.stderr());

      ObjectMapper json = new ObjectMapper();
      List<String> fileRows = new ArrayList<>();
      for (String line : Files.readAllLines(lines)) {
        JsonNode n = json.readTree(line);
        assertEquals(OLD_JACKSON, n.get("jackson").asText(), "the jackson_old sink serialised with its own Jackson");
        assertEquals(Trades.T0 + n.get("qty").asInt(), n.get("ts").asLong());
        fileRows.add(n.get("symbol").asText() + ":" + n.get("qty").asInt());
      }
      List<String> kafkaRows = new ArrayList<>();
      for (ConsumerRecord<String, String> r : kafka.readAll(out, "read_committed")) {
        JsonNode n = json.readTree(r.value());
        kafkaRows.add(n.get("symbol").asText() + ":" + n.get("twice").asInt() / 2);
      }
      List<String> expected = new ArrayList<>();
      for (String codec : CODECS) {
        for (int i = 0; i < PER_PARTITION; i++) {
          expected.add(codec + ":" + i);
        }
      }
      expected.sort(null);
      assertEquals(expected, fileRows.stream().sorted().toList(), "rows through the jackson_old sink");
      assertEquals(expected, kafkaRows.stream().sorted().toList(), "rows through the zstd kafka sink");

      String log = server.stderr();
      assertTrue(log.contains("jackson_old sink 'old' uses jackson-databind " + OLD_JACKSON + " (jackson-databind-"
          + OLD_JACKSON + ".jar)"), log);
      assertTrue(log.contains("kafka-clients " + AppInfoParser.getVersion() + " ("
          + plugins.resolve("kafka/lib/kafka-clients-" + AppInfoParser.getVersion() + ".jar") + "), jackson-databind "
          + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION + " ("
          + plugins.resolve("kafka/lib/jackson-databind-" + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION
          + ".jar") + ")"), log);
    }
  }

  private static long lineCount(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
