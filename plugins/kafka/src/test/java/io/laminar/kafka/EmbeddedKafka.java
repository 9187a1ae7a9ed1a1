package io.laminar.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** One real KRaft broker (combined mode) for a test class, with helpers to make and read topics. */
final class EmbeddedKafka implements AutoCloseable {
  private static final AtomicInteger TOPICS = new AtomicInteger();

  private final KafkaClusterTestKit cluster;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;
  /** What a client needs to authenticate to the broker's listener (empty for PLAINTEXT). */
  private final Map<String, String> clientSecurity;

  private static final String JAAS_CONFIG = "java.security.auth.login.config";
  private final String jaasBefore;

  private EmbeddedKafka(KafkaClusterTestKit cluster, Map<String, String> clientSecurity, String jaasBefore) {
    this.cluster = cluster;
    this.jaasBefore = jaasBefore;
    this.clientSecurity = Map.copyOf(clientSecurity);
    this.admin = cluster.admin(new HashMap<>(clientSecurity));
    Map<String, Object> producerConfig = new HashMap<>(clientSecurity);
    producerConfig.putAll(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.LINGER_MS_CONFIG, 0,
        // plain ordered sends: the test producer is not what is under test
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1));
    this.producer = new KafkaProducer<>(producerConfig);
  }

  /** Starts a one-node cluster with a PLAINTEXT listener and waits until the broker is ready. */
  static EmbeddedKafka start() throws Exception {
    return start(SecurityProtocol.PLAINTEXT, Map.of());
  }

  /**
   * Starts a one-node cluster whose broker listener requires SASL/PLAIN (user {@link #SASL_USER},
   * password {@link #SASL_PASSWORD}, a super user) — the setup most production Kafka has.
   */
  static EmbeddedKafka startSaslPlain() throws Exception {
    return start(SecurityProtocol.SASL_PLAINTEXT, saslPlainClientSettings());
  }

  static final String SASL_USER = JaasUtils.KAFKA_PLAIN_ADMIN;
  static final String SASL_PASSWORD = JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD;

  /** The client settings for the SASL/PLAIN listener, as Kafka names them (without {@code kafka.}). */
  static Map<String, String> saslPlainClientSettings() {
    return Map.of(
        "security.protocol", "SASL_PLAINTEXT",
        "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + SASL_USER + "\" password=\"" + SASL_PASSWORD + "\";");
  }

  /**
   * Starts a one-node cluster whose broker listener is TLS, with a self-signed certificate for
   * localhost made by the JDK's keytool in {@code dir}; clients trust it through
   * {@link #sslClientSettings}.
   */
  static EmbeddedKafka startSsl(Path dir) throws Exception {
    Path keystore = dir.resolve("broker.p12");
    Path certificate = dir.resolve("broker.pem");
    Path truststore = dir.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", TLS_PASSWORD, "-keypass", TLS_PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", TLS_PASSWORD,
        "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-keystore",
        truststore.toString(), "-storetype", "PKCS12", "-storepass", TLS_PASSWORD);
    Map<String, String> client = sslClientSettings(truststore);
    Map<String, String> broker = new HashMap<>(client);
    broker.remove("security.protocol");
    broker.put("ssl.keystore.location", keystore.toString());
    broker.put("ssl.keystore.password", TLS_PASSWORD);
    broker.put("ssl.key.password", TLS_PASSWORD);
    broker.put("ssl.keystore.type", "PKCS12");
    // the test kit knows only PLAINTEXT and SASL_PLAINTEXT; it keeps a protocol map given to it
    broker.put("listener.security.protocol.map", "EXTERNAL:SSL,CONTROLLER:PLAINTEXT");
    return start(SecurityProtocol.PLAINTEXT, client, broker);
  }

  static final String TLS_PASSWORD = "laminar-test-tls";

  /** The client settings for the TLS listener (without {@code kafka.}). */
  static Map<String, String> sslClientSettings(Path truststore) {
    return Map.of(
        "security.protocol", "SSL",
        "ssl.truststore.location", truststore.toString(),
        "ssl.truststore.password", TLS_PASSWORD,
        "ssl.truststore.type", "PKCS12");
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }

  private static EmbeddedKafka start(SecurityProtocol protocol, Map<String, String> clientSecurity) throws Exception {
    return start(protocol, clientSecurity, Map.of());
  }

  private static EmbeddedKafka start(SecurityProtocol protocol, Map<String, String> clientSecurity,
      Map<String, String> brokerSettings) throws Exception {
    // a SASL cluster points this JVM's JAAS configuration at its own file: put it back on close
    String jaasBefore = System.getProperty(JAAS_CONFIG);
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
        .setBrokerSecurityProtocol(protocol).setControllerSecurityProtocol(protocol).build());
    brokerSettings.forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster = builder
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("auto.create.topics.enable", "false")
        .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new EmbeddedKafka(cluster, clientSecurity, jaasBefore);
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates a topic with a unique name starting with {@code prefix}. */
  String createTopic(String prefix, int partitions) throws Exception {
    String name = prefix + "-" + TOPICS.incrementAndGet();
    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    awaitLeaders(name, partitions);
    return name;
  }

  void addPartitions(String topic, int total) throws Exception {
    admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(total))).all().get();
    awaitLeaders(topic, total);
  }

  /**
   * Waits until every partition's leader answers ListOffsets: metadata names a leader slightly
   * before the broker serves the partition, and produce requests in that window fail.
   */
  private void awaitLeaders(String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      query.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        admin.listOffsets(query).all().get();
        return;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  /** Sends one record and waits for its acknowledgement. */
  void send(String topic, Integer partition, Long timestamp, String value) throws Exception {
    producer.send(new ProducerRecord<>(topic, partition, timestamp, null,
        value == null ? null : value.getBytes(StandardCharsets.UTF_8))).get();
  }

  /** Sends many records to one partition and waits for all. */
  void sendAll(String topic, int partition, List<String> values) {
    for (String v : values) {
      producer.send(new ProducerRecord<>(topic, partition, null, v.getBytes(StandardCharsets.UTF_8)));
    }
    producer.flush();
  }

  /**
   * Reads a topic from the beginning to its current end with the given isolation level
   * ({@code read_committed} stops at the last stable offset).
   */
  List<ConsumerRecord<String, String>> readAll(String topic, String isolation) {
    return readAll(bootstrapServers(), clientSecurity, topic, isolation);
  }

  /** As {@link #readAll(String, String)}, from any broker. */
  static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, Map<String, String> clientSecurity,
      String topic, String isolation) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    Map<String, Object> consumerConfig = new HashMap<>(clientSecurity);
    consumerConfig.putAll(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation));
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig)) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(),
              r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
              r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
        }
      }
    }
    return out;
  }

  /** A plain producer with the given settings on top of the byte-array serializers. */
  KafkaProducer<byte[], byte[]> newProducer(Map<String, Object> settings) {
    Map<String, Object> c = new HashMap<>(clientSecurity);
    c.putAll(settings);
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(c);
  }

  /** The end offset of every partition of {@code topic}. */
  Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      query.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listOffsets(query).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  Set<String> topics() throws Exception {
    return admin.listTopics().names().get();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
    try {
      cluster.close();
      if (jaasBefore == null) {
        System.clearProperty(JAAS_CONFIG);
      } else {
        System.setProperty(JAAS_CONFIG, jaasBefore);
      }
      javax.security.auth.login.Configuration.setConfiguration(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the broker", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the broker", e);
    }
  }
}
