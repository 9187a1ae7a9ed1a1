package io.laminar.config;

import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.ok;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where checkpoints go when [checkpoint] names no location. */
class DefaultCheckpointLocationTest {
  @TempDir Path dir;

  @Test
  void checkpointsGoUnderTheStateDirectoryInADirectoryNamedAfterTheServer() {
    LaminarConfig c = ok(load(write(dir, "a.toml", "[server]\nname = \"orders\"\n[state]\npath = \"/srv/state\"\n")));
    assertEquals(Path.of("/srv/state/orders"), c.checkpoint().dir());
  }

  @Test
  void twoConfigsWithOtherServerNamesStartedFromOneDirectoryDoNotShareCheckpoints() {
    LaminarConfig x = ok(load(write(dir, "x.toml", "[server]\nname = \"x\"\n")));
    LaminarConfig y = ok(load(write(dir, "y.toml", "[server]\nname = \"y\"\n")));
    assertNotEquals(x.checkpoint().dir(), y.checkpoint().dir());
  }

  @Test
  void aServerNameCannotLeadOutOfTheStateDirectory() {
    LaminarConfig c = ok(load(write(dir, "a.toml", "[server]\nname = \"..\"\n[state]\npath = \"/srv/state\"\n")));
    assertEquals(Path.of("/srv/state/_"), c.checkpoint().dir());
    LaminarConfig slash = ok(load(write(dir, "b.toml", "[server]\nname = \"a/../../b\"\n[state]\npath = \"/s\"\n")));
    assertEquals(Path.of("/s/a_.._.._b"), slash.checkpoint().dir());
  }
}
