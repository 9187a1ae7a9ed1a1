package io.laminar.config;

import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.ok;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Relative paths resolve against the directory of the file that holds them, not the working directory. */
class RelativePathsTest {
  @TempDir
  Path dir;

  @Test
  void stateCheckpointAndPluginPathsResolveAgainstTheirFile() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("etc"));
    Path f = write(conf, "laminar.toml", "[server]\nplugins_dir = \"../plugins\"\n[state]\npath = \"./data/state\"\n"
        + "[checkpoint]\npath = \"data/checkpoints\"\n");
    LaminarConfig c = ok(load(f));
    assertEquals(dir.resolve("plugins").toAbsolutePath(), c.server().pluginsDir().orElseThrow());
    assertEquals(conf.resolve("data/state").toAbsolutePath(), c.state().path());
    assertEquals(conf.resolve("data/checkpoints").toAbsolutePath(), c.checkpoint().dir());
    assertTrue(c.state().path().isAbsolute() && !c.state().path().toString().contains("./"));
  }

  @Test
  void anOverlayResolvesAgainstItsOwnDirectoryAndDefaultsAgainstTheFirstFile() throws Exception {
    Path base = write(Files.createDirectories(dir.resolve("base")), "base.toml", "[server]\nname = \"x\"\n");
    Path over = write(Files.createDirectories(dir.resolve("over")), "over.toml", "[state]\npath = \"st\"\n");
    LaminarConfig c = ok(load(base, over));
    assertEquals(dir.resolve("over/st").toAbsolutePath(), c.state().path());
    assertEquals(dir.resolve("over/st/x").toAbsolutePath(), c.checkpoint().dir(),
        "the default checkpoint directory is <state path>/<server name>, wherever the state path was set");
    Path other = write(Files.createDirectories(dir.resolve("other")), "other.toml", "[checkpoint]\ninterval = \"5s\"\n");
    LaminarConfig d = ok(load(base, other));
    assertEquals(dir.resolve("base/data/state").toAbsolutePath(), d.state().path(), "a default resolves against the first file");
    assertEquals(dir.resolve("base/data/state/x").toAbsolutePath(), d.checkpoint().dir());
  }

  @Test
  void absolutePathsAreKept() {
    Path f = write(dir, "a.toml", "[state]\npath = \"/var/lib/laminar/state\"\n");
    assertEquals(Path.of("/var/lib/laminar/state"), ok(load(f)).state().path());
  }

  @Test
  void relativeFileGivenOnTheCommandLineStillResolvesToItsDirectory() {
    Path f = write(dir, "a.toml", "[state]\npath = \"s\"\n");
    Path relative = Path.of("").toAbsolutePath().relativize(f.toAbsolutePath());
    assertEquals(dir.resolve("s").toAbsolutePath(), ok(load(relative)).state().path());
  }

  @Test
  void pathPropertiesResolveAgainstTheFileThatSetsThem() {
    ConnectorSpec spec = ConnectorSpec.builder("files", ConnectorKind.LOOKUP)
        .property(PropertySpec.builder("path", PropertyType.PATH).required().build())
        .property(PropertySpec.builder("index", PropertyType.PATH).defaultValue("idx/keys").build())
        .property(PropertySpec.builder("name", PropertyType.STRING).build())
        .build();
    Path f = dir.resolve("conf/lookups.toml");
    RawProperties raw = new RawProperties(Map.of(
        "path", new RawProperty("path", "../data/x.csv", new Position(f, 3, 1)),
        "name", new RawProperty("name", "../not/a/path", new Position(f, 4, 1))), new Position(f, 2, 1));
    ValidatedProperties v = PropertyValidator.validate(spec, "lookup 'l'", raw);
    assertTrue(v.ok(), () -> v.errors().toString());
    assertEquals(dir.resolve("data/x.csv").toAbsolutePath().toString(), v.properties().requireString("path"));
    assertEquals(dir.resolve("conf/idx/keys").toAbsolutePath().toString(), v.properties().requireString("index"));
    assertEquals("../not/a/path", v.properties().requireString("name"), "strings are not paths");
  }

  @Test
  void anEmptyPathPropertyIsAnError() {
    ConnectorSpec spec = ConnectorSpec.builder("files", ConnectorKind.LOOKUP)
        .property(PropertySpec.builder("path", PropertyType.PATH).required().build()).build();
    Path f = dir.resolve("a.toml");
    RawProperties raw = new RawProperties(Map.of("path", new RawProperty("path", "", new Position(f, 3, 1))),
        new Position(f, 2, 1));
    List<ConfigError> errors = PropertyValidator.validate(spec, "lookup 'l'", raw).errors();
    assertEquals(List.of("property 'path' of lookup 'l' (connector files) must be a non-empty path string (PATH),"
        + " got \"\""), errors.stream().map(ConfigError::message).toList());
  }
}
