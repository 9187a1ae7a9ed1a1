package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.TIMESTAMP;
import static io.laminar.kafka.Fixtures.VARCHAR;
import static io.laminar.kafka.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import io.laminar.plugins.IsolatedSinkFactory;
import io.laminar.plugins.IsolatedSourceFactory;
import io.laminar.plugins.PluginHost;
import io.laminar.plugins.PluginInfo;
import io.laminar.plugins.PluginState;
import io.laminar.registry.ConnectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged plugin directory (target/plugin/kafka, built by the package phase) loaded through
 * the real plugin host: its factories round-trip rows through a broker, with kafka-clients and
 * Jackson loaded from the plugin's own lib/.
 */
class KafkaPluginIT {
  /** The exactly-once sink records its prepared transaction here. */
  @TempDir
  Path dataDir;

  private static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("ts", TIMESTAMP));

  @Test
  void factoriesLoadedThroughTheHostRoundTripRowsThroughTheBroker() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      roundTripThroughThePluginHost(kafka, Map.of());
    }
  }

  /**
   * SASL needs JDK packages outside {@code java.}/{@code javax.} ({@code org.ietf.jgss}); the
   * plugin class loader used to hide them, and the consumer failed to construct.
   */
  @Test
  void factoriesLoadedThroughTheHostRoundTripRowsThroughASaslPlainListener() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startSaslPlain()) {
      Map<String, Object> passThrough = new HashMap<>();
      EmbeddedKafka.saslPlainClientSettings().forEach((k, v) -> passThrough.put(ClientConfig.PREFIX + k, v));
      roundTripThroughThePluginHost(kafka, passThrough);
    }
  }

  /** TLS through the plugin loader: the JDK's SSL engine and the plugin's kafka-clients together. */
  @Test
  void factoriesLoadedThroughTheHostRoundTripRowsThroughATlsListener(@TempDir Path certificates) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startSsl(certificates)) {
      Map<String, Object> passThrough = new HashMap<>();
      EmbeddedKafka.sslClientSettings(certificates.resolve("trust.p12"))
          .forEach((k, v) -> passThrough.put(ClientConfig.PREFIX + k, v));
      roundTripThroughThePluginHost(kafka, passThrough);
    }
  }

  /**
   * lz4-java only picks its JNI binding by itself on the system class loader; in the plugin's it
   * fell back to the pure-Java decompressor (several times slower). After reading an lz4 topic
   * through the plugin host, the plugin's {@code LZ4Factory.fastestInstance()} is the JNI one.
   */
  @Test
  void anLz4TopicReadThroughThePluginHostDecompressesWithTheNativeLz4() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        PluginHost host = PluginHost.load(Path.of("target/plugin"));
        BufferAllocator allocator = new RootAllocator()) {
      SourceFactory sources = host.providers().stream().filter(p -> p.id().equals("kafka")).findFirst()
          .orElseThrow().sources().stream().filter(f -> f.spec().type().equals("kafka")).findFirst().orElseThrow();
      ClassLoader pluginLoader = ((IsolatedSourceFactory) sources).classLoader();
      Class<?> factory = pluginLoader.loadClass("net.jpountz.lz4.LZ4Factory");
      assertNotSame(factory, Class.forName("net.jpountz.lz4.LZ4Factory"), "lz4-java comes from the plugin's lib/");
      String topic = kafka.createTopic("plugin-lz4", 4);
      ServerThroughput.produce(kafka, topic, 200); // lz4-compressed batches
      List<Map<String, Object>> rows;
      try (Source source = sources.create(Fixtures.context("in", ConnectorKind.SOURCE, sources.spec(),
          Map.of("bootstrap.servers", kafka.bootstrapServers(), "topic", topic), ServerThroughput.TRADES, allocator,
          null))) {
        try (io.laminar.api.SplitReader reader = Fixtures.readerOfAll(source, null)) {
          rows = Fixtures.read(reader, 200, Duration.ofSeconds(15));
        }
      }
      assertEquals(200, rows.size());
      assertEquals(200, rows.stream().map(r -> r.get("ts")).distinct().count());
      assertEquals("LZ4Factory:JNI", String.valueOf(factory.getMethod("fastestInstance").invoke(null)));
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  /** The sink too: with {@code kafka.compression.type = "lz4"} it compresses through the JNI binding. */
  @Test
  void aSinkAloneCompressingWithLz4UsesTheNativeLz4() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        PluginHost host = PluginHost.load(Path.of("target/plugin"));
        BufferAllocator allocator = new RootAllocator()) {
      SinkFactory sinks = host.providers().stream().filter(p -> p.id().equals("kafka")).findFirst().orElseThrow()
          .sinks().stream().filter(f -> f.spec().type().equals("kafka")).findFirst().orElseThrow();
      String topic = kafka.createTopic("plugin-lz4-out", 1);
      try (Sink sink = sinks.create(Fixtures.context("out", ConnectorKind.SINK, sinks.spec(),
          Map.of("bootstrap.servers", kafka.bootstrapServers(), "topic", topic, "kafka.compression.type", "lz4"),
          SCHEMA, allocator, DeliveryGuarantee.AT_LEAST_ONCE, dataDir))) {
        sink.open(0);
        try (Batch batch = Batch.of(rows(allocator, 20))) {
          sink.write(batch);
        }
        sink.prepareCommit(1);
        sink.commit(1);
        ClassLoader pluginLoader = ((IsolatedSinkFactory) sinks).classLoader();
        Class<?> factory = pluginLoader.loadClass("net.jpountz.lz4.LZ4Factory");
        assertNotSame(factory, Class.forName("net.jpountz.lz4.LZ4Factory"), "lz4-java comes from the plugin's lib/");
        assertEquals("LZ4Factory:JNI", String.valueOf(factory.getMethod("fastestInstance").invoke(null)));
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  private void roundTripThroughThePluginHost(EmbeddedKafka kafka, Map<String, Object> clientSettings)
      throws Exception {
    try (PluginHost host = PluginHost.load(Path.of("target/plugin"));
        BufferAllocator allocator = new RootAllocator()) {
      PluginInfo info = host.plugins().stream().filter(p -> p.id().equals("kafka")).findFirst().orElseThrow();
      assertEquals(PluginState.STARTED, info.state(), info.toString());
      assertEquals(List.of(), info.warnings());
      ConnectorProvider provider = host.providers().stream().filter(p -> p.id().equals("kafka")).findFirst()
          .orElseThrow();
      SourceFactory sources = provider.sources().stream().filter(f -> f.spec().type().equals("kafka")).findFirst()
          .orElseThrow();
      SinkFactory sinks = provider.sinks().stream().filter(f -> f.spec().type().equals("kafka")).findFirst()
          .orElseThrow();
      ClassLoader pluginLoader = ((IsolatedSourceFactory) sources).classLoader();
      assertNotSame(KafkaConsumer.class, pluginLoader.loadClass(KafkaConsumer.class.getName()),
          "kafka-clients comes from the plugin's lib/, not the application class path");

      String topic = kafka.createTopic("plugin", 2);
      Map<String, Object> sinkProps = new HashMap<>(clientSettings);
      sinkProps.putAll(Map.of("bootstrap.servers", kafka.bootstrapServers(), "topic", topic));
      try (Sink sink = sinks.create(Fixtures.context("out", ConnectorKind.SINK, sinks.spec(), sinkProps, SCHEMA,
          allocator, DeliveryGuarantee.EXACTLY_ONCE, dataDir))) {
        sink.open(0);
        try (Batch batch = Batch.of(rows(allocator, 20))) {
          sink.write(batch);
        }
        sink.prepareCommit(1);
        sink.commit(1);
      }

      Map<String, Object> sourceProps = new HashMap<>(clientSettings);
      sourceProps.putAll(Map.of("bootstrap.servers", kafka.bootstrapServers(), "topic", topic));
      List<Map<String, Object>> rows;
      try (Source source = sources.create(Fixtures.context("in", ConnectorKind.SOURCE, sources.spec(), sourceProps,
          SCHEMA, allocator, null))) {
        source.check();
        try (io.laminar.api.SplitReader reader = Fixtures.readerOfAll(source, null)) {
          rows = Fixtures.read(reader, 20, Duration.ofSeconds(15));
        }
      }

      assertEquals(20, rows.size());
      Map<String, Object> seven = rows.stream().filter(r -> r.get("id").equals(7L)).findFirst().orElseThrow();
      assertEquals("name-7", seven.get("name"));
      assertEquals(1_767_225_600_007L, seven.get("ts"));
      assertEquals(0, allocator.getAllocatedMemory());
      assertTrue(rows.stream().map(r -> r.get("id")).distinct().count() == 20);
    }
  }

  private static VectorSchemaRoot rows(BufferAllocator allocator, int n) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    for (int i = 0; i < n; i++) {
      ((BigIntVector) root.getVector("id")).setSafe(i, i);
      ((VarCharVector) root.getVector("name")).setSafe(i, ("name-" + i).getBytes(StandardCharsets.UTF_8));
      ((TimeStampMilliVector) root.getVector("ts")).setSafe(i, 1_767_225_600_000L + i);
    }
    root.setRowCount(n);
    return root;
  }
}
