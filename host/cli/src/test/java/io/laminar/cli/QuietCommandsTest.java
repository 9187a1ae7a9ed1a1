package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands whose output is the point print no progress logs unless --log-level asks, and the
 * start-up line counts pipelines and workers apart. Child JVMs, so the real logging setup is used.
 */
class QuietCommandsTest {
  private static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));

  @TempDir Path dir;

  record Output(int code, String out, String err) {
  }

  private Output laminar(String... args) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = ChildLaminar.start(out, err, args);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "laminar " + String.join(" ", args) + " did not finish");
    return new Output(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void assertNoInfo(Output o) {
    assertFalse(o.err().contains(" INFO "), "progress logs before the output:\n" + o.err());
  }

  private Path config(int workers) throws Exception {
    Path file = dir.resolve("quiet.toml");
    Files.writeString(file, """
        [server]
        bind = "127.0.0.1:0"
        workers = %d

        [checkpoint]
        path = "%s"

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = 1000
        "fields.symbol.values" = "A,B,C"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "0s"

        [[pipeline]]
        name = "counts"
        sql = "SELECT symbol, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end"

        [[sink]]
        name = "out"
        pipeline = "counts"
        connector = "blackhole"
        """.formatted(workers, dir.resolve("checkpoints")));
    return file;
  }

  @Test
  void pluginsListAndDescribePrintOnlyTheirOutputUnlessLogLevelAsks() throws Exception {
    Output list = laminar("plugins", "list", "--plugins", TEST_PLUGINS.toString());
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().startsWith("ID"), list.out());
    assertNoInfo(list);

    Output describe = laminar("plugins", "describe", "generator", "--plugins", TEST_PLUGINS.toString());
    assertEquals(0, describe.code(), describe.err());
    assertTrue(describe.out().startsWith("source generator"), describe.out());
    assertNoInfo(describe);

    Output verbose = laminar("plugins", "list", "--plugins", TEST_PLUGINS.toString(), "--log-level", "info");
    assertEquals(0, verbose.code(), verbose.err());
    assertTrue(verbose.err().contains(" INFO ") && verbose.err().contains("Plugins:"), verbose.err());
  }

  @Test
  void explainPrintsOnlyThePlan() throws Exception {
    Output explain = laminar("explain", "-c", config(1).toString(), "counts");
    assertEquals(0, explain.code(), explain.err());
    assertTrue(explain.out().contains("WindowAggregate"), explain.out());
    assertNoInfo(explain);
    assertEquals(List.of(), explain.err().lines().toList());
  }

  @Test
  void theStartLineCountsPipelinesAndWorkersApart() throws Exception {
    Output run = laminar("run", "--offline", "-c", config(2).toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("1 pipelines on 2 workers"), run.err());
  }
}
