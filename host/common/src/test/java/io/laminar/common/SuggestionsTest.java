package io.laminar.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  private static final List<String> TYPES = List.of("generator", "kafka", "postgres_cdc", "stdout");

  @Test
  void suggestsTransposedLetters() {
    assertEquals(Optional.of("kafka"), Suggestions.closest("kafak", TYPES));
  }

  @Test
  void ignoresCase() {
    assertEquals(Optional.of("stdout"), Suggestions.closest("STDOUT", TYPES));
  }

  @Test
  void shortNamesAllowOnlyOneEdit() {
    assertEquals(Optional.of("max"), Suggestions.closest("mx", List.of("max", "min")));
    assertEquals(Optional.empty(), Suggestions.closest("ab", List.of("xyz")));
  }

  @Test
  void suggestsNothingForUnrelatedNames() {
    assertEquals(Optional.empty(), Suggestions.closest("elasticsearch", TYPES));
  }

  @Test
  void formatsSentence() {
    assertEquals(" Did you mean 'generator'?", Suggestions.didYouMean("generater", TYPES));
    assertEquals("", Suggestions.didYouMean("zzz", TYPES));
  }
}
