package io.laminar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQL positions map to the file through the escapes of TOML basic strings. */
class BasicStringPositionsTest {
  @TempDir Path dir;

  private PipelineConfig pipeline(String toml, Position sqlStart) throws Exception {
    Path file = dir.resolve("p.toml");
    Files.writeString(file, toml);
    return new PipelineConfig("p", "unused", new Position(file, sqlStart.line(), sqlStart.column()), Optional.empty(),
        Optional.empty(), Optional.empty(),
        new Position(file, 1, 1));
  }

  @Test
  void escapedQuotesAndTabsShiftTheColumn() throws Exception {
    // sql = "SELECT \"v\" FROM t WHERE\tx = 1"   (the SQL starts at column 8)
    PipelineConfig p = pipeline("sql = \"SELECT \\\"v\\\" FROM t WHERE\\tx = 1\"\n", new Position(Path.of("x"), 1, 8));
    // in the SQL, 'x' is at column 25: SELECT "v" FROM t WHERE<tab>x
    Position x = p.positionInFile(1, 25);
    assertEquals(1, x.line());
    assertEquals("sql = \"SELECT \\\"v\\\" FROM t WHERE\\tx = 1\"".indexOf("x =") + 1, x.column());
  }

  @Test
  void aNewlineEscapeStartsANewSqlLineOnTheSameFileLine() throws Exception {
    PipelineConfig p = pipeline("sql = \"SELECT v\\nFROM t\"\n", new Position(Path.of("x"), 1, 8));
    Position from = p.positionInFile(2, 1);
    assertEquals(1, from.line());
    assertEquals("sql = \"SELECT v\\nFROM t\"".indexOf("FROM") + 1, from.column());
  }

  @Test
  void multiLineBasicStringsMapThroughEscapesToo() throws Exception {
    String toml = "sql = \"\"\"\nSELECT \"v\", '\\t' AS tab\nFROM t WHERE \\\"x\\\" = 1\n\"\"\"\n";
    PipelineConfig p = pipeline(toml, new Position(Path.of("x"), 2, 1));
    // line 2 of the SQL: FROM t WHERE "x" = 1 ; the '=' is at SQL column 18, file column 20
    Position eq = p.positionInFile(2, 18);
    assertEquals(3, eq.line());
    assertEquals("FROM t WHERE \\\"x\\\" = 1".indexOf('=') + 1, eq.column());
    // before any escape the mapping is the plain one
    assertEquals(new Position(eq.file(), 2, 8), p.positionInFile(1, 8));
  }

  @Test
  void literalStringsNeedNoMapping() throws Exception {
    PipelineConfig p = pipeline("sql = 'SELECT \\t FROM t'\n", new Position(Path.of("x"), 1, 8));
    assertEquals(16, p.positionInFile(1, 9).column());
  }
}
