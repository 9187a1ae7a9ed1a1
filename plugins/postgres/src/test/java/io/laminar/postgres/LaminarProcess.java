package io.laminar.postgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The real server ({@code io.laminar.cli.Main}) in a child JVM, so that it can be stopped with
 * SIGTERM or killed with SIGKILL. Its class path is this test JVM's minus Debezium, Kafka Connect,
 * pgjdbc, HikariCP, JUnit and this module's own classes: what is left is laminar-cli's runtime class
 * path, so the server can only get them from the postgres plugin's lib/.
 */
final class LaminarProcess {
  /** The packaged postgres plugin directory (built by the package phase). */
  static final Path POSTGRES_PLUGIN = Path.of(System.getProperty("laminar.postgresPlugin", "target/plugin/postgres"));

  /** Class-path entries that belong to the tests, never to the server. */
  private static final List<String> TEST_ONLY = List.of("/io/debezium/", "/org/apache/kafka/", "/org/postgresql/",
      "/com/zaxxer/", "/org/glassfish/", "/jakarta/", "/com/github/luben/", "/org/xerial/", "/at/yawk/",
      "/com/datadoghq/", "/com/google/protobuf/", "/io/github/classgraph/", "/org/bitbucket/",
      "/com/fasterxml/jackson/jakarta/", "/com/fasterxml/jackson/module/", "/org/junit/", "/org/opentest4j/",
      "/org/apiguardian/", "/laminar-plugin-testkit/");

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private LaminarProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** The child's class path: see the class comment. */
  static String classPath() {
    Path moduleTarget = POSTGRES_PLUGIN.toAbsolutePath().getParent().getParent();
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> TEST_ONLY.stream().noneMatch(e.replace('\\', '/')::contains))
        .filter(e -> !Path.of(e).toAbsolutePath().startsWith(moduleTarget))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /**
   * Starts {@code laminar ARGS}; stdout and stderr are appended to {@code <logs>.out} and
   * {@code <logs>.err} (appended, so restarts of one run share a log).
   */
  static LaminarProcess start(Path logs, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    cmd.add("-Xmx768m");
    cmd.add("-XX:TieredStopAtLevel=1"); // short-lived child JVMs: start fast
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add("io.laminar.cli.Main");
    cmd.addAll(List.of(args));
    Path out = Path.of(logs + ".out");
    Path err = Path.of(logs + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
    pb.environment().remove("LAMINAR_PLUGINS");
    return new LaminarProcess(pb.start(), out, err);
  }

  /** Runs {@code laminar ARGS} to its end and returns the exit code with both outputs. */
  static Result run(Path logs, long timeoutSeconds, String... args) throws Exception {
    Files.deleteIfExists(Path.of(logs + ".out"));
    Files.deleteIfExists(Path.of(logs + ".err"));
    LaminarProcess p = start(logs, args);
    if (!p.process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.kill();
      throw new AssertionError("laminar " + String.join(" ", args) + " did not end within " + timeoutSeconds
          + " s\n" + p.stderr());
    }
    return new Result(p.process.exitValue(), p.stdout(), p.stderr());
  }

  /** Exit code and outputs of a finished run. */
  record Result(int exit, String stdout, String stderr) {
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until {@code condition} holds, failing if the process ends first or time runs out. */
  void await(String what, long timeoutSeconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new AssertionError("laminar ended (exit " + process.exitValue() + ") before " + what + "\n" + stderr());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "\n" + stderr());
      }
      Thread.sleep(50);
    }
  }

  /** SIGTERM, then waits for the exit code. */
  int stop(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("no exit within " + timeoutSeconds + " s of SIGTERM\n" + stderr());
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hooks, no final checkpoint. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Waits for the process to end by itself. */
  boolean waitFor(long timeoutSeconds) throws InterruptedException {
    return process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }
}
