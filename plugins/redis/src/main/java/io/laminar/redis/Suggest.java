package io.laminar.redis;

import java.util.List;

/** "Did you mean" for names in messages (plugins share no code with the host). */
final class Suggest {
  private Suggest() {
  }

  /**
   * {@code " (did you mean 'x'?)"} for the closest candidate by case-insensitive edit distance, within
   * 1 edit for names up to 4 characters, 2 up to 8, else 3 (the host's rule); else "".
   */
  static String didYouMean(String name, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(name.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
      int longer = Math.max(name.length(), c.length());
      if (d <= (longer <= 4 ? 1 : longer <= 8 ? 2 : 3) && d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best != null ? " (did you mean '" + best + "'?)" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
