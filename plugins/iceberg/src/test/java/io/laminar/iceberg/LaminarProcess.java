package io.laminar.iceberg;

import io.laminar.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The real server in a child JVM for this module's tests ({@link ServerProcess}). Its class path is
 * this test JVM's minus Iceberg, Hadoop, Parquet, ORC, pgjdbc, JUnit and this module's own classes,
 * so the server can only get them from the iceberg plugin's lib/.
 */
final class LaminarProcess {
  /** The packaged iceberg plugin directory (built by the package phase). */
  static final Path ICEBERG_PLUGIN = Path.of(System.getProperty("laminar.icebergPlugin", "target/plugin/iceberg"));

  private static final ServerProcess.Launcher LAUNCHER = new ServerProcess.Launcher(ICEBERG_PLUGIN,
      List.of("/org/apache/iceberg/", "/org/apache/hadoop/", "/org/apache/parquet/", "/org/apache/orc/",
          "/org/postgresql/", "/org/roaringbitmap/", "/org/apache/kafka/", "/org/scala-lang/", "/org/junit/", "/org/opentest4j/", "/org/apiguardian/",
          "/laminar-plugin-testkit/"));

  private LaminarProcess() {
  }

  static ServerProcess.Launcher launcher() {
    return LAUNCHER;
  }

  static ServerProcess start(Path logs, String... args) throws IOException {
    return LAUNCHER.start(logs, args);
  }

  static ServerProcess.Result run(Path logs, long timeoutSeconds, String... args) throws Exception {
    return LAUNCHER.run(logs, timeoutSeconds, args);
  }

  static String[] args(String command, Path config) {
    return new String[] {command, "--plugins", ICEBERG_PLUGIN.getParent().toString(), "-c", config.toString()};
  }
}
