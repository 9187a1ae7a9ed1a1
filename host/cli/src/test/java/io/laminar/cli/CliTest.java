package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real command line in-process and checks exit codes and what it prints. */
class CliTest {
  private static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));

  @TempDir Path dir;

  record Result(int code, String out, String err) {
  }

  static Result laminar(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path write(String name, String toml) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, toml);
    return file;
  }

  private static final String GOOD = """
      [[source]]
      name = "trades"
      connector = "generator"
      [source.properties]
      max_rows = 100
      [[source.schema]]
      name = "symbol"
      type = "VARCHAR"
      [[source.schema]]
      name = "price"
      type = "DOUBLE"

      [[pipeline]]
      name = "expensive"
      sql = "SELECT symbol, price * 2 AS doubled FROM trades WHERE price > 50"

      [[sink]]
      name = "out"
      pipeline = "expensive"
      connector = "stdout"
      """;

  @Test
  void validateAcceptsAGoodConfigAndExitsZero() throws Exception {
    Result r = laminar("validate", "-c", write("good.toml", GOOD).toString());
    assertEquals(ExitCode.OK, r.code(), r.err());
    assertEquals("configuration is valid: 1 sources, 0 lookups, 1 pipelines, 1 sinks\n", r.out());
  }

  @Test
  void validateReportsEveryErrorSortedWithPositionsAndExits78() throws Exception {
    Path file = write("bad.toml", """
        [[source]]
        name = "trades"
        connector = "genrator"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"

        [[source]]
        name = "more"
        connector = "generator"
        [source.properties]
        rows_per_secnd = 5
        [[source.schema]]
        name = "price"
        type = "DOUBLE"

        [[pipeline]]
        name = "p"
        sql = "SELECT prise FROM more"

        [[sink]]
        name = "out"
        pipeline = "q"
        connector = "stdout"
        """);
    Result r = laminar("validate", "-c", file.toString());
    assertEquals(ExitCode.CONFIG, r.code());
    List<String> lines = errorLines(r.err());
    assertEquals(4, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith(file + ":3:13: error: Unknown connector type 'genrator' for a source."
        + " Did you mean 'generator'?"), lines.get(0));
    assertTrue(lines.get(1).startsWith(file + ":12:1: error: unknown property 'rows_per_secnd'"), lines.get(1));
    assertTrue(lines.get(1).contains("Did you mean 'rows_per_second'?"), lines.get(1));
    assertTrue(lines.get(2).startsWith(file + ":19:15: error: pipeline 'p'"), lines.get(2));
    assertTrue(lines.get(2).contains("Did you mean 'PRICE'?") || lines.get(2).contains("Did you mean 'price'?"), lines.get(2));
    assertTrue(lines.get(3).startsWith(file + ":23:12: error: sink 'out' reads pipeline 'q', which does not exist."),
        lines.get(3));
    assertTrue(r.err().contains("laminar: 4 errors in the configuration; nothing was started."), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace for user mistakes:\n" + r.err());
  }

  private static List<String> errorLines(String err) {
    List<String> lines = new ArrayList<>();
    for (String l : err.split("\n")) {
      if (l.contains(": error: ")) {
        lines.add(l);
      }
    }
    return lines;
  }

  @Test
  void validateReportsTomlSyntaxErrorsWithPosition() throws Exception {
    Path file = write("syntax.toml", "[[source]\nname = \"x\"\n");
    Result r = laminar("validate", "-c", file.toString());
    assertEquals(ExitCode.CONFIG, r.code());
    assertTrue(r.err().startsWith(file + ":1:"), r.err());
  }

  @Test
  void unreachableLookupFailsConnectivityWith69UnlessOffline() throws Exception {
    Path file = write("lookup.toml", GOOD + """

        [[lookup]]
        name = "instruments"
        connector = "csv"
        primary_key = ["symbol"]
        [lookup.properties]
        path = "%s"
        [[lookup.schema]]
        name = "symbol"
        type = "VARCHAR"
        """.formatted(dir.resolve("missing.csv")));
    Result online = laminar("validate", "-c", file.toString());
    assertEquals(ExitCode.CONNECTIVITY, online.code(), online.err());
    assertTrue(online.err().contains("lookup 'instruments' (csv): cannot connect to csv file"), online.err());
    Result offline = laminar("validate", "--offline", "-c", file.toString());
    assertEquals(ExitCode.OK, offline.code(), offline.err());
    assertTrue(offline.out().contains("(connectivity not checked)"), offline.out());
    assertTrue(offline.err().contains("warning: lookup 'instruments' is not used by any pipeline"), offline.err());
  }

  @Test
  void requiredPluginThatIsMissingIsAConfigError() throws Exception {
    Path file = write("req.toml", "[server]\nplugins_required = [\"kafka\"]\n" + GOOD);
    Result r = laminar("validate", "--plugins", TEST_PLUGINS.toString(), "-c", file.toString());
    assertEquals(ExitCode.CONFIG, r.code());
    assertTrue(r.err().contains("error: plugin 'kafka' is listed in [server] plugins_required but is not installed in "
        + TEST_PLUGINS), r.err());
  }

  @Test
  void requiredPluginThatFailedIsAConfigError() throws Exception {
    Path file = write("req.toml", "[server]\nplugins_required = [\"missing-dep\"]\n" + GOOD);
    Result r = laminar("validate", "--plugins", TEST_PLUGINS.toString(), "-c", file.toString());
    assertEquals(ExitCode.CONFIG, r.code());
    assertTrue(r.err().contains("plugin 'missing-dep' is listed in [server] plugins_required but it failed: missing class"),
        r.err());
  }

  @Test
  void pluginConnectorsResolveThroughTheCliAndTheirErrorsArePositioned() throws Exception {
    Path file = write("plugin.toml", GOOD.replace("connector = \"generator\"\n[source.properties]\nmax_rows = 100\n",
        "connector = \"guava_old\"\n"));
    Result r = laminar("validate", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c", file.toString());
    assertEquals(ExitCode.CONFIG, r.code(), r.err());
    // guava_old resolves from its plugin, and its create() refuses: the refusal is a positioned value.
    assertTrue(r.err().startsWith(file + ":1:1: error: source 'trades' (guava_old): guava_old only describes itself"),
        r.err());
  }

  @Test
  void pluginsListTableShowsEveryPluginWithStateAndError() {
    Result r = laminar("plugins", "list", "--plugins", TEST_PLUGINS.toString());
    assertEquals(ExitCode.OK, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertTrue(lines[0].matches("ID\\s+VERSION\\s+STATE\\s+PROVIDES\\s+LOCATION\\s+ERROR"), lines[0]);
    assertTrue(r.out().lines().anyMatch(l -> l.matches("builtin\\s+\\S+\\s+STARTED\\s+source:generator,lookup:csv,"
        + "sink:stdout,sink:blackhole\\s+\\(built in\\)\\s+-")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("guava-old\\s+0\\.1\\.0-SNAPSHOT\\s+STARTED\\s+source:guava_old\\s+.*-")),
        r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("missing-dep\\s+\\S+\\s+FAILED\\s+-\\s+\\S+\\s+missing class "
        + "com\\.fasterxml\\.jackson\\.databind\\.ObjectMapper.*")), r.out());
    assertTrue(r.err().contains("warning: some plugins failed to load"), r.err());
  }

  @Test
  void pluginsListJsonIsMachineReadable() throws Exception {
    Result r = laminar("plugins", "list", "--format", "json", "--plugins", TEST_PLUGINS.toString());
    assertEquals(ExitCode.OK, r.code(), r.err());
    JsonNode rows = new ObjectMapper().readTree(r.out());
    assertTrue(rows.isArray());
    JsonNode guava = null;
    JsonNode missing = null;
    for (JsonNode row : rows) {
      if (row.get("id").asText().equals("guava-new")) {
        guava = row;
      }
      if (row.get("id").asText().equals("missing-dep")) {
        missing = row;
      }
    }
    assertEquals("STARTED", guava.get("state").asText());
    assertEquals("source:guava_new", guava.get("provides").get(0).asText());
    assertTrue(guava.get("error").isNull());
    assertTrue(Path.of(guava.get("location").asText()).isAbsolute() || guava.get("location").asText().contains("guava-new"));
    assertEquals("FAILED", missing.get("state").asText());
    assertTrue(missing.get("error").asText().contains("ObjectMapper"));
  }

  @Test
  void pluginsListWithoutPluginsDirShowsOnlyBuiltins() {
    Result r = laminar("plugins", "list", "--plugins", dir.resolve("none").toString());
    assertEquals(ExitCode.OK, r.code());
    assertEquals(2, r.out().split("\n").length, r.out());
  }

  @Test
  void describePrintsThePropertySpecs() {
    Result r = laminar("plugins", "describe", "csv");
    assertEquals(ExitCode.OK, r.code(), r.err());
    assertTrue(r.out().startsWith("lookup csv  (builtin)\n"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+path\\s+path\\s+yes\\s+-\\s+The CSV file.*")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+header\\s+boolean\\s+no\\s+true\\s+.*")), r.out());
    Result stdout = laminar("plugins", "describe", "stdout");
    assertTrue(stdout.out().lines().anyMatch(l -> l.matches("\\s+format\\s+json\\|table\\s+no\\s+json\\s+.*")), stdout.out());
  }

  @Test
  void describeUnknownTypeSuggestsAndExits2() {
    Result r = laminar("plugins", "describe", "stdot");
    assertEquals(ExitCode.USAGE, r.code());
    assertTrue(r.err().startsWith("laminar: no connector type 'stdot'. Did you mean 'stdout'? Installed: "), r.err());
  }

  @Test
  void explainPrintsThePhysicalPlan() throws Exception {
    Result r = laminar("explain", "-c", write("good.toml", GOOD).toString(), "expensive");
    assertEquals(ExitCode.OK, r.code(), r.err());
    assertTrue(r.out().contains("trades"), r.out());
    Result missing = laminar("explain", "-c", dir.resolve("good.toml").toString(), "expensiv");
    assertEquals(ExitCode.USAGE, missing.code());
    assertTrue(missing.err().contains("Did you mean 'expensive'?"), missing.err());
  }

  @Test
  void versionAndHelpWork() {
    Result v = laminar("version");
    assertEquals(ExitCode.OK, v.code());
    assertTrue(v.out().startsWith("laminar 0.1.0"), v.out());
    assertTrue(v.out().contains("plugin API 0.1.0"), v.out());
    Result help = laminar("validate", "--help");
    assertEquals(ExitCode.OK, help.code());
    assertTrue(help.out().contains("--offline"), help.out());
  }

  @Test
  void helpListsEveryCommandInOrderThoughACommandLineBuildsOnlyTheCommandItNames() {
    for (String[] args : new String[][] {{"--help"}, {}}) {
      Result help = laminar(args);
      assertEquals(ExitCode.OK, help.code(), help.err());
      int at = -1;
      for (String command : new String[] {"run", "validate", "explain", "plugins", "version"}) {
        int next = help.out().indexOf("\n  " + command + " ");
        assertTrue(next > at, command + " missing or out of order:\n" + help.out());
        at = next;
      }
    }
    assertEquals(List.of(RunCommand.class), LaminarCommand.subcommandsFor(new String[] {"run", "-c", "x"}));
    assertEquals(5, LaminarCommand.subcommandsFor(new String[] {"rnu"}).size());
    Result plugins = laminar("plugins", "--help");
    assertEquals(ExitCode.OK, plugins.code(), plugins.err());
    for (String command : new String[] {"list", "describe", "install", "remove"}) {
      assertTrue(plugins.out().contains("\n  " + command + " "), plugins.out());
    }
    Result wrongOption = laminar("run", "--confg", "x.toml");
    assertEquals(ExitCode.USAGE, wrongOption.code());
    assertTrue(wrongOption.err().contains("Try 'laminar run --help' for usage."), wrongOption.err());
  }

  @Test
  void usageMistakesExit2() {
    Result unknown = laminar("valdate");
    assertEquals(ExitCode.USAGE, unknown.code());
    assertTrue(unknown.err().contains("validate"), unknown.err());
    Result missingConfig = laminar("validate");
    assertEquals(ExitCode.USAGE, missingConfig.code());
    assertTrue(missingConfig.err().contains("Missing required option: '--config=FILE'"), missingConfig.err());
  }

  @Test
  void dryRunValidatesAndStartsNothing() throws Exception {
    Path file = write("good.toml", GOOD);
    Result r = laminar("run", "--dry-run", "-c", file.toString());
    assertEquals(ExitCode.OK, r.code(), r.err());
    assertTrue(r.err().contains("dry run: configuration valid and connectors reachable; nothing was started."), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aFinishedRunGivesTheSignalsBackToTheJvm() throws Exception {
    Result r = laminar("run", "--dry-run", "-c", write("good.toml", GOOD).toString());
    assertEquals(ExitCode.OK, r.code(), r.err());
    // the handler run installed must not outlive it: this JVM has to stop on SIGTERM again. What is
    // there now is the JVM's default or, for a signal this JVM was started with ignored (SIGINT in a
    // background job), SIG_IGN — where the JVM installs no handler at all — but never run's handler.
    Class<?> signal = Class.forName("sun.misc.Signal");
    Class<?> handler = Class.forName("sun.misc.SignalHandler");
    List<Object> jvmActions = List.of(handler.getField("SIG_DFL").get(null), handler.getField("SIG_IGN").get(null));
    java.lang.reflect.Method handle = signal.getMethod("handle", signal, handler);
    for (String name : List.of("TERM", "INT")) {
      Object sig = signal.getConstructor(String.class).newInstance(name);
      Object current = handle.invoke(null, sig, jvmActions.get(0)); // swaps in the default, returns what was there
      handle.invoke(null, sig, current); // and puts it back
      assertTrue(jvmActions.contains(current), "SIG" + name + " after the run: " + current);
    }
  }

  @Test
  void badDurationOnTheCommandLineIsAUsageError() throws Exception {
    Result r = laminar("run", "--shutdown-timeout", "soon", "-c", write("good.toml", GOOD).toString());
    assertEquals(ExitCode.USAGE, r.code());
    assertTrue(r.err().contains("'soon' is not a duration"), r.err());
  }

  @Test
  void missingConfigFileIsAConfigError() {
    Result r = laminar("validate", "-c", dir.resolve("nope.toml").toString());
    assertEquals(ExitCode.CONFIG, r.code());
    assertTrue(r.err().contains("nope.toml"), r.err());
  }
}
