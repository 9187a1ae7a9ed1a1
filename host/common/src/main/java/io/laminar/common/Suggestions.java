package io.laminar.common;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean …?" for every place a user can misspell a name: keys, types, tables, columns. */
public final class Suggestions {
  private Suggestions() {
  }

  /**
   * The candidate closest to {@code input} by case-insensitive edit distance, if it is close enough
   * to be a plausible typo: 1 edit for names up to 4 characters, 2 up to 8, 3 beyond (a swapped
   * pair of letters counts as 2 edits).
   */
  public static Optional<String> closest(String input, Collection<String> candidates) {
    if (input == null || input.isEmpty()) {
      return Optional.empty();
    }
    String needle = input.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      String c = candidate.toLowerCase(Locale.ROOT);
      int longer = Math.max(c.length(), needle.length());
      int limit = longer <= 4 ? 1 : longer <= 8 ? 2 : 3;
      int d = new LevenshteinDistance(limit).apply(needle, c);
      if (d >= 0 && d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code " Did you mean 'x'?"} or the empty string, ready to append to a message. */
  public static String didYouMean(String input, Collection<String> candidates) {
    return closest(input, candidates).map(s -> " Did you mean '" + s + "'?").orElse("");
  }
}
