package io.laminar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes config files into a test directory and asserts on load results. */
final class TestConfigs {
  private TestConfigs() {
  }

  static Path write(Path dir, String name, String toml) {
    try {
      return Files.writeString(dir.resolve(name), toml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConfigResult load(Map<String, String> env, Path... files) {
    return ConfigLoader.load(List.of(files), env);
  }

  static ConfigResult load(Path... files) {
    return load(Map.of(), files);
  }

  /** The loaded model, failing with every error message if there is none. */
  static LaminarConfig ok(ConfigResult r) {
    if (!r.ok()) {
      fail("expected a valid config, got:\n" + render(r.errors()));
    }
    assertNotNull(r.config());
    return r.config();
  }

  /** Asserts the result has exactly one error, at {@code file:line:col}, and returns its message. */
  static String onlyError(ConfigResult r, Path file, int line, int column) {
    assertNull(r.config(), "no model when there are errors");
    assertEquals(1, r.errors().size(), () -> "expected one error, got:\n" + render(r.errors()));
    ConfigError e = r.errors().get(0);
    assertEquals(file + ":" + line + ":" + column, e.position().toString(), () -> "position of: " + e.format());
    return e.message();
  }

  /** Asserts the only error is at {@code file:line:col} and its message is exactly {@code message}. */
  static void assertOnlyError(ConfigResult r, Path file, int line, int column, String message) {
    assertEquals(message, onlyError(r, file, line, column));
  }

  /** Asserts the only error is at {@code file:line:col} and its message contains {@code part}. */
  static void assertOnlyErrorContains(ConfigResult r, Path file, int line, int column, String part) {
    String message = onlyError(r, file, line, column);
    assertTrue(message.contains(part), () -> "message '" + message + "' does not contain '" + part + "'");
  }

  static String render(List<ConfigError> errors) {
    return errors.stream().map(ConfigError::format).collect(Collectors.joining("\n"));
  }

  /** A minimal valid source, to make other sections loadable. */
  static String source(String name) {
    return "[[source]]\nname = \"" + name + "\"\nconnector = \"generator\"\n"
        + "schema = [{ name = \"id\", type = \"BIGINT\" }]\n";
  }
}
