package io.laminar.iceberg;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean" for column names, by the host's rule (plugins share no code with the host). */
final class Names {
  private Names() {
  }

  /**
   * {@code " (did you mean 'x'?)"} for the closest name by case-insensitive edit distance, within 1
   * edit for names up to 4 characters, 2 up to 8, else 3; the empty string when none is that close.
   */
  static String didYouMean(String name, Collection<String> candidates) {
    String needle = name.toLowerCase(Locale.ROOT);
    return candidates.stream()
        .map(c -> new Object() {
          final String candidate = c;
          final int distance = new LevenshteinDistance(limit(needle, c)).apply(needle, c.toLowerCase(Locale.ROOT));
        })
        .filter(s -> s.distance >= 0)
        .min(Comparator.comparingInt(s -> s.distance))
        .map(s -> " (did you mean '" + s.candidate + "'?)")
        .orElse("");
  }

  private static int limit(String a, String b) {
    int longer = Math.max(a.length(), b.length());
    return longer <= 4 ? 1 : longer <= 8 ? 2 : 3;
  }
}
