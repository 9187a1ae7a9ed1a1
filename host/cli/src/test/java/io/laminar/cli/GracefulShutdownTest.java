package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  private Process startAndWait(Path config, Path log, String... extra) throws Exception {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--offline", "--plugins",
        TEST_PLUGINS.toString(), "-c", config.toString()));
    args.addAll(java.util.List.of(extra));
    Process p = ChildLaminar.start(log, args.toArray(String[]::new));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(log).contains("engine started") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return p;
  }

  @Test
  void sigtermDrainsEverythingReadIntoTheSinkAndWritesAFinalCheckpoint() throws Exception {
    Path log = dir.resolve("run.log");
    Process p = startAndWait(config(false), log);
    Thread.sleep(1500);
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
  void aShutdownThatHangsPastTheTimeoutNamesTheStuckSinkAndExits3() throws Exception {
    Path log = dir.resolve("hang.log");
    Process p = startAndWait(config(true), log, "--shutdown-timeout", "2s");
    Thread.sleep(500);
    long t0 = System.nanoTime();
    p.destroy(); // SIGTERM: the final checkpoint blocks in the sink's prepareCommit
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "no exit after the shutdown timeout");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    String output = Files.readString(log);
    assertEquals(ExitCode.FORCED_STOP, p.exitValue(), output);
    assertTrue(output.contains("shutdown did not finish within 2000 ms; still busy: sink 'out' prepareCommit("), output);
    assertTrue(seconds < 10, "took " + seconds + " s");
  }

  @Test
  void aSecondSignalForcesTheExit() throws Exception {
    Path log = dir.resolve("twice.log");
    Process p = startAndWait(config(true), log, "--shutdown-timeout", "5m");
    Thread.sleep(500);
    p.destroy();
    Thread.sleep(700);
    p.destroy();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "no exit after the second signal");
    String output = Files.readString(log);
    assertEquals(ExitCode.FORCED_STOP, p.exitValue(), output);
    assertTrue(output.contains("second signal: forced exit"), output);
  }
}
