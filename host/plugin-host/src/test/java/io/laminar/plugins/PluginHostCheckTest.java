package io.laminar.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import io.laminar.registry.ConnectorProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PluginHost#check}: one plugin loaded as {@link PluginHost#load} would, then compared with the installed. */
class PluginHostCheckTest {
  @TempDir Path candidates;
  @TempDir Path plugins;

  /** A built-in-like provider offering one source type. */
  private static ConnectorProvider builtinWithSource(String type) {
    SourceFactory factory = new SourceFactory() {
      @Override
      public ConnectorSpec spec() {
        return ConnectorSpec.builder(type, ConnectorKind.SOURCE).description("test").build();
      }

      @Override
      public Source create(ConnectorContext context) {
        throw new UnsupportedOperationException("only described");
      }
    };
    return new ConnectorProvider(ConnectorProvider.BUILTIN, "1", List.of(factory), List.of(), List.of());
  }

  private List<String> installed() throws IOException {
    try (Stream<Path> entries = Files.list(plugins)) {
      return entries.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void aGoodPluginIsStartedWithWhatItProvidesAndNothingIsWritten() throws IOException {
    Path candidate = TestPlugins.copy("guava-old", candidates);
    PluginInfo info = PluginHost.check(candidate, plugins, List.of());
    assertEquals(PluginState.STARTED, info.state(), info.toString());
    assertEquals(List.of("source:guava_old"), info.provides());
    assertEquals(candidate, info.location());
    assertEquals(List.of(), installed());
  }

  @Test
  void aZipIsCheckedFromItsContent() {
    Path zip = candidates.resolve("whatever.zip");
    TestPlugins.zip(TestPlugins.dir().resolve("guava-new"), zip);
    PluginInfo info = PluginHost.check(zip, plugins, List.of());
    assertEquals(PluginState.STARTED, info.state(), info.toString());
    assertEquals("guava-new", info.id());
    assertEquals(zip, info.location());
  }

  @Test
  void aTypeTheBuiltInsHaveIsRefused() {
    Path candidate = TestPlugins.copy("guava-old", candidates);
    PluginInfo info = PluginHost.check(candidate, plugins, List.of(builtinWithSource("guava_old")));
    assertEquals(PluginState.FAILED, info.state());
    assertEquals("source type 'guava_old' is already provided by builtin", info.error().orElseThrow());
  }

  @Test
  void aSpecProblemTheCallerFindsRefusesThePluginNamingTheConnector() {
    Path candidate = TestPlugins.copy("guava-old", candidates);
    PluginInfo info = PluginHost.check(candidate, plugins, List.of(),
        spec -> spec.type().equals("guava_old") ? List.of("a default is unreadable") : List.of());
    assertEquals(PluginState.FAILED, info.state());
    assertEquals("source guava_old: a default is unreadable", info.error().orElseThrow());
  }

  @Test
  void theIdOfAnInstalledPluginThatFailsIsRefusedToo() {
    Path broken = TestPlugins.copy("guava-old", plugins);
    TestPlugins.write(broken.resolve("lib").resolve("broken.jar"), "not a zip");
    Path candidate = TestPlugins.copy("guava-old", candidates);
    PluginInfo info = PluginHost.check(candidate, plugins, List.of());
    assertEquals(PluginState.FAILED, info.state());
    assertEquals("plugin id 'guava-old' is already installed at " + broken
        + " (remove it first: laminar plugins remove guava-old)", info.error().orElseThrow());
  }

  @Test
  void theHostsOwnReasonIsGivenForABrokenPlugin() {
    Path candidate = TestPlugins.copy("missing-dep", candidates);
    PluginInfo info = PluginHost.check(candidate, plugins, List.of());
    assertEquals(PluginState.FAILED, info.state());
    assertEquals("missing class com.fasterxml.jackson.databind.ObjectMapper: the plugin must bundle it in lib/ "
        + "(needed by io.laminar.testplugins.missingdep.MissingDepSourceFactory)", info.error().orElseThrow());
  }
}
