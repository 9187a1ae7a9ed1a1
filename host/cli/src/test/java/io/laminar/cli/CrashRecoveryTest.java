package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM runs generator → TUMBLE → an exactly-once file sink (a real plugin) and is killed with
 * SIGKILL at random points, then restarted, until it finishes. The sink's committed output must equal
 * an uninterrupted run's: no duplicates, no gaps.
 */
class CrashRecoveryTest {
  private static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));
  private static final int KILLS = 10;

  @TempDir Path dir;

  private Path config(String name) throws IOException {
    Path run = Files.createDirectories(dir.resolve(name));
    Path file = run.resolve("crash.toml");
    Files.writeString(file, """
        [server]
        bind = "127.0.0.1:0"

        [checkpoint]
        path = "%s"
        interval = "150ms"
        retain = 2

        [state]
        path = "%s"

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = 600000
        rows_per_second = 40000
        events_per_second = 1000
        seed = 11
        start_time = "2026-01-01T00:00:00Z"
        "fields.symbol.values" = "A,B,C,D,E"
        "fields.qty.min" = "1"
        "fields.qty.max" = "9"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "0s"

        [[pipeline]]
        name = "volume"
        sql = "SELECT symbol, window_start, COUNT(*) AS n, SUM(qty) AS q FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end"

        [[sink]]
        name = "out"
        pipeline = "volume"
        connector = "epoch_file"
        delivery = "exactly_once"
        [sink.properties]
        dir = "%s"
        """.formatted(run.resolve("checkpoints"), run.resolve("state"), run.resolve("sink")));
    return file;
  }

  private static List<String> committed(Path sinkDir) throws IOException {
    List<String> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(sinkDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("committed-")).sorted().toList()) {
        rows.addAll(Files.readAllLines(f));
      }
    }
    return rows;
  }

  private String[] args(Path config) {
    return new String[] {"run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c", config.toString()};
  }

  @Test
  void killedAtRandomPointsTheCommittedOutputEqualsAnUninterruptedRun() throws Exception {
    Path reference = config("reference");
    Process once = ChildLaminar.start(dir.resolve("reference.log"), args(reference));
    assertTrue(once.waitFor(120, TimeUnit.SECONDS), "reference run did not finish");
    assertEquals(0, once.exitValue(), () -> log("reference.log"));
    List<String> expected = committed(dir.resolve("reference/sink"));
    assertEquals(600 * 5, expected.size(), "600 s of event time x 5 symbols");

    Path crashing = config("crashing");
    Random random = new Random(20261125);
    int kills = 0;
    int exit = -1;
    while (exit != 0) {
      Process p = ChildLaminar.start(dir.resolve("crashing.log"), args(crashing));
      if (kills < KILLS) {
        long waitMs = 700 + random.nextInt(1500);
        if (!p.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
          p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no final checkpoint
          p.waitFor(10, TimeUnit.SECONDS);
          kills++;
          continue;
        }
      }
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "run after " + kills + " kills did not finish");
      exit = p.exitValue();
      assertEquals(0, exit, () -> log("crashing.log"));
    }
    assertEquals(KILLS, kills, "the run ended before every planned kill");

    List<String> actual = committed(dir.resolve("crashing/sink"));
    assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList(),
        "committed output after " + kills + " SIGKILLs differs from an uninterrupted run");
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
