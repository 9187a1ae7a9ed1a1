package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a running server: every row read before the signal reaches the sink; a final checkpoint exists. */
class GracefulShutdownTest {
  private static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));

  @TempDir Path dir;

  private Path config(boolean hang) throws Exception {
    Path config = dir.resolve("shutdown.toml");
    Files.writeString(config, """
        [server]
        bind = "127.0.0.1:0"

        [checkpoint]
        path = "%s"
        interval = "1h"

        [[source]]
        name = "numbers"
        connector = "generator"
        [source.properties]
        rows_per_second = 20000
        "fields.id.kind" = "sequence"
        [[source.schema]]
        name = "id"
        type = "BIGINT"

        [[pipeline]]
        name = "copy"
        sql = "SELECT id FROM numbers"

        [[sink]]
        name = "out"
        pipeline = "copy"
        connector = "epoch_file"
        delivery = "exactly_once"
        [sink.properties]
        dir = "%s"
        hang_on_prepare = %s
        """.formatted(dir.resolve("cp"), dir.resolve("sink"), hang));
    return config;
  }

  /** Starts a server and waits until its HTTP API is up (so the engine runs); fails the test past 60 s. */
  private Process startAndWait(Path config, Path log, String... extra) throws Exception {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--offline", "--plugins",
        TEST_PLUGINS.toString(), "-c", config.toString()));
    args.addAll(java.util.List.of(extra));
    Process p = ChildLaminar.start(log, args.toArray(String[]::new));
    awaitLog(log, p, LISTENING);
    return p;
  }

  private static final Pattern LISTENING = Pattern.compile("HTTP API listening on (http://\\S+)");

  /** Waits until the log matches {@code pattern}, the process exits, or 60 s pass (then fails). */
  private static Matcher awaitLog(Path log, Process p, Pattern pattern) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Matcher m = pattern.matcher(Files.readString(log));
      if (m.find()) {
        return m;
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the server never logged '" + pattern + "' (alive: " + p.isAlive() + "):\n"
            + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  /** Waits until {@code file} exists, the process exits, or 60 s pass (then fails). */
  private static void awaitFile(Path file, Path log, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(file)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(file + " never appeared (alive: " + p.isAlive() + "):\n" + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  /** Waits until the server's /metrics reports more than {@code rows} rows read by source 'numbers'. */
  private static void awaitRowsRead(Path log, Process p, long rows) throws Exception {
    String base = awaitLog(log, p, LISTENING).group(1);
    HttpClient http = HttpClient.newHttpClient();
    Pattern read = Pattern.compile("laminar_source_rows_read_total\\{[^}]*source=\"numbers\"[^}]*} ([0-9.eE+]+)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      String body = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = read.matcher(body);
      if (m.find() && Double.parseDouble(m.group(1)) > rows) {
        return;
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("source 'numbers' never read " + rows + " rows:\n" + body);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void sigtermDrainsEverythingReadIntoTheSinkAndWritesAFinalCheckpoint() throws Exception {
    Path log = dir.resolve("run.log");
    Process p = startAndWait(config(false), log);
    awaitRowsRead(log, p, 1000);
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM");
    String output = Files.readString(log);
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("laminar: stopped."), output);

    Path checkpoints = dir.resolve("cp/checkpoints");
    long latest = Long.parseLong(Files.readString(checkpoints.resolve("latest")).trim());
    Path offsets = checkpoints.resolve(String.format("%020d", latest)).resolve("source-numbers.offsets");
    long read = ByteBuffer.wrap(Files.readAllBytes(offsets)).getLong();
    assertTrue(read > 1000, "rows read before SIGTERM: " + read);

    List<Long> ids = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir.resolve("sink"))) {
      for (Path f : files.filter(x -> x.getFileName().toString().startsWith("committed-")).sorted().toList()) {
        Files.readAllLines(f).forEach(l -> ids.add(Long.parseLong(l)));
      }
    }
    ids.sort(null);
    assertEquals(read, ids.size(), "every row read before SIGTERM is committed, once");
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(i, ids.get(i));
    }
  }

  @Test
  void savedStateThatCannotBeUsedRefusesTheStartWithExit78AndSaysHowToProceed() throws Exception {
    Path config = config(false);
    Process first = startAndWait(config, dir.resolve("first.log"));
    awaitRowsRead(dir.resolve("first.log"), first, 0);
    first.destroy();
    assertTrue(first.waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM");
    assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.log")));

    // another config in the same place: the source now generates other data
    Files.writeString(config, Files.readString(config).replace("rows_per_second = 20000",
        "rows_per_second = 20000\nseed = 42"));
    Path foreign = dir.resolve("foreign.log");
    Process refused = ChildLaminar.start(foreign, "run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c",
        config.toString());
    assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "no exit");
    String output = Files.readString(foreign);
    assertEquals(ExitCode.CONFIG, refused.exitValue(), output);
    assertTrue(output.contains("source 'numbers': property 'seed' was the default, now \"42\""), output);
    assertTrue(output.contains("--reset-source numbers") && output.contains("--reset-state"), output);

    // one flipped byte in the only checkpoint
    Path checkpoints = dir.resolve("cp/checkpoints");
    Path only = checkpoints.resolve(String.format("%020d",
        Long.parseLong(Files.readString(checkpoints.resolve("latest")).trim())));
    Path offsets = only.resolve("source-numbers.offsets");
    byte[] bytes = Files.readAllBytes(offsets);
    bytes[0] ^= 0x01;
    Files.write(offsets, bytes);
    Path corrupt = dir.resolve("corrupt.log");
    Process again = ChildLaminar.start(corrupt, "run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c",
        config.toString());
    assertTrue(again.waitFor(60, TimeUnit.SECONDS), "no exit");
    output = Files.readString(corrupt);
    assertEquals(ExitCode.CONFIG, again.exitValue(), output);
    assertTrue(output.contains("no checkpoint can be restored") && output.contains(only.toString())
        && output.contains("source-numbers.offsets"), output);

    Path reset = dir.resolve("reset.log");
    Process fresh = startAndWait(config, reset, "--reset-state");
    fresh.destroy();
    assertTrue(fresh.waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM");
    assertEquals(0, fresh.exitValue(), Files.readString(reset));
  }

  @Test
  void aShutdownThatHangsPastTheTimeoutNamesTheStuckSinkAndExits3() throws Exception {
    Path log = dir.resolve("hang.log");
    Process p = startAndWait(config(true), log, "--shutdown-timeout", "2s");
    awaitRowsRead(log, p, 0);
    long t0 = System.nanoTime();
    p.destroy(); // SIGTERM: the final checkpoint blocks in the sink's prepareCommit
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "no exit after the shutdown timeout");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    String output = Files.readString(log);
    assertEquals(ExitCode.FORCED_STOP, p.exitValue(), output);
    assertTrue(output.contains("shutdown did not finish within 2000 ms; still busy: sink 'out' prepareCommit("), output);
    assertTrue(seconds < 10, "took " + seconds + " s");
  }

  /** The config of {@link #config(boolean)} with other sink properties and {@code [server]} lines. */
  private Path config(String sinkProperties, String serverLines, String sourceProperties) throws Exception {
    Path config = config(false);
    Files.writeString(config, Files.readString(config)
        .replace("hang_on_prepare = false", sinkProperties)
        .replace("bind = \"127.0.0.1:0\"", "bind = \"127.0.0.1:0\"\n" + serverLines)
        .replace("rows_per_second = 20000", sourceProperties));
    return config;
  }

  @Test
  void aConnectorCloseThatHangsIsNamedCalledOnceAndTheShutdownEndsWithinItsTimeout() throws Exception {
    Path log = dir.resolve("close.log");
    Process p = startAndWait(config("hang_on_close = true", "", "rows_per_second = 20000"), log,
        "--shutdown-timeout", "3s");
    awaitRowsRead(log, p, 0);
    p.destroy();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "no exit after the shutdown timeout");
    String output = Files.readString(log);
    assertEquals(ExitCode.FORCED_STOP, p.exitValue(), output);
    assertTrue(output.contains("still busy: sink 'out' close()"), output);
    assertEquals(List.of("close"), Files.readAllLines(dir.resolve("sink").resolve("closes")), "close() called once");
    try (var files = Files.list(dir.resolve("sink"))) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("committed-")), "the final checkpoint "
          + "committed before the close hung");
    }
  }

  @Test
  void aSinkThatFailsToConnectOnceIsRestartedAndTheBoundedRunWritesEveryRowExactlyOnce() throws Exception {
    Path log = dir.resolve("restart.log");
    Path config = config("fail_prepare_at = 3", "restart = { initial = \"100ms\" }",
        "rows_per_second = 20000\nmax_rows = 60000");
    Files.writeString(config, Files.readString(config).replace("interval = \"1h\"", "interval = \"200ms\""));
    // a bounded run: it ends by itself once all input is processed
    Process p = ChildLaminar.start(log, "run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c",
        config.toString());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run did not end:\n" + Files.readString(log));
    String output = Files.readString(log);
    assertEquals(ExitCode.OK, p.exitValue(), output);
    assertTrue(output.contains("pipeline 'copy' failed (connection_failed)") && output.contains("restarting"), output);
    List<Long> ids = new ArrayList<>();
    try (var files = Files.list(dir.resolve("sink"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("committed-")).toList()) {
        Files.readAllLines(f).forEach(line -> ids.add(Long.parseLong(line)));
      }
    }
    java.util.Collections.sort(ids);
    assertEquals(60_000, ids.size(), "every row once");
    for (int i = 0; i < ids.size(); i++) {
      assertEquals((long) i + ids.get(0), ids.get(i), "row " + i);
    }
  }

  @Test
  void aPipelineThatFailsForGoodWithOnPipelineFailureExitEndsTheServerWithExit1() throws Exception {
    Path log = dir.resolve("exit.log");
    Process p = ChildLaminar.start(log, "run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c",
        config("fail_prepare_at = 1", "on_pipeline_failure = \"exit\"\nrestart = { strategy = \"none\" }",
            "rows_per_second = 20000").toString());
    awaitLog(log, p, LISTENING);
    awaitRowsRead(log, p, 0);
    // a checkpoint reaches the sink's first prepareCommit, which fails
    String base = awaitLog(log, p, LISTENING).group(1);
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/checkpoint"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server did not exit:\n" + Files.readString(log));
    String output = Files.readString(log);
    assertEquals(ExitCode.RUNTIME, p.exitValue(), output);
    assertTrue(output.contains("on_pipeline_failure = \"exit\"") && output.contains("cannot connect to "
        + "epoch-file-store:1"), output);
  }

  @Test
  void sigtermDuringStartUpStopsBeforeTheEngineStartsWithExit0() throws Exception {
    Path log = dir.resolve("early.log");
    // online: the sink's connectivity check blocks (a broker that answers late) until interrupted
    Process p = ChildLaminar.start(log, "run", "--plugins", TEST_PLUGINS.toString(), "-c",
        config("check_millis = 600000", "", "rows_per_second = 20000").toString());
    awaitFile(dir.resolve("sink/check-started"), log, p);
    p.destroy(); // SIGTERM while the configuration is being prepared
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM:\n" + Files.readString(log));
    String output = Files.readString(log);
    assertEquals(ExitCode.OK, p.exitValue(), output);
    assertTrue(output.contains("laminar: stopped by a signal before the engine started; nothing ran."), output);
    assertFalse(output.contains("engine started:") || output.contains("HTTP API listening"), output);
    assertFalse(output.contains("check interrupted") || output.contains("nothing was started"),
        "the interrupted check is not reported as a failure:\n" + output);
    assertEquals(List.of("close"), Files.readAllLines(dir.resolve("sink/closes")), "the created sink is closed once");
    assertFalse(Files.exists(dir.resolve("cp/checkpoints/latest")), "no checkpoint written");
  }

  @Test
  void sigtermWhileTheEngineStartsLetsTheStartFinishThenStopsGracefully() throws Exception {
    Path log = dir.resolve("starting.log");
    Path gate = dir.resolve("open-gate");
    Process p = ChildLaminar.start(log, "run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c",
        config("open_gate = \"" + gate + "\"", "", "rows_per_second = 20000").toString());
    awaitFile(dir.resolve("sink/open-started"), log, p); // engine.start() is opening the sink
    p.destroy();
    awaitLog(log, p, Pattern.compile("signal received"));
    Files.writeString(gate, ""); // the open returns, the start completes
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM:\n" + Files.readString(log));
    String output = Files.readString(log);
    assertEquals(ExitCode.OK, p.exitValue(), output);
    assertTrue(output.indexOf("engine started:") < output.indexOf("final checkpoint through")
        && output.indexOf("engine started:") >= 0, "the start completes, then the graceful shutdown runs:\n" + output);
    assertTrue(output.contains("laminar: stopped."), output);
    assertTrue(Files.exists(dir.resolve("cp/checkpoints/latest")), "the shutdown's final checkpoint");
    assertEquals(List.of("close"), Files.readAllLines(dir.resolve("sink/closes")), "the sink is closed once");
  }

  @Test
  void aSecondSignalForcesTheExit() throws Exception {
    Path log = dir.resolve("twice.log");
    Process p = startAndWait(config(true), log, "--shutdown-timeout", "5m");
    awaitRowsRead(log, p, 0);
    p.destroy();
    awaitLog(log, p, Pattern.compile("final checkpoint through")); // the first signal's shutdown hangs in prepareCommit
    p.destroy();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "no exit after the second signal");
    String output = Files.readString(log);
    assertEquals(ExitCode.FORCED_STOP, p.exitValue(), output);
    assertTrue(output.contains("second signal: forced exit"), output);
  }
}
