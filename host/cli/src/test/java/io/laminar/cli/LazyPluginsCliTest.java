package io.laminar.cli;

import static io.laminar.cli.CliTest.laminar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.cli.CliTest.Result;
import io.laminar.plugins.PluginInfo;
import io.laminar.plugins.PluginState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run}, {@code validate} and {@code explain} start only the plugins whose connector types the config uses. */
class LazyPluginsCliTest {
  private static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));

  @TempDir Path dir;

  private Path config(String sourceConnector, String extraServer) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, """
        [server]
        %2$s
        [[source]]
        name = "trades"
        connector = "%1$s"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"

        [[pipeline]]
        name = "all"
        sql = "SELECT symbol FROM trades"

        [[sink]]
        name = "out"
        pipeline = "all"
        connector = "blackhole"
        """.formatted(sourceConnector, extraServer));
    return file;
  }

  /** The plugin states after preparing {@code config} as {@code validate --offline} does. */
  private static Map<String, PluginState> preparedStates(Path config) {
    ConfigOptions options = new ConfigOptions();
    options.files = List.of(config);
    options.pluginsDir = TEST_PLUGINS;
    options.logLevel = "error";
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    try (Preparation p = Preparation.prepare(options, true, Map.of(), err)) {
      return p.plugins.plugins().stream().collect(Collectors.toMap(PluginInfo::id, PluginInfo::state));
    }
  }

  @Test
  void aConfigOfBuiltinConnectorsStartsNoPlugin() throws Exception {
    Map<String, PluginState> states = preparedStates(config("generator", ""));
    assertEquals(Map.of("guava-old", PluginState.NOT_NEEDED, "guava-new", PluginState.NOT_NEEDED,
        "misbehaving", PluginState.NOT_NEEDED, "epoch-file-sink", PluginState.NOT_NEEDED,
        "missing-dep", PluginState.NOT_NEEDED), states);
  }

  @Test
  void aConfigNamingAPluginConnectorStartsThatPluginOnly() throws Exception {
    Map<String, PluginState> states = preparedStates(config("guava_new", ""));
    assertEquals(PluginState.STARTED, states.get("guava-new"));
    assertEquals(PluginState.NOT_NEEDED, states.get("guava-old"));
    assertEquals(PluginState.NOT_NEEDED, states.get("misbehaving"));
  }

  @Test
  void aRequiredOrPickedPluginStartsEvenIfItsTypesAreUnused() throws Exception {
    Map<String, PluginState> required = preparedStates(config("generator", "plugins_required = [\"guava-old\"]"));
    assertEquals(PluginState.STARTED, required.get("guava-old"));
    Map<String, PluginState> picked = preparedStates(config("guava_new@guava-new", ""));
    assertEquals(PluginState.STARTED, picked.get("guava-new"));
    assertEquals(PluginState.NOT_NEEDED, picked.get("guava-old"));
  }

  @Test
  void aPluginConnectorIsCreatedThroughItsStartedPlugin() throws Exception {
    // guava_new's create() refuses with its own message: the plugin was started and called
    Path file = config("guava_new", "");
    Result r = laminar("validate", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c", file.toString());
    assertEquals(ExitCode.CONFIG, r.code(), r.err());
    assertTrue(r.err().contains("source 'trades' (guava_new): guava_new only describes itself"), r.err());
  }

  @Test
  void anUnknownTypeStillListsAndSuggestsTheTypesOfPluginsThatAreNotStarted() throws Exception {
    Path file = config("guava_nwe", "");
    Result r = laminar("validate", "--offline", "--plugins", TEST_PLUGINS.toString(), "-c", file.toString());
    assertEquals(ExitCode.CONFIG, r.code(), r.err());
    assertTrue(r.err().contains("Unknown connector type 'guava_nwe' for a source. Did you mean 'guava_new'?"), r.err());
    assertTrue(r.err().contains("generator (builtin), guava_new (plugin guava-new 0.1.0-SNAPSHOT, not loaded), "
        + "guava_old (plugin guava-old 0.1.0-SNAPSHOT, not loaded)"), r.err());
  }

  @Test
  void pluginsListStillStartsEveryPlugin() {
    Result r = laminar("plugins", "list", "--plugins", TEST_PLUGINS.toString());
    assertEquals(ExitCode.OK, r.code(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("guava-new\\s+\\S+\\s+STARTED\\s+source:guava_new\\s+.*")), r.out());
    assertTrue(r.out().lines().noneMatch(l -> l.contains("NOT_NEEDED")), r.out());
  }
}
