package io.laminar.config;

import static io.laminar.config.TestConfigs.assertOnlyError;
import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.ok;
import static io.laminar.config.TestConfigs.source;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlayMergeTest {
  @TempDir
  Path dir;

  @Test
  void laterScalarsOverrideEarlierOnesAndUntouchedOnesStay() {
    Path base = write(dir, "base.toml", "[server]\nworkers = 2\nlog_level = \"warn\"\n[checkpoint]\ninterval = \"5s\"\n");
    Path over = write(dir, "over.toml", "[server]\nworkers = 8\n");
    LaminarConfig c = ok(load(base, over));
    assertEquals(8, c.server().workers());
    assertEquals("warn", c.server().logLevel());
    assertEquals(Duration.ofSeconds(5), c.checkpoint().interval());
  }

  @Test
  void arraysOfTablesAreAppended() {
    Path base = write(dir, "base.toml", source("a"));
    Path over = write(dir, "over.toml", source("b"));
    assertEquals(List.of("a", "b"), ok(load(base, over)).sources().stream().map(SourceConfig::name).toList());
  }

  @Test
  void sameNamedEntryInALaterFileReplacesTheEarlierInPlace() {
    Path base = write(dir, "base.toml", source("a") + source("b"));
    Path over = write(dir, "over.toml", "[[source]]\nname = \"a\"\nconnector = \"kafka\"\n"
        + "schema = [{ name = \"x\", type = \"INT\" }]\n");
    List<SourceConfig> sources = ok(load(base, over)).sources();
    assertEquals(List.of("a", "b"), sources.stream().map(SourceConfig::name).toList());
    assertEquals("kafka", sources.get(0).connector().type());
    assertEquals("x", sources.get(0).schema().get(0).name());
  }

  @Test
  void positionsPointIntoTheFileTheValueCameFrom() {
    Path base = write(dir, "base.toml", source("a") + "[[pipeline]]\nname = \"p\"\nsql = \"SELECT 1\"\n");
    Path over = write(dir, "over.toml", "\n\n[[source]]\nname = \"b\"\nconnector = \"g\"\n"
        + "schema = [{ name = \"x\", type = \"INT\" }]\n");
    LaminarConfig c = ok(load(base, over));
    assertEquals(new Position(base, 1, 1), c.sources().get(0).position());
    assertEquals(new Position(over, 3, 1), c.sources().get(1).position());
    assertEquals(new Position(over, 5, 13), c.sources().get(1).connector().position());
    assertEquals(new Position(base, 7, 8), c.pipelines().get(0).sqlPosition());
  }

  @Test
  void errorInAnOverlayPointsIntoTheOverlay() {
    Path base = write(dir, "base.toml", "[server]\nworkers = 2\n");
    Path over = write(dir, "over.toml", "# overlay\n[server]\nworkers = 0\n");
    assertOnlyError(load(base, over), over, 3, 11, "'workers' in [server] must be between 1 and 4096, got 0");
  }

  @Test
  void checkpointPathInAnOverlayReplacesTheBaseUrl() {
    Path base = write(dir, "base.toml", "[checkpoint]\nurl = \"file:///var/cp\"\n");
    Path over = write(dir, "over.toml", "[checkpoint]\npath = \"local-cp\"\n");
    assertEquals(dir.resolve("local-cp").toAbsolutePath(), ok(load(base, over)).checkpoint().dir());
  }

  @Test
  void lookupInAnOverlayNamedLikeABaseSourceIsStillAClash() {
    Path base = write(dir, "base.toml", source("t"));
    Path over = write(dir, "over.toml", "[[lookup]]\nname = \"t\"\nconnector = \"csv\"\nprimary_key = [\"id\"]\n"
        + "schema = [{ name = \"id\", type = \"INT\" }]\n");
    assertOnlyError(load(Map.of(), base, over), over, 2, 8, "lookup 't' has the same name as source 't' (defined at "
        + base + ":2:8); sources and lookups share one SQL namespace");
  }
}
