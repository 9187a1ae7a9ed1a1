package io.laminar.redis;

import io.laminar.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The real server in a child JVM for this module's tests ({@link ServerProcess}). Its class path is
 * this test JVM's minus Lettuce, Netty, Reactor, JUnit and this module's own classes: what is left
 * is laminar-cli's runtime class path, so the server can only get Lettuce from the redis plugin's
 * lib/.
 */
final class LaminarProcess {
  /** The packaged redis plugin directory (built by the package phase). */
  static final Path REDIS_PLUGIN = Path.of(System.getProperty("laminar.redisPlugin", "target/plugin/redis"));

  /** Class-path entries that belong to the tests, never to the server. */
  private static final ServerProcess.Launcher LAUNCHER = new ServerProcess.Launcher(REDIS_PLUGIN,
      List.of("/io/lettuce/", "/io/netty/", "/io/projectreactor/",
      "/org/reactivestreams/", "/redis/clients/", "/org/junit/", "/org/opentest4j/", "/org/apiguardian/",
      "/laminar-plugin-testkit/"));

  private LaminarProcess() {
  }

  static String classPath() {
    return LAUNCHER.classPath();
  }

  static ServerProcess start(Path logs, String... args) throws IOException {
    return LAUNCHER.start(logs, args);
  }

  static ServerProcess start(Path logs, Map<String, String> env, String... args) throws IOException {
    return LAUNCHER.start(logs, env, args);
  }

  static ServerProcess.Result run(Path logs, long timeoutSeconds, String... args) throws Exception {
    return LAUNCHER.run(logs, timeoutSeconds, args);
  }

  static ServerProcess.Result run(Path logs, Map<String, String> env, long timeoutSeconds, String... args)
      throws Exception {
    return LAUNCHER.run(logs, env, timeoutSeconds, args);
  }
}
