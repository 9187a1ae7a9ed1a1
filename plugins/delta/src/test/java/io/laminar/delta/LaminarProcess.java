package io.laminar.delta;

import io.laminar.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real server in a child JVM for this module's tests ({@link ServerProcess}). Its class path is
 * this test JVM's minus Delta Kernel, Hadoop, Parquet and their codecs, JUnit and this module's own
 * classes: the server can only get them from the delta plugin's lib/.
 */
final class LaminarProcess {
  /** The packaged delta plugin directory (built by the package phase). */
  static final Path DELTA_PLUGIN = Path.of(System.getProperty("laminar.deltaPlugin", "target/plugin/delta"));
  /** Other plugins' unpacked zips (kafka, jackson-old). */
  static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));

  private static final ServerProcess.Launcher LAUNCHER = new ServerProcess.Launcher(DELTA_PLUGIN,
      List.of("/io/delta/", "/org/apache/hadoop/", "/org/apache/parquet/", "/com/github/luben/", "/org/xerial/",
          "/org/roaringbitmap/", "/io/airlift/", "/org/apache/kafka/", "/org/scala-lang/",
          "/com/fasterxml/jackson/dataformat/", "/com/fasterxml/jackson/module/", "/org/junit/", "/org/opentest4j/",
          "/org/apiguardian/", "/laminar-plugin-testkit/"));

  private LaminarProcess() {
  }

  static ServerProcess start(Path logs, String... args) throws IOException {
    return LAUNCHER.start(logs, args);
  }

  /** Copies a plugin directory into a test's plugins directory. */
  static void copyTree(Path from, Path to) throws IOException {
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

  static ServerProcess.Result run(Path logs, long timeoutSeconds, String... args) throws Exception {
    return LAUNCHER.run(logs, timeoutSeconds, args);
  }
}
