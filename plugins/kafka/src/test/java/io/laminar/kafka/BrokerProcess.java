package io.laminar.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker (broker and controller in one {@code kafka.Kafka} process) in a
 * child JVM with fixed ports and its own log directory, so a test can stop it (SIGTERM) and start it
 * again at the same address with the same data — what an operator's broker restart looks like to
 * clients. The in-process test kit cannot do this: its pre-bound listener sockets are used once.
 */
final class BrokerProcess implements AutoCloseable {
  private final Path dir;
  private final Path properties;
  private final int port;
  private Process process;

  private BrokerProcess(Path dir, int port, int controllerPort) throws IOException {
    this.dir = dir;
    this.port = port;
    this.properties = dir.resolve("server.properties");
    Files.writeString(properties, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        "") + "\n");
  }

  /** Formats a fresh log directory under {@code dir} on two free ports and starts the broker. */
  static BrokerProcess start(Path dir) throws Exception {
    Files.createDirectories(dir);
    BrokerProcess broker = new BrokerProcess(dir, freePort(), freePort());
    Process format = new ProcessBuilder(command("kafka.tools.StorageTool", "format", "-t",
        Uuid.randomUuid().toString(), "-c", broker.properties.toString())).redirectErrorStream(true).start();
    String output = new String(format.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (format.waitFor() != 0) {
      throw new IllegalStateException("formatting the broker's log directory failed: " + output);
    }
    broker.startAgain();
    return broker;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static List<String> command(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Starts the broker process on the same ports and data, and waits until it serves clients. */
  void startAgain() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the broker is running");
    }
    ProcessBuilder pb = new ProcessBuilder(command("kafka.Kafka", properties.toString()));
    Path log = dir.resolve("broker.log");
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    try (Admin admin = admin()) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the broker exited with " + process.exitValue() + ": " + tail(log));
        }
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the broker did not answer within 120 s: " + tail(log), e);
          }
          Thread.sleep(100);
        }
      }
    }
  }

  /** Stops the broker the way an operator does (SIGTERM: a controlled shutdown) and waits for its end. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
  }

  /** Creates a topic and returns its name. */
  String createTopic(String name, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
    return name;
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log);
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (isAlive()) {
      try {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
