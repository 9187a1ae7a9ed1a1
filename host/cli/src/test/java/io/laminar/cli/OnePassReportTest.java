package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error a run can find is reported in one pass; an empty config is not a silent success. */
class OnePassReportTest {
  @TempDir Path dir;

  private Path write(String name, String toml) throws Exception {
    return Files.writeString(dir.resolve(name), toml);
  }

  private static List<String> errorLines(String err) {
    return Arrays.stream(err.split("\n")).filter(l -> l.contains(": error: ")).toList();
  }

  @Test
  void connectorTypeColumnTypeAndMissingPipelineAreReportedTogetherInOrder() throws Exception {
    Path file = write("bad.toml", """
        [[source]]
        name = "trades"
        connector = "genrator"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"

        [[source]]
        name = "quotes"
        connector = "generator"
        [[source.schema]]
        name = "bid"
        type = "DUBLE"

        [[pipeline]]
        name = "p"
        sql = "SELECT price FROM trades"

        [[pipeline]]
        name = "q"
        sql = "SELECT bid FROM quotes"

        [[sink]]
        name = "out"
        pipeline = "r"
        connector = "stdout"

        [[sink]]
        name = "quoted"
        pipeline = "q"
        connector = "stdout"
        """);
    CliTest.Result r = CliTest.laminar("validate", "--offline", "-c", file.toString());
    assertEquals(ExitCode.CONFIG, r.code(), r.err());
    List<String> lines = errorLines(r.err());
    assertEquals(3, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith(file + ":3:13: error: Unknown connector type 'genrator'"), lines.get(0));
    assertTrue(lines.get(1).startsWith(file + ":13:8: error: unknown type 'DUBLE' for column 'bid'"), lines.get(1));
    assertTrue(lines.get(1).contains("Did you mean 'DOUBLE'?"), lines.get(1));
    assertTrue(lines.get(2).startsWith(file + ":25:12: error: sink 'out' reads pipeline 'r', which does not exist."),
        lines.get(2));
    // pipeline q reads the broken source quotes, and sink quoted reads q: no follow-on errors about them
    assertFalse(r.err().contains("'quotes' not found"), r.err());
    assertTrue(r.err().contains("laminar: 3 errors in the configuration; nothing was started."), r.err());
  }

  @Test
  void aBrokenPipelineDoesNotMakeItsSinkAnError() throws Exception {
    Path file = write("broken-pipeline.toml", """
        [[source]]
        name = "trades"
        connector = "genrator"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"

        [[pipeline]]
        name = "p"
        sql = ""

        [[sink]]
        name = "out"
        pipeline = "p"
        connector = "stdout"
        """);
    CliTest.Result r = CliTest.laminar("validate", "--offline", "-c", file.toString());
    assertEquals(ExitCode.CONFIG, r.code(), r.err());
    List<String> lines = errorLines(r.err());
    assertEquals(2, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith(file + ":3:13: error: Unknown connector type 'genrator'"), lines.get(0));
    assertTrue(lines.get(1).startsWith(file + ":10:7: error: 'sql' in pipeline 'p' is empty"), lines.get(1));
  }

  @Test
  void aConfigWithoutPipelinesIsAnErrorNotASilentSuccess() throws Exception {
    Path file = write("empty.toml", "# nothing here yet\n");
    CliTest.Result run = CliTest.laminar("run", "--offline", "-c", file.toString());
    assertEquals(ExitCode.CONFIG, run.code(), run.err());
    assertTrue(run.err().contains("error: nothing to run: [" + file + "] defines no [[pipeline]]"), run.err());
    CliTest.Result validate = CliTest.laminar("validate", "--offline", "-c", file.toString());
    assertEquals(ExitCode.CONFIG, validate.code(), validate.err());
  }

  @Test
  void configWarningsArePrintedWithTheirPositionAndTheRunGoesOn() throws Exception {
    Path file = write("token.toml", """
        [server]
        auth_token = "s3cret\\n"
        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = 10
        [[source.schema]]
        name = "price"
        type = "DOUBLE"
        [[pipeline]]
        name = "p"
        sql = "SELECT price FROM trades"
        [[sink]]
        name = "out"
        pipeline = "p"
        connector = "blackhole"
        """);
    CliTest.Result r = CliTest.laminar("validate", "--offline", "-c", file.toString());
    assertEquals(ExitCode.OK, r.code(), r.err());
    assertTrue(r.err().contains(file + ":2:14: warning: 'auth_token' in [server] has leading or trailing whitespace"),
        r.err());
    assertFalse(r.err().contains("s3cret"), r.err());
  }
}
