package io.laminar.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointNamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"orders", "source-orders.v2", "op_3.state", "A-Z.0-9_x"})
  void plainNamesAreValid(String name) {
    assertTrue(CheckpointNames.isValid(name), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "source/orders", "a\\b", ".", "..", "a..b", "../x", "a b", "caf\u00e9",
      "manifest.json"})
  void unsafeNamesAreInvalid(String name) {
    assertFalse(CheckpointNames.isValid(name), name);
  }

  @Test
  void overlongNameIsInvalidAndSaysTheLimit() {
    String name = "x".repeat(CheckpointNames.MAX_LENGTH + 1);
    assertTrue(CheckpointNames.problem(name).orElseThrow().contains("limit is 200"));
  }

  @Test
  void escapeTurnsSlashIntoHexEscape() {
    assertEquals("source_2Forders", CheckpointNames.escape("source/orders"));
  }

  @Test
  void escapeLeavesLettersDigitsDashAndInnerDotsAlone() {
    assertEquals("orders-1.v2", CheckpointNames.escape("orders-1.v2"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"source/orders", "..", ".", "a..b", "...x...", "a_b", "_2F", "caf\u00e9/\u6771",
      "tab\there", ".hidden", "trailing.", "x"})
  void escapeYieldsValidNamesThatUnescapeBack(String raw) {
    String escaped = CheckpointNames.escape(raw);
    assertTrue(CheckpointNames.isValid(escaped), raw + " -> " + escaped);
    assertEquals(raw, CheckpointNames.unescape(escaped));
  }

  @Test
  void escapeRejectsEmptyName() {
    assertThrows(IllegalArgumentException.class, () -> CheckpointNames.escape(""));
  }

  @Test
  void unescapeRejectsTruncatedEscape() {
    assertThrows(IllegalArgumentException.class, () -> CheckpointNames.unescape("abc_2"));
  }

  @Test
  void requireValidExplainsTheRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CheckpointNames.requireValid("source/orders"));
    assertTrue(e.getMessage().contains("CheckpointNames.escape"), e.getMessage());
  }
}
