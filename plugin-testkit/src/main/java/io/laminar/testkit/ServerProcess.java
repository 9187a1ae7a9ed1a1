package io.laminar.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The real server ({@code io.laminar.cli.Main}) in a child JVM, so that a plugin's end-to-end test can
 * stop it with SIGTERM or kill it with SIGKILL. A {@link Launcher} gives the child this test JVM's
 * class path minus the entries that belong to the tests (the plugin's own libraries, JUnit) and minus
 * the plugin module's own classes: what is left is laminar-cli's runtime class path, so the server
 * can only get the plugin's libraries from the packaged plugin's {@code lib/}.
 */
public final class ServerProcess {
  /**
   * How to start the server for one plugin module's tests.
   *
   * @param pluginDir the packaged plugin directory ({@code target/plugin/NAME}); the module's
   *     {@code target/} is left off the child's class path
   * @param testOnly class-path entries containing any of these strings stay out of the child
   */
  public record Launcher(Path pluginDir, List<String> testOnly) {
    public Launcher {
      testOnly = List.copyOf(testOnly);
    }

    /** The child's class path: see the class comment. */
    public String classPath() {
      Path moduleTarget = pluginDir.toAbsolutePath().getParent().getParent();
      return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
          .filter(e -> testOnly.stream().noneMatch(e.replace('\\', '/')::contains))
          .filter(e -> !Path.of(e).toAbsolutePath().startsWith(moduleTarget))
          .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Starts {@code laminar ARGS}; stdout and stderr are appended to {@code <logs>.out} and
     * {@code <logs>.err} (appended, so restarts of one run share a log).
     */
    public ServerProcess start(Path logs, String... args) throws IOException {
      return start(logs, Map.of(), args);
    }

    /** As above, with extra environment variables (for {@code ${VAR}} in configs). */
    public ServerProcess start(Path logs, Map<String, String> env, String... args) throws IOException {
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
      pb.environment().putAll(env);
      return new ServerProcess(pb.start(), out, err);
    }

    /** Runs {@code laminar ARGS} to its end and returns the exit code with both outputs. */
    public Result run(Path logs, long timeoutSeconds, String... args) throws Exception {
      return run(logs, Map.of(), timeoutSeconds, args);
    }

    /** As above, with extra environment variables. */
    public Result run(Path logs, Map<String, String> env, long timeoutSeconds, String... args) throws Exception {
      Files.deleteIfExists(Path.of(logs + ".out"));
      Files.deleteIfExists(Path.of(logs + ".err"));
      ServerProcess p = start(logs, env, args);
      if (!p.process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.kill();
        throw new AssertionError("laminar " + String.join(" ", args) + " did not end within " + timeoutSeconds
            + " s\n" + p.stderr());
      }
      return new Result(p.process.exitValue(), p.stdout(), p.stderr());
    }
  }

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ServerProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Exit code and outputs of a finished run. */
  public record Result(int exit, String stdout, String stderr) {
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until {@code condition} holds, failing if the process ends first or time runs out. */
  public void await(String what, long timeoutSeconds, BooleanSupplier condition) throws InterruptedException {
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
  public int stop(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("no exit within " + timeoutSeconds + " s of SIGTERM\n" + stderr());
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hooks, no final checkpoint. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Waits for the process to end by itself. */
  public boolean waitFor(long timeoutSeconds) throws InterruptedException {
    return process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
  }

  public int exitValue() {
    return process.exitValue();
  }
}
