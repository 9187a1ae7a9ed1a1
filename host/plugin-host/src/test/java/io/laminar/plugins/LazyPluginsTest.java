package io.laminar.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorKind;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.registry.Resolution;
import io.laminar.registry.UnloadedConnector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PluginHost#load(Path, PluginHost.Needed)}: only the plugins a configuration may use are started. */
class LazyPluginsTest {

  private static PluginHost.Needed types(String... types) {
    return new PluginHost.Needed(Set.of(types), Set.of());
  }

  private static Map<String, PluginState> states(PluginHost host) {
    return host.plugins().stream().collect(Collectors.toMap(PluginInfo::id, PluginInfo::state));
  }

  private static PluginInfo info(PluginHost host, String id) {
    return host.plugins().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void onlyThePluginDeclaringAUsedTypeStartsAndItIsStillIsolated() {
    try (PluginHost host = PluginHost.load(TestPlugins.dir(), types("guava_old", "generator", "stdout"))) {
      assertEquals(Map.of("guava-old", PluginState.STARTED, "guava-new", PluginState.NOT_NEEDED,
          "bundles-api", PluginState.NOT_NEEDED, "service-loader", PluginState.NOT_NEEDED,
          "missing-dep", PluginState.NOT_NEEDED), states(host));
      assertEquals(List.of("guava-old"), host.startedPluginIds());
      assertEquals(List.of("guava-old"), host.providers().stream().map(ConnectorProvider::id).toList());
      // its own Guava, not the host's
      assertEquals("guava_old{guava=guava-16.0.1.jar}", host.providers().get(0).sources().get(0).spec().description());
      PluginInfo skipped = info(host, "service-loader");
      assertEquals(List.of("lookup:tccl_check", "sink:tccl_check", "source:service_loader"), skipped.provides());
      assertEquals("0.1.0-SNAPSHOT", skipped.version());
      assertTrue(skipped.error().isEmpty());
    }
  }

  @Test
  void aUsedTypeOfABrokenPluginStillFailsThePluginWithItsReason() {
    try (PluginHost host = PluginHost.load(TestPlugins.dir(), types("missing_dep"))) {
      PluginInfo missing = info(host, "missing-dep");
      assertEquals(PluginState.FAILED, missing.state());
      assertEquals("missing class com.fasterxml.jackson.databind.ObjectMapper: the plugin must bundle it in lib/"
          + " (needed by io.laminar.testplugins.missingdep.MissingDepSourceFactory)", missing.error().orElseThrow());
      assertEquals(PluginState.NOT_NEEDED, info(host, "guava-old").state());
    }
  }

  @Test
  void aTypeUsedAsAnotherKindStillStartsThePlugin() {
    // guava_old is a source; a sink named guava_old must still get the plugin's "is a source" message
    try (PluginHost host = PluginHost.load(TestPlugins.dir(), types("guava_old"))) {
      assertEquals(PluginState.STARTED, info(host, "guava-old").state());
    }
  }

  @Test
  void aPluginNamedByIdStartsWhateverTypesAreUsed() {
    try (PluginHost host = PluginHost.load(TestPlugins.dir(), new PluginHost.Needed(Set.of(), Set.of("guava-new")))) {
      assertEquals(PluginState.STARTED, info(host, "guava-new").state());
      assertEquals(PluginState.NOT_NEEDED, info(host, "guava-old").state());
    }
  }

  @Test
  void aPluginThatDeclaresNothingOrSomethingUnreadableLoadsAsAlways(@TempDir Path dir) {
    Path silent = TestPlugins.copy("guava-old", dir, "silent");
    TestPlugins.writeProperties(silent, TestPlugins.readProperties(silent)
        .replace("plugin.id=guava-old", "plugin.id=silent").replaceAll("(?m)^plugin\\.provides=.*$", ""));
    Path unreadable = TestPlugins.copy("guava-new", dir, "unreadable");
    TestPlugins.writeProperties(unreadable, TestPlugins.readProperties(unreadable)
        .replaceAll("(?m)^plugin\\.provides=.*$", "plugin.provides=guava_new"));
    try (PluginHost host = PluginHost.load(dir, types("generator"))) {
      assertEquals(Map.of("silent", PluginState.STARTED, "guava-new", PluginState.STARTED), states(host));
      // the declarations are still checked against the extensions once the plugin runs
      assertTrue(info(host, "silent").warnings().contains(
          "plugin.provides declares nothing but the extensions provide [source:guava_old]"), info(host, "silent").warnings().toString());
    }
  }

  @Test
  void aDuplicatePluginIdIsStillReportedWithoutLoadingEither(@TempDir Path dir) {
    TestPlugins.copy("guava-old", dir, "a");
    TestPlugins.copy("guava-old", dir, "b");
    try (PluginHost host = PluginHost.load(dir, types("generator"))) {
      List<PluginInfo> infos = host.plugins();
      assertEquals(List.of(PluginState.NOT_NEEDED, PluginState.FAILED), infos.stream().map(PluginInfo::state).toList());
      assertTrue(infos.get(1).error().orElseThrow().startsWith("plugin id 'guava-old' is already used by "),
          infos.get(1).error().toString());
    }
  }

  @Test
  void anUnknownTypeStillListsAndSuggestsTheTypesOfPluginsThatWereNotLoaded() {
    try (PluginHost host = PluginHost.load(TestPlugins.dir(), types("guava_old"))) {
      List<UnloadedConnector> notLoaded = host.notLoaded();
      assertTrue(notLoaded.contains(new UnloadedConnector(ConnectorKind.SOURCE, "guava_new", "guava-new",
          "0.1.0-SNAPSHOT")), notLoaded.toString());
      assertTrue(notLoaded.stream().noneMatch(u -> u.pluginId().equals("guava-old")), notLoaded.toString());
      ConnectorRegistry registry = ConnectorRegistry.build(host.providers(), notLoaded).registry();
      Resolution typo = registry.resolve(ConnectorKind.SOURCE, "guava_nwe");
      assertEquals(new Resolution.Failed("Unknown connector type 'guava_nwe' for a source. Did you mean 'guava_new'?"
          + " Installed source types: bundled_api (plugin bundles-api 0.1.0-SNAPSHOT, not loaded),"
          + " guava_new (plugin guava-new 0.1.0-SNAPSHOT, not loaded), guava_old (plugin guava-old 0.1.0-SNAPSHOT),"
          + " missing_dep (plugin missing-dep 0.1.0-SNAPSHOT, not loaded),"
          + " service_loader (plugin service-loader 0.1.0-SNAPSHOT, not loaded)"), typo);
      Resolution wrongKind = registry.resolve(ConnectorKind.SOURCE, "tccl_check");
      assertTrue(wrongKind.error().orElseThrow().startsWith("Unknown connector type 'tccl_check' for a source."
          + " 'tccl_check' is a lookup and sink connector, not a source."), wrongKind.toString());
    }
  }
}
