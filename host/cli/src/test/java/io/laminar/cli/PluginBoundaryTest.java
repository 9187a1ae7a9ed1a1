package io.laminar.cli;

import static io.laminar.cli.CliTest.laminar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the host does when a plugin breaks the SPI's contract (the {@code misbehaving} test plugin):
 * each failure names the connector and the plugin, and no wrong row reaches a sink.
 */
class PluginBoundaryTest {
  private static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));

  @TempDir Path dir;

  private Path config(String sourceConnector, String sinkConnector) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, """
        [server]
        bind = "127.0.0.1:0"
        [state]
        path = "%1$s/state"
        [checkpoint]
        path = "%1$s/checkpoints"

        [[source]]
        name = "orders"
        connector = "%2$s"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "item"
        type = "VARCHAR"

        [[pipeline]]
        name = "all"
        sql = "SELECT id, item FROM orders"

        [[sink]]
        name = "out"
        pipeline = "all"
        connector = "%3$s"
        """.formatted(dir, sourceConnector, sinkConnector));
    return file;
  }

  private Result run(String source, String sink) throws Exception {
    return laminar("run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c", config(source, sink).toString());
  }

  @Test
  void aBatchWithAnotherSchemaFailsItsSourceByName() throws Exception {
    Result r = run("wrong_schema", "stdout");
    assertEquals(ExitCode.RUNTIME, r.code(), r.err());
    assertTrue(r.err().contains("source 'orders' failed: plugin 'misbehaving' returned a batch that has 1 columns "
        + "[surprise] where the configured schema has 2 [id, item] (a bug in the plugin)"), r.err());
    assertFalse(r.out().contains("surprise"), "nothing reached the sink: " + r.out());
  }

  @Test
  void aBatchWhoseRowCountExceedsItsValuesFailsItsSourceByName() throws Exception {
    Result r = run("short_vectors", "stdout");
    assertEquals(ExitCode.RUNTIME, r.code(), r.err());
    assertTrue(r.err().contains("source 'orders' failed: plugin 'misbehaving' returned a batch that says it has "
        + "1000000 rows but its column 'id' holds 1 values (a bug in the plugin)"), r.err());
    assertEquals("", r.out(), "no invented rows");
  }

  @Test
  void aFactoryReturningNullIsACreationErrorNotAConnectivityFailure() throws Exception {
    Result r = laminar("validate", "--plugins", TEST_PLUGINS.toString(), "-c", config("null_create", "stdout").toString());
    assertEquals(ExitCode.CONFIG, r.code(), r.err());
    assertTrue(r.err().contains(":8:1: error: source 'orders' (null_create): plugin 'misbehaving' returned null from "
        + "create() for source 'orders' (a bug in the plugin)"), r.err());
    assertFalse(r.err().contains("cannot connect"), r.err());
  }

  @Test
  void aSinkWhoseWriteThrowsIsNamed() throws Exception {
    Result r = laminar("run", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c",
        Files.writeString(dir.resolve("gen.toml"), Files.readString(config("x", "failing_write"))
            .replace("connector = \"x\"", "connector = \"generator\"\n[source.properties]\nmax_rows = 10")).toString());
    assertEquals(ExitCode.RUNTIME, r.code(), r.err());
    assertTrue(r.err().contains("sink 'out' failed: the disk is on fire"), r.err());
  }

  @Test
  void anArrowLeakIsReportedButTheRunStillSucceeds() throws Exception {
    Result r = run("leaky", "stdout");
    assertEquals(ExitCode.OK, r.code(), r.err());
    assertTrue(r.err().contains("laminar: all input processed; done."), r.err());
    assertTrue(r.err().contains("laminar: warning: Arrow memory was not released at exit (a connector leaks; the run's "
        + "result stands): Memory was leaked by query. Memory leaked: (64)"), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
  }
}
