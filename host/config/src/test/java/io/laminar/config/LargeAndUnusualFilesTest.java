package io.laminar.config;

import static io.laminar.config.TestConfigs.assertOnlyError;
import static io.laminar.config.TestConfigs.assertOnlyErrorContains;
import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.ok;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are long, mostly comments, too large or not UTF-8. The timeouts only stop a hang (on
 * tomlj alone these files take minutes); they are not performance assertions — see the JMH
 * benchmark ConfigParseBenchmark for figures.
 */
class LargeAndUnusualFilesTest {
  @TempDir
  Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void longRunsOfBlankAndCommentLinesLoadAndKeepErrorPositions() {
    StringBuilder toml = new StringBuilder("[server]\nname = \"a\"\n");
    toml.append("\n".repeat(4_000));
    toml.append("# a comment line\n".repeat(2_000));
    toml.append("   # indented comment\r\n".repeat(500));
    toml.append("workrs = 2\n"); // line 2 + 4000 + 2000 + 500 + 1
    Path f = write(dir, "long.toml", toml.toString());
    assertOnlyError(load(f), f, 6_503, 1, "unknown key 'workrs' in [server]. Did you mean 'workers'?");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void syntaxErrorAfterManyBlankLinesIsAtItsOwnLine() {
    Path f = write(dir, "syntax.toml", "[server]\n" + "\n".repeat(3_000) + "name = \"unterminated\n");
    assertOnlyErrorContains(load(f), f, 3_002, 21, "TOML syntax error");
  }

  @Test
  void blankAndCommentLinesInsideMultiLineStringsAreKept() {
    String sql = "SELECT id\n\n# not a comment\n   \nFROM orders";
    Path f = write(dir, "ml.toml", TestConfigs.source("orders")
        + "[[pipeline]]\nname = \"p\"\nsql = \"\"\"\n" + sql + "\"\"\"\n\n# trailing\n"
        + "[[pipeline]]\nname = \"q\"\nsql = '''\n" + sql + "'''\n"
        + "[[pipeline]]\nname = \"r\"\nsql = \"SELECT \\\"x\\\" ''' \" # escaped quotes, no multi-line start\n\n\n");
    LaminarConfig c = ok(load(f));
    assertEquals(sql, c.pipelines().get(0).sql());
    assertEquals(sql, c.pipelines().get(1).sql());
    assertEquals("SELECT \"x\" ''' ", c.pipelines().get(2).sql());
  }

  @Test
  void errorAfterAMultiLineStringWithBlankLinesIsAtItsOwnLine() {
    Path f = write(dir, "after.toml", TestConfigs.source("orders")
        + "[[pipeline]]\nname = \"p\"\nsql = \"\"\"\nSELECT id\n\n\nFROM orders\"\"\"\n\n\nsqll = 1\n");
    // source: 4 lines; pipeline header 5, name 6, sql 7-11, blanks 12-13, sqll 14
    assertOnlyError(load(f), f, 14, 1, "unknown key 'sqll' in pipeline 'p'. Did you mean 'sql'?");
  }

  @Test
  void invalidUtf8IsReportedAtItsLineAndColumn() throws IOException {
    Path f = dir.resolve("latin1.toml");
    byte[] head = "[server]\nname = \"caf".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"\n".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length] = (byte) 0xE9; // é in ISO-8859-1
    System.arraycopy(tail, 0, bytes, head.length + 1, tail.length);
    Files.write(f, bytes);
    assertOnlyError(load(f), f, 2, 12,
        "configuration file is not valid UTF-8: byte 0xE9 at byte offset 20 (save the file as UTF-8)");
  }

  @Test
  void multiByteCharactersCountAsOneColumnBeforeAnInvalidByte() throws IOException {
    Path f = dir.resolve("mixed.toml");
    byte[] good = "# ünïcode ok\nname = \"€".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[good.length + 1];
    System.arraycopy(good, 0, bytes, 0, good.length);
    bytes[good.length] = (byte) 0xFF;
    Files.write(f, bytes);
    assertOnlyErrorContains(load(f), f, 2, 10, "not valid UTF-8: byte 0xFF");
  }

  @Test
  void fileOverTheSizeLimitIsRefused() throws IOException {
    Path f = dir.resolve("huge.toml");
    byte[] spaces = new byte[ConfigLoader.MAX_FILE_BYTES + 1];
    java.util.Arrays.fill(spaces, (byte) ' ');
    Files.write(f, spaces);
    assertOnlyError(load(f), f, 0, 0, "configuration file is larger than the limit of 8 MiB; is it the right file?");
  }

  static boolean devZeroExists() {
    return Files.isReadable(Path.of("/dev/zero"));
  }

  @Test
  @EnabledIf("devZeroExists")
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void endlessInputIsRefusedWithoutRunningOutOfMemory() {
    Path f = Path.of("/dev/zero");
    assertOnlyErrorContains(load(f), f, 0, 0, "larger than the limit of 8 MiB");
  }
}
