package io.laminar.cli;

import static io.laminar.cli.CliTest.laminar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.cli.CliTest.Result;
import io.laminar.registry.ConnectorProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code laminar plugins install|remove} with the test plugins the build packages: good ones are
 * copied in and load; broken ones are refused with the plugin host's own reason and exit 78, and
 * leave the plugins directory as it was.
 */
class PluginsInstallTest {
  private static final Path TEST_PLUGINS = Path.of(System.getProperty("laminar.testPlugins", "target/test-plugins"));

  @TempDir Path work;

  private Path pluginsDir() {
    return work.resolve("plugins");
  }

  /** The unpacked test plugin whose plugin.properties says {@code plugin.id=id}. */
  private static Path testPlugin(String id) {
    try (Stream<Path> dirs = Files.list(TEST_PLUGINS)) {
      for (Path dir : dirs.sorted().toList()) {
        Path props = dir.resolve("plugin.properties");
        if (Files.isRegularFile(props) && Files.readString(props).lines().anyMatch(l -> l.equals("plugin.id=" + id))) {
          return dir;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no test plugin " + id + " in " + TEST_PLUGINS);
  }

  /** A copy of a test plugin under {@code work/name} whose plugin.properties lines are edited. */
  private Path editedCopy(String id, String name, String from, String to) throws IOException {
    Path source = testPlugin(id);
    Path target = work.resolve(name);
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path p : paths.toList()) {
        Path out = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(out);
        } else {
          Files.copy(p, out);
        }
      }
    }
    Path props = target.resolve("plugin.properties");
    String text = Files.readString(props);
    String edited = text.replaceAll(from, to);
    assertFalse(text.equals(edited) && !from.equals(to), "the edit " + from + " changed nothing in " + text);
    Files.writeString(props, edited);
    return target;
  }

  private Result install(Path plugin) {
    return laminar("plugins", "install", plugin.toString(), "--plugins", pluginsDir().toString());
  }

  private List<String> installedNames() throws IOException {
    if (!Files.exists(pluginsDir())) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(pluginsDir())) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String listing() {
    Result r = laminar("plugins", "list", "--plugins", pluginsDir().toString());
    assertEquals(ExitCode.OK, r.code(), r.err());
    return r.out();
  }

  @Test
  void aGoodPluginDirectoryIsCopiedInAndLoads() throws IOException {
    Result r = install(testPlugin("guava-old"));
    assertEquals(ExitCode.OK, r.code(), r.err());
    assertTrue(r.out().startsWith("installed plugin guava-old 0.1.0-SNAPSHOT into " + pluginsDir().resolve("guava-old")
        + " (provides source:guava_old)"), r.out());
    assertEquals(List.of("guava-old"), installedNames());
    assertTrue(listing().lines().anyMatch(l -> l.matches("guava-old\\s+\\S+\\s+STARTED\\s+source:guava_old\\s.*")),
        listing());
  }

  @Test
  void aGoodPluginZipIsCopiedInAsAZipAndLoads() throws IOException {
    Path zip = work.resolve("some-name.zip");
    zip(testPlugin("guava-new"), zip);
    Result r = install(zip);
    assertEquals(ExitCode.OK, r.code(), r.err());
    assertEquals(List.of("guava-new.zip"), installedNames());
    assertTrue(listing().lines().anyMatch(l -> l.matches("guava-new\\s+\\S+\\s+STARTED\\s+source:guava_new\\s.*")),
        listing());
  }

  @Test
  void aPluginMissingAClassIsRefusedWithTheHostsReason() throws IOException {
    Result r = install(testPlugin("missing-dep"));
    assertEquals(ExitCode.CONFIG, r.code(), r.out());
    assertTrue(r.err().contains("not installed: missing class com.fasterxml.jackson.databind.ObjectMapper: the plugin "
        + "must bundle it in lib/"), r.err());
    assertEquals(List.of(), installedNames());
  }

  @Test
  void aPluginRequiringAnotherApiVersionIsRefused() throws IOException {
    Path plugin = editedCopy("guava-old", "future", "plugin\\.requires=.*", "plugin.requires=>=9.0 <10.0");
    Result r = install(plugin);
    assertEquals(ExitCode.CONFIG, r.code(), r.out());
    assertTrue(r.err().contains("not installed: plugin.requires '>=9.0 <10.0' is not satisfied by this server's laminar"
        + " API "), r.err());
    assertEquals(List.of(), installedNames());
  }

  @Test
  void aPluginWithoutAnIdIsRefusedNamingTheFile() throws IOException {
    Path plugin = editedCopy("guava-old", "anonymous", "plugin\\.id=.*", "");
    Result r = install(plugin);
    assertEquals(ExitCode.CONFIG, r.code(), r.out());
    assertTrue(r.err().contains(plugin.resolve("plugin.properties") + ": plugin.id is missing or empty"), r.err());
  }

  @Test
  void aLibJarThatIsNoZipIsRefused() throws IOException {
    Path plugin = editedCopy("guava-old", "bad-jar", "x", "x");
    Files.writeString(plugin.resolve("lib").resolve("broken.jar"), "not a zip");
    Result r = install(plugin);
    assertEquals(ExitCode.CONFIG, r.code(), r.out());
    assertTrue(r.err().contains("lib/broken.jar is not a jar (zip) file"), r.err());
  }

  @Test
  void anIdOrATypeThatIsAlreadyInstalledIsRefused() throws IOException {
    assertEquals(ExitCode.OK, install(testPlugin("guava-old")).code());

    Result again = install(testPlugin("guava-old"));
    assertEquals(ExitCode.CONFIG, again.code(), again.out());
    assertTrue(again.err().contains("plugin id 'guava-old' is already installed at " + pluginsDir().resolve("guava-old")
        + " (remove it first: laminar plugins remove guava-old)"), again.err());

    Path sameType = editedCopy("guava-old", "other-id", "plugin\\.id=guava-old", "plugin.id=guava-old-2");
    Result clash = install(sameType);
    assertEquals(ExitCode.CONFIG, clash.code(), clash.out());
    assertTrue(clash.err().contains("source type 'guava_old' is already provided by plugin guava-old 0.1.0-SNAPSHOT"),
        clash.err());
    assertEquals(List.of("guava-old"), installedNames());
  }

  @Test
  void somethingThatIsNoPluginIsRefused() throws IOException {
    Path text = Files.writeString(work.resolve("notes.txt"), "hello");
    Result r = install(text);
    assertEquals(ExitCode.CONFIG, r.code(), r.out());
    assertTrue(r.err().contains(text + " is not a plugin: give a plugin directory, a .zip or a .jar"), r.err());
    Result missing = install(work.resolve("nowhere.zip"));
    assertEquals(ExitCode.CONFIG, missing.code(), missing.out());
    assertTrue(missing.err().contains(work.resolve("nowhere.zip") + " does not exist"), missing.err());
  }

  @Test
  void removeDeletesAnInstalledPluginAndNamesTheOthersWhenTheIdIsUnknown() throws IOException {
    assertEquals(ExitCode.OK, install(testPlugin("guava-old")).code());
    Path zip = work.resolve("guava-new.zip");
    zip(testPlugin("guava-new"), zip);
    assertEquals(ExitCode.OK, install(zip).code());

    Result unknown = laminar("plugins", "remove", "guava-olt", "--plugins", pluginsDir().toString());
    assertEquals(ExitCode.USAGE, unknown.code(), unknown.out());
    assertTrue(unknown.err().contains("no plugin 'guava-olt' in " + pluginsDir()), unknown.err());
    assertTrue(unknown.err().contains("guava-old"), unknown.err());

    Result removed = laminar("plugins", "remove", "guava-new", "--plugins", pluginsDir().toString());
    assertEquals(ExitCode.OK, removed.code(), removed.err());
    assertEquals(List.of("guava-old"), installedNames());
    Result removedDir = laminar("plugins", "remove", "guava-old", "--plugins", pluginsDir().toString());
    assertEquals(ExitCode.OK, removedDir.code(), removedDir.err());
    assertEquals(List.of(), installedNames());
  }

  @Test
  void aDefaultTheConfigValidatorCannotReadIsAProblemAndTheBuiltInsHaveNone() {
    ConnectorSpec spec = ConnectorSpec.builder("numbers", ConnectorKind.SOURCE)
        .property(PropertySpec.builder("count", PropertyType.INT).defaultValue("many").doc("How many").build())
        .property(PropertySpec.builder("name", PropertyType.STRING).defaultValue("n").doc("A name").build())
        .build();
    List<String> problems = PluginsInstall.invalidDefaults(spec);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("connector numbers declares an invalid default for property 'count': it "),
        problems.get(0));
    ConnectorProvider builtins = Preparation.builtinProvider();
    List<ConnectorSpec> specs = new java.util.ArrayList<>();
    builtins.sources().forEach(f -> specs.add(f.spec()));
    builtins.lookups().forEach(f -> specs.add(f.spec()));
    builtins.sinks().forEach(f -> specs.add(f.spec()));
    for (ConnectorSpec builtin : specs) {
      assertEquals(List.of(), PluginsInstall.invalidDefaults(builtin), builtin.toString());
    }
  }

  private static void zip(Path dir, Path zip) throws IOException {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
  }
}
