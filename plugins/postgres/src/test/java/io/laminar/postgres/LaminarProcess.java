package io.laminar.postgres;

import io.laminar.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The real server in a child JVM for this module's tests ({@link ServerProcess}). Its class path is
 * this test JVM's minus Debezium, Kafka Connect, pgjdbc, HikariCP, JUnit and this module's own
 * classes: what is left is laminar-cli's runtime class path, so the server can only get them from
 * the postgres plugin's lib/.
 */
final class LaminarProcess {
  /** The packaged postgres plugin directory (built by the package phase). */
  static final Path POSTGRES_PLUGIN = Path.of(System.getProperty("laminar.postgresPlugin", "target/plugin/postgres"));

  /** Class-path entries that belong to the tests, never to the server. */
  private static final ServerProcess.Launcher LAUNCHER = new ServerProcess.Launcher(POSTGRES_PLUGIN,
      List.of("/io/debezium/", "/org/apache/kafka/", "/org/postgresql/",
      "/com/zaxxer/", "/org/glassfish/", "/jakarta/", "/com/github/luben/", "/org/xerial/", "/at/yawk/",
      "/com/datadoghq/", "/com/google/protobuf/", "/io/github/classgraph/", "/org/bitbucket/",
      "/com/fasterxml/jackson/jakarta/", "/com/fasterxml/jackson/module/", "/org/junit/", "/org/opentest4j/",
      "/org/apiguardian/", "/laminar-plugin-testkit/"));

  private LaminarProcess() {
  }

  static String classPath() {
    return LAUNCHER.classPath();
  }

  static ServerProcess start(Path logs, String... args) throws IOException {
    return LAUNCHER.start(logs, args);
  }

  static ServerProcess start(Path logs, java.util.Map<String, String> env, String... args) throws IOException {
    return LAUNCHER.start(logs, env, args);
  }

  static ServerProcess.Result run(Path logs, long timeoutSeconds, String... args) throws Exception {
    return LAUNCHER.run(logs, timeoutSeconds, args);
  }

  static ServerProcess.Result run(Path logs, java.util.Map<String, String> env, long timeoutSeconds, String... args)
      throws Exception {
    return LAUNCHER.run(logs, env, timeoutSeconds, args);
  }
}
