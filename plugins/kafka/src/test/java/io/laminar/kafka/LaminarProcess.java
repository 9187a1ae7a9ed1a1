package io.laminar.kafka;

import io.laminar.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real server in a child JVM for this module's tests ({@link ServerProcess}). Its class path is
 * this test JVM's minus Kafka, Scala, JUnit, the CSV data format and this module's own classes:
 * what is left is laminar-cli's runtime class path, so the server can only get kafka-clients from
 * the kafka plugin's lib/.
 */
final class LaminarProcess {
  /** The packaged kafka plugin directory (built by the package phase). */
  static final Path KAFKA_PLUGIN = Path.of(System.getProperty("laminar.kafkaPlugin", "target/plugin/kafka"));
  /** Other plugins unpacked for these tests, one directory per artifact. */
  static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));

  /** Class-path entries that belong to the tests, never to the server. */
  private static final ServerProcess.Launcher LAUNCHER = new ServerProcess.Launcher(KAFKA_PLUGIN,
      List.of("/org/apache/kafka/", "/org/scala-lang/",
      "/com/fasterxml/jackson/dataformat/", "/com/fasterxml/jackson/module/", "/org/junit/", "/org/opentest4j/",
      "/org/apiguardian/", "/laminar-plugin-testkit/", "/laminar-test-plugin-"));

  private LaminarProcess() {
  }

  /**
   * A plugins directory under {@code dir} with copies of the packaged kafka plugin and of the named
   * test plugins (unpacked under {@link #TEST_PLUGINS}).
   */
  static Path pluginsDir(Path dir, String... testPlugins) throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    copyTree(KAFKA_PLUGIN, plugins.resolve("kafka"));
    for (String name : testPlugins) {
      copyTree(TEST_PLUGINS.resolve("laminar-test-plugin-" + name + "-plugin"), plugins.resolve(name));
    }
    return plugins;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  static String classPath() {
    return LAUNCHER.classPath();
  }

  static ServerProcess start(Path logs, String... args) throws IOException {
    return LAUNCHER.start(logs, args);
  }

  static ServerProcess.Result run(Path logs, long timeoutSeconds, String... args) throws Exception {
    return LAUNCHER.run(logs, timeoutSeconds, args);
  }

  static ServerProcess.Result run(Path logs, Map<String, String> env, long timeoutSeconds, String... args)
      throws Exception {
    return LAUNCHER.run(logs, env, timeoutSeconds, args);
  }
}
