package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the real server says about bad input and bad settings: undecodable records ({@code on.error}
 * fail or skip), a topic that does not exist, a broker nobody answers at, a misspelt property.
 */
class KafkaBadInputIT {
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

  /** A kafka source {@code trades} (symbol, qty) → {@code SELECT *} → the given sink section. */
  private Path config(String name, String bootstrap, String topic, String sourceProperties, String sink)
      throws Exception {
    Path file = dir.resolve(name + ".toml");
    Files.writeString(file, """
        [server]
        name = "%s"
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
        %s
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"

        [[pipeline]]
        name = "copy"
        sql = "SELECT symbol, qty FROM trades"

        [[sink]]
        name = "out"
        pipeline = "copy"
        %s
        """.formatted(name, dir.resolve(name + "-cp"), bootstrap, topic, sourceProperties, sink));
    return file;
  }

  private static final String BLACKHOLE = "connector = \"blackhole\"";

  private static String plugins() {
    return LaminarProcess.KAFKA_PLUGIN.getParent().toString();
  }

  /** Five good records, one that is not JSON at offset 5, five good ones after it. */
  private static String topicWithOneBadRecord() throws Exception {
    String topic = kafka.createTopic("bad", 1);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      values.add(i == 5 ? "{\"symbol\": \"X\", \"qty\": 1" : "{\"symbol\":\"S" + i + "\",\"qty\":" + i + "}");
    }
    kafka.sendAll(topic, 0, values);
    return topic;
  }

  @Test
  void malformedJsonWithOnErrorFailEndsTheRunWithExit1NamingTopicPartitionAndOffset() throws Exception {
    String topic = topicWithOneBadRecord();
    Path config = config("fail", kafka.bootstrapServers(), topic, "\"on.error\" = \"fail\"", BLACKHOLE);

    ServerProcess.Result r = LaminarProcess.run(dir.resolve("fail"), 60, "run", "--plugins", plugins(), "-c",
        config.toString());

    assertEquals(1, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("cannot decode the record at topic " + topic + ", partition 0, offset 5: malformed"
        + " JSON: Unexpected end-of-input: expected close marker for Object (start marker at [line: 1, column: 1])"),
        r.stderr());
  }

  @Test
  void malformedJsonWithOnErrorSkipIsSkippedAndTheGoodRowsArrive() throws Exception {
    String topic = topicWithOneBadRecord();
    String out = kafka.createTopic("skip-out", 1);
    Path config = config("skip", kafka.bootstrapServers(), topic, "\"on.error\" = \"skip\"", """
        connector = "kafka"
        [sink.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        """.formatted(kafka.bootstrapServers(), out));

    ServerProcess server = LaminarProcess.start(dir.resolve("skip"), "run", "--plugins", plugins(), "-c",
        config.toString());
    server.await("10 good rows in " + out, 60, () -> kafka.readAll(out, "read_committed").size() >= 10);
    assertEquals(0, server.stop(30), server.stderr());

    List<String> rows = kafka.readAll(out, "read_committed").stream().map(ConsumerRecord::value).sorted().toList();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      if (i != 5) {
        expected.add("{\"symbol\":\"S" + i + "\",\"qty\":" + i + "}");
      }
    }
    assertEquals(expected.stream().sorted().toList(), rows);
    assertTrue(server.stderr().contains("Skipped the record at topic " + topic + ", partition 0, offset 5"),
        server.stderr());
  }

  @Test
  void validateOfAnUnknownTopicExits69NamingTheTopic() throws Exception {
    Path config = config("unknown", kafka.bootstrapServers(), "no-such-topic", "", BLACKHOLE);

    ServerProcess.Result r = LaminarProcess.run(dir.resolve("unknown"), 60, "validate", "--plugins", plugins(), "-c",
        config.toString());

    assertEquals(69, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("topic 'no-such-topic' does not exist"), r.stderr());
  }

  @Test
  void validateAgainstAClosedPortExits69NamingTheBroker() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again before the server tries it
    }
    String broker = "127.0.0.1:" + port;
    // nobody will answer: a short limit keeps the test fast (the others keep the default, which a
    // loaded machine meets)
    Path config = config("unreachable", broker, "trades", "\"check.timeout\" = \"1s\"", BLACKHOLE);

    ServerProcess.Result r = LaminarProcess.run(dir.resolve("unreachable"), 60, "validate", "--plugins", plugins(),
        "-c", config.toString());

    assertEquals(69, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("no broker answered at " + broker + " within 1 s"), r.stderr());
  }

  @Test
  void aMisspeltPropertyExits78WithDidYouMean() throws Exception {
    Path config = config("typo", kafka.bootstrapServers(), "trades", "\"startup.mod\" = \"latest\"", BLACKHOLE);

    ServerProcess.Result r = LaminarProcess.run(dir.resolve("typo"), 60, "validate", "--plugins", plugins(), "-c",
        config.toString());

    assertEquals(78, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("startup.mod"), r.stderr());
    assertTrue(r.stderr().contains("Did you mean 'startup.mode'?"), r.stderr());
  }

  @Test
  void aMisspeltFormatExits78AtItsLineListingTheFormats() throws Exception {
    Path config = config("format", kafka.bootstrapServers(), "trades", "format = \"debezium\"", BLACKHOLE);
    int line = Files.readAllLines(config).indexOf("format = \"debezium\"") + 1;

    ServerProcess.Result r = LaminarProcess.run(dir.resolve("format"), 60, "validate", "--plugins", plugins(), "-c",
        config.toString());

    assertEquals(78, r.exit(), r.stderr());
    assertTrue(r.stderr().contains(config + ":" + line + ":1: error: property 'format' of source 'trades' (connector "
        + "kafka) must be one of json, csv, debezium-json, got \"debezium\""), r.stderr());
  }

  @Test
  void aDebeziumSourceIntoAnAppendOnlyKafkaSinkExits78NamingTheChangelogSource() throws Exception {
    String sink = """
        connector = "kafka"
        [sink.properties]
        "bootstrap.servers" = "%s"
        topic = "copy"
        """.formatted(kafka.bootstrapServers());
    Path config = config("append", kafka.bootstrapServers(), "trades", "format = \"debezium-json\"", sink);
    List<String> lines = Files.readAllLines(config);

    ServerProcess.Result r = LaminarProcess.run(dir.resolve("append"), 60, "validate", "--offline", "--plugins",
        plugins(), "-c", config.toString());

    assertEquals(78, r.exit(), r.stderr());
    assertTrue(r.stderr().contains(config + ":" + (lines.indexOf("[[sink]]") + 1) + ":1: error: sink 'out' "
        + "(connector 'kafka') takes only appends"), r.stderr());
    assertTrue(r.stderr().contains("reads source 'trades' (" + config + ":" + (lines.indexOf("[[source]]") + 1)
        + ":1), a changelog (connector 'kafka')"), r.stderr());
  }
}
