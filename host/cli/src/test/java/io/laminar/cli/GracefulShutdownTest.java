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

  @Test
  void sigtermDrainsEverythingReadIntoTheSinkAndWritesAFinalCheckpoint() throws Exception {
    Path config = dir.resolve("shutdown.toml");
    Files.writeString(config, """
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
        """.formatted(dir.resolve("cp"), dir.resolve("sink")));
    Path log = dir.resolve("run.log");
    Process p = ChildLaminar.start(log, "run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c", config.toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(log).contains("engine started") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
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
}
