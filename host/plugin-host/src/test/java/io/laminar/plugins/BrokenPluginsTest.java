package io.laminar.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorKind;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.registry.Resolution;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and unusual plugins derived from the good test plugins in a temporary plugins directory.
 * In every case the good plugins next to the broken one still load and work.
 */
class BrokenPluginsTest {
  @TempDir
  Path plugins;

  @BeforeEach
  void goodPlugins() {
    TestPlugins.copy("guava-old", plugins);
    TestPlugins.copy("service-loader", plugins);
  }

  private static PluginInfo info(PluginHost host, String id) {
    return host.plugins().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  /** The two good plugins are started and their factories answer. */
  private static void assertGoodPluginsWork(PluginHost host) {
    for (String id : List.of("guava-old", "service-loader")) {
      assertEquals(PluginState.STARTED, info(host, id).state(), id);
    }
    ConnectorRegistry registry = ConnectorRegistry.build(host.providers()).registry();
    assertEquals("guava_old{guava=guava-16.0.1.jar}",
        registry.find(ConnectorKind.SOURCE, "guava_old").orElseThrow().sourceFactory().spec().description());
    assertEquals("emits: hello from the service-loader plugin",
        registry.find(ConnectorKind.SOURCE, "service_loader").orElseThrow().spec().description());
  }

  @Test
  void aPluginWithoutPluginIdFailsNamingTheFile() {
    Path broken = TestPlugins.copy("guava-new", plugins);
    TestPlugins.writeProperties(broken, "plugin.version=1.0.0\nplugin.requires=0.1.0\n");
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "guava-new");
      assertEquals(PluginState.FAILED, info.state());
      assertEquals(broken.resolve("plugin.properties") + ": plugin.id is missing or empty", info.error().orElseThrow());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void aMissingPluginClassIsReportedByName() {
    Path broken = TestPlugins.copy("guava-new", plugins);
    TestPlugins.writeProperties(broken, TestPlugins.readProperties(broken) + "\nplugin.class=com.example.Missing\n");
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "guava-new");
      assertEquals(PluginState.FAILED, info.state());
      assertEquals("plugin.class com.example.Missing is not in the plugin's classes/ or lib/ (a connector plugin "
          + "needs no plugin.class: remove it, or ship the class)", info.error().orElseThrow());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void aPluginClassThatIsNoPf4jPluginIsReportedByName() {
    Path broken = TestPlugins.copy("guava-new", plugins);
    TestPlugins.writeProperties(broken, TestPlugins.readProperties(broken)
        + "\nplugin.class=io.laminar.testplugins.guavanew.GuavaNewSourceFactory\n");
    try (PluginHost host = PluginHost.load(plugins)) {
      assertEquals("plugin.class io.laminar.testplugins.guavanew.GuavaNewSourceFactory does not extend "
          + "org.pf4j.Plugin (a connector plugin needs no plugin.class: remove it, or ship the class)",
          info(host, "guava-new").error().orElseThrow());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void aLibJarThatIsNotAZipIsReportedByName() throws Exception {
    Path broken = TestPlugins.copy("guava-new", plugins);
    try (java.util.stream.Stream<Path> jars = java.nio.file.Files.list(broken.resolve("lib"))) {
      for (Path jar : jars.toList()) {
        java.nio.file.Files.delete(jar);
      }
    }
    TestPlugins.write(broken.resolve("lib/guava-new.jar"), "this is not a zip file\n");
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "guava-new");
      assertEquals(PluginState.FAILED, info.state());
      assertEquals("lib/guava-new.jar is not a jar (zip) file: zip END header not found", info.error().orElseThrow());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void anUnparsablePluginPropertiesFailsNamingTheFile() {
    Path broken = TestPlugins.copy("guava-new", plugins);
    TestPlugins.writeProperties(broken, "plugin.id=guava-new\nplugin.version=\\uZZZZ\n");
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "guava-new");
      assertEquals(PluginState.FAILED, info.state());
      assertEquals(broken.resolve("plugin.properties") + " cannot be parsed: Malformed \\uxxxx encoding.",
          info.error().orElseThrow());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void aDirectoryWithoutPluginPropertiesFails() throws Exception {
    Path broken = TestPlugins.copy("guava-new", plugins);
    java.nio.file.Files.delete(broken.resolve("plugin.properties"));
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "guava-new");
      assertEquals(PluginState.FAILED, info.state());
      assertEquals(broken.resolve("plugin.properties") + " is missing", info.error().orElseThrow());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void anUnsatisfiedApiVersionFailsThatPluginOnly() {
    Path broken = TestPlugins.copy("guava-new", plugins);
    TestPlugins.writeProperties(broken,
        TestPlugins.readProperties(broken).replaceAll("plugin\\.requires=.*", "plugin.requires=>=9.0.0"));
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "guava-new");
      assertEquals(PluginState.FAILED, info.state());
      assertEquals("plugin.requires '>=9.0.0' is not satisfied by this server's laminar API 0.1.0",
          info.error().orElseThrow());
      assertEquals("0.1.0-SNAPSHOT", info.version());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void anApiRangeLoadsWhenItHoldsTheHostsVersionAndFailsOtherwise() {
    Path inRange = TestPlugins.copy("guava-new", plugins);
    TestPlugins.writeProperties(inRange,
        TestPlugins.readProperties(inRange).replaceAll("plugin\\.requires=.*", "plugin.requires=>=0.1 <1.0"));
    Path outOfRange = TestPlugins.copy("guava-old", plugins, "guava-old-copy");
    TestPlugins.writeProperties(outOfRange, TestPlugins.readProperties(outOfRange)
        .replace("plugin.id=guava-old", "plugin.id=guava-old-copy")
        .replaceAll("plugin\\.requires=.*", "plugin.requires=>=0.0.1 & <0.1.0"));
    try (PluginHost host = PluginHost.load(plugins)) {
      assertEquals(PluginState.STARTED, info(host, "guava-new").state(), info(host, "guava-new").toString());
      assertEquals("plugin.requires '>=0.0.1 & <0.1.0' is not satisfied by this server's laminar API 0.1.0",
          info(host, "guava-old-copy").error().orElseThrow());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void thePackagingGivesEveryPluginTheRangeOfItsApiMajorVersion() {
    assertTrue(TestPlugins.readProperties(TestPlugins.dir().resolve("guava-new")).contains("plugin.requires=>=0.1 <1.0"),
        TestPlugins.readProperties(TestPlugins.dir().resolve("guava-new")));
  }

  @Test
  void aMalformedApiVersionRangeFailsThatPluginOnly() {
    Path broken = TestPlugins.copy("guava-new", plugins);
    TestPlugins.writeProperties(broken,
        TestPlugins.readProperties(broken).replaceAll("plugin\\.requires=.*", "plugin.requires=>=banana"));
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "guava-new");
      assertEquals(PluginState.FAILED, info.state());
      assertTrue(info.error().orElseThrow().startsWith("plugin.requires '>=banana' is not a valid version range: "),
          info.error().orElseThrow());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void twoPluginsOfferingTheSameTypeMustBePickedByPluginId() {
    Path copy = TestPlugins.copy("guava-old", plugins, "guava-old-copy");
    TestPlugins.writeProperties(copy,
        TestPlugins.readProperties(copy).replace("plugin.id=guava-old", "plugin.id=guava-old-copy"));
    try (PluginHost host = PluginHost.load(plugins)) {
      assertEquals(PluginState.STARTED, info(host, "guava-old-copy").state());
      ConnectorRegistry registry = ConnectorRegistry.build(host.providers()).registry();
      Resolution ambiguous = registry.resolve(ConnectorKind.SOURCE, "guava_old", Optional.empty());
      assertEquals("Connector type 'guava_old' for a source is provided by 2 providers: plugin guava-old"
          + " 0.1.0-SNAPSHOT, plugin guava-old-copy 0.1.0-SNAPSHOT. Pick one with connector = \"guava_old@guava-old\""
          + " or connector = \"guava_old@guava-old-copy\"", ambiguous.error().orElseThrow());
      assertEquals("guava-old-copy", registry.resolve(ConnectorKind.SOURCE, "guava_old@guava-old-copy")
          .found().orElseThrow().providerId());
      assertEquals("emits: hello from the service-loader plugin",
          registry.find(ConnectorKind.SOURCE, "service_loader").orElseThrow().spec().description());
    }
  }

  @Test
  void aSecondPluginWithTheSameIdFails() {
    TestPlugins.copy("guava-old", plugins, "guava-old-again");
    try (PluginHost host = PluginHost.load(plugins)) {
      List<PluginInfo> same = host.plugins().stream().filter(p -> p.id().equals("guava-old")).toList();
      assertEquals(List.of(PluginState.STARTED, PluginState.FAILED), same.stream().map(PluginInfo::state).toList());
      assertEquals("plugin id 'guava-old' is already used by " + plugins.resolve("guava-old").toAbsolutePath(),
          same.get(1).error().orElseThrow());
      assertEquals(2, host.providers().size());
    }
  }

  @Test
  void aZippedPluginLoads(@TempDir Path elsewhere) {
    Path dir = TestPlugins.copy("guava-new", elsewhere);
    TestPlugins.zip(dir, plugins.resolve("guava-new.zip"));
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "guava-new");
      assertEquals(PluginState.STARTED, info.state());
      assertEquals(plugins.resolve("guava-new.zip").toAbsolutePath(), info.location());
      ConnectorRegistry registry = ConnectorRegistry.build(host.providers()).registry();
      assertEquals("guava_new{guava=guava-33.5.0-jre.jar}",
          registry.find(ConnectorKind.SOURCE, "guava_new").orElseThrow().spec().description());
      assertGoodPluginsWork(host);
    }
  }

  @Test
  void aSingleJarPluginLoads() throws Exception {
    Path source = TestPlugins.dir().resolve("service-loader");
    String properties = TestPlugins.readProperties(source).replace("plugin.id=service-loader", "plugin.id=jarred");
    try (var libs = java.nio.file.Files.list(source.resolve("lib"))) {
      TestPlugins.jarWithProperties(libs.toList(), properties, plugins.resolve("jarred.jar"));
    }
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "jarred");
      assertEquals(PluginState.STARTED, info.state(), info.error().orElse(""));
      assertEquals(List.of("lookup:tccl_check", "sink:tccl_check", "source:service_loader"), info.provides());
      ConnectorProvider jarred = host.providers().stream().filter(p -> p.id().equals("jarred")).findFirst()
          .orElseThrow();
      assertEquals("emits: hello from the service-loader plugin", jarred.sources().get(0).spec().description());
    }
  }

  @Test
  void aPluginListedInDisabledTxtIsDisabled() {
    TestPlugins.write(plugins.resolve("disabled.txt"), "guava-old\n");
    TestPlugins.copy("guava-new", plugins);
    try (PluginHost host = PluginHost.load(plugins)) {
      assertEquals(PluginState.DISABLED, info(host, "guava-old").state());
      assertEquals(List.of("guava-new", "service-loader"),
          host.providers().stream().map(ConnectorProvider::id).sorted().toList());
    }
  }

  @Test
  void aProvidesDeclarationThatDisagreesWithTheExtensionsIsAWarning() {
    Path odd = TestPlugins.copy("guava-new", plugins);
    TestPlugins.writeProperties(odd, TestPlugins.readProperties(odd)
        .replace("plugin.provides=source:guava_new", "plugin.provides=source:guava_newer"));
    try (PluginHost host = PluginHost.load(plugins)) {
      PluginInfo info = info(host, "guava-new");
      assertEquals(PluginState.STARTED, info.state());
      assertEquals(List.of("source:guava_new"), info.provides());
      assertEquals(List.of("plugin.provides declares [source:guava_newer] but the extensions provide"
          + " [source:guava_new]"), info.warnings());
      assertGoodPluginsWork(host);
    }
  }
}
