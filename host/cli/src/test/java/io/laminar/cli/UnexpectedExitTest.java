package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin calling {@code System.exit(0)} must not end the server with a success status. */
class UnexpectedExitTest {
  private static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));

  @TempDir Path dir;

  @Test
  void aPluginsSystemExitZeroIsLoggedAndEndsWithExitCodeOne() throws Exception {
    Path config = Files.writeString(dir.resolve("exit.toml"), """
        [server]
        bind = "127.0.0.1:0"
        [state]
        path = "%1$s/state"
        [checkpoint]
        path = "%1$s/checkpoints"

        [[source]]
        name = "quitter"
        connector = "exit_on_open"
        [[source.schema]]
        name = "id"
        type = "BIGINT"

        [[pipeline]]
        name = "copy"
        sql = "SELECT id FROM quitter"

        [[sink]]
        name = "out"
        pipeline = "copy"
        connector = "blackhole"
        """.formatted(dir));
    Path log = dir.resolve("run.log");
    Process p = ChildLaminar.start(log, "run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c",
        config.toString());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not exit");
    String output = Files.readString(log);
    assertEquals(ExitCode.RUNTIME, p.exitValue(), output);
    assertTrue(output.contains("io.laminar.testplugins.misbehaving.ExitOnOpenSourceFactory$1 called "
        + "System.exit while laminar was running; laminar did not ask for this, so it ends with exit code 1"), output);
    assertTrue(output.contains("misbehaving.ExitOnOpenSourceFactory$1.open(ExitOnOpenSourceFactory.java:"), output);
  }

  @Test
  void anOrdinaryRunStillExitsWithItsOwnCode() throws Exception {
    Path config = Files.writeString(dir.resolve("ok.toml"), """
        [server]
        bind = "127.0.0.1:0"
        [state]
        path = "%1$s/state"
        [checkpoint]
        path = "%1$s/checkpoints"

        [[source]]
        name = "numbers"
        connector = "generator"
        [source.properties]
        max_rows = 10
        [[source.schema]]
        name = "id"
        type = "BIGINT"

        [[pipeline]]
        name = "copy"
        sql = "SELECT id FROM numbers"

        [[sink]]
        name = "out"
        pipeline = "copy"
        connector = "blackhole"
        """.formatted(dir));
    Path log = dir.resolve("ok.log");
    Process p = ChildLaminar.start(log, "run", "--offline", "-c", config.toString());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not exit");
    String output = Files.readString(log);
    assertEquals(ExitCode.OK, p.exitValue(), output);
    assertTrue(output.contains("laminar: all input processed; done."), output);
  }
}
