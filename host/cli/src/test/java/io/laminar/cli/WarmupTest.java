package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up warm-up's steps work, and commands run as usual behind it. */
class WarmupTest {
  @TempDir Path dir;

  @Test
  void eachStepSucceedsOnItsOwn() {
    // the warm-up swallows failures (it only saves time): these calls are where a broken step shows
    Warmup.arrowSchema();
    io.laminar.http.HttpApi.warmUp();
    Warmup.janino();
  }

  @Test
  void aRunBehindTheWarmUpProcessesEveryRow() throws Exception {
    Path file = dir.resolve("run.toml");
    Files.writeString(file, """
        [server]
        bind = "127.0.0.1:0"
        [state]
        path = "%s"
        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = 1000
        "fields.id.kind" = "sequence"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[pipeline]]
        name = "p"
        sql = "SELECT id * 2 AS twice FROM trades WHERE id >= 0"
        [[sink]]
        name = "out"
        pipeline = "p"
        connector = "stdout"
        """.formatted(dir.resolve("state")));
    // a child JVM runs Main.main, which starts the warm-up as the installed launcher does
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    Process p = ChildLaminar.start(stdout, stderr, "run", "--offline", "-c", file.toString());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "laminar run did not end");
    assertEquals(ExitCode.OK, p.exitValue(), Files.readString(stderr));
    assertEquals(1000, Files.readAllLines(stdout).stream().filter(l -> l.contains("twice")).count(),
        Files.readString(stdout));
  }
}
