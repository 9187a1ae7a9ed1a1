package io.laminar.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delta plugin (Delta Kernel 4.4, Hadoop 3.4.2, Parquet 1.16, Jackson 2.23, zstd-jni) beside the
 * kafka plugin (its own Jackson, zstd-jni, snappy and lz4 natives) and the jackson-old test plugin
 * (Jackson 2.12) in one server: one generator feeds one pipeline into a Delta table and another into
 * the jackson_old sink. Both outputs are complete and jackson_old reports the Jackson it runs with;
 * the shipped kafka-to-delta example validates against the same plugins.
 */
class DeltaIsolationIT {
  @TempDir Path dir;

  private Path pluginsDir() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    LaminarProcess.copyTree(LaminarProcess.DELTA_PLUGIN, plugins.resolve("delta"));
    LaminarProcess.copyTree(LaminarProcess.TEST_PLUGINS.resolve("laminar-plugin-kafka-plugin"), plugins.resolve("kafka"));
    LaminarProcess.copyTree(LaminarProcess.TEST_PLUGINS.resolve("laminar-test-plugin-jackson-old-plugin"), plugins.resolve("jackson-old"));
    return plugins;
  }

  @Test
  void deltaAndAnOldJacksonPluginWriteFromOneSourceInOneServer() throws Exception {
    Path plugins = pluginsDir();
    ServerProcess.Result list = LaminarProcess.run(dir.resolve("list"), 60, "plugins", "list", "--plugins",
        plugins.toString());
    assertEquals(0, list.exit(), list.stderr());
    for (String id : List.of("delta", "kafka", "jackson-old")) {
      assertTrue(list.stdout().contains(id), "plugin " + id + " listed: " + list.stdout());
    }
    assertFalse(list.stdout().contains("FAILED"), list.stdout());

    Path table = dir.resolve("table");
    Path lines = dir.resolve("lines.jsonl");
    Path config = dir.resolve("both.toml");
    Files.writeString(config, """
        [server]
        name = "both"
        bind = "127.0.0.1:0"

        [checkpoint]
        path = "%s"
        interval = "300ms"

        [[source]]
        name = "gen"
        connector = "generator"
        [source.properties]
        max_rows = 5000
        seed = 3
        "fields.id.kind" = "sequence"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "name"
        type = "VARCHAR"

        [[pipeline]]
        name = "to_delta"
        sql = "SELECT id, name FROM gen"

        [[pipeline]]
        name = "to_json"
        sql = "SELECT id, name FROM gen"

        [[sink]]
        name = "delta"
        pipeline = "to_delta"
        connector = "delta_lake"
        delivery = "exactly_once"
        [sink.properties]
        "table.path" = "%s"

        [[sink]]
        name = "json"
        pipeline = "to_json"
        connector = "jackson_old"
        [sink.properties]
        path = "%s"
        """.formatted(DeltaServerIT.esc(dir.resolve("cp")), DeltaServerIT.esc(table), DeltaServerIT.esc(lines)));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("both"), 120, "run", "--plugins", plugins.toString(),
        "-c", config.toString());
    assertEquals(0, r.exit(), r.stderr());
    assertEquals(5000, DeltaTables.rows(table).size());
    assertEquals(5000, DeltaTables.rows(table).stream().map(x -> x.get(0)).distinct().count());
    List<String> json = Files.readAllLines(lines);
    assertEquals(5000, json.size());
    assertTrue(json.get(0).contains("2.12.7"), "jackson_old runs with its own Jackson: " + json.get(0));
  }

  @Test
  void theKafkaToDeltaExampleValidates() throws Exception {
    Path repo = Path.of("").toAbsolutePath();
    while (!Files.exists(repo.resolve("examples/kafka-to-delta.toml"))) {
      repo = repo.getParent();
    }
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("example"), 60, "validate", "--offline", "--plugins",
        pluginsDir().toString(), "-c", repo.resolve("examples/kafka-to-delta.toml").toString());
    assertEquals(0, r.exit(), r.stdout() + r.stderr());
  }
}
