package io.laminar.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code plugin.requires} as the semver expression PF4J checks against the host's API version.
 *
 * <ul>
 *   <li>nothing or {@code *}: any version;
 *   <li>a bare version ({@code 0.1.0}, {@code 0.1}): at least that version (how plugins built
 *       before ranges existed say it);
 *   <li>a range of space-separated comparisons, all of which must hold: {@code >=0.2 <1.0};
 *   <li>PF4J's own expression form, unchanged but for the padding below: {@code >=0.2.0 & <1.0.0},
 *       {@code ~0.2}, {@code ^1.0}, {@code 1.*}, {@code 0.2 - 0.9}, {@code A | B}, {@code !(…)}.
 * </ul>
 * Versions with one or two parts are padded with {@code .0} ({@code 0.2} is {@code 0.2.0}).
 */
final class ApiRange {
  private static final Pattern BARE = Pattern.compile("\\d+(\\.\\d+){0,2}");
  private static final Pattern OPERATOR_SPACE = Pattern.compile("(>=|<=|!=|>|<|=|~|\\^)\\s+(?=\\d)");
  private static final Pattern SHORT_VERSION = Pattern.compile("(?<![\\d.*])(\\d+)(\\.\\d+)?(?![\\d.*])");

  private ApiRange() {
  }

  /** The PF4J (jsemver) expression {@code requires} stands for. */
  static String expression(String requires) {
    String range = requires == null ? "" : requires.trim();
    if (range.isEmpty() || range.equals("*")) {
      return "*";
    }
    if (BARE.matcher(range).matches()) {
      return ">=" + pad(range);
    }
    range = OPERATOR_SPACE.matcher(range).replaceAll("$1");
    boolean pf4jForm = range.contains("&") || range.contains("|") || range.contains(" - ");
    if (!pf4jForm) {
      List<String> terms = new ArrayList<>(List.of(range.split("\\s+")));
      range = String.join(" & ", terms);
    }
    Matcher m = SHORT_VERSION.matcher(range);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(pad(m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String pad(String version) {
    int dots = version.length() - version.replace(".", "").length();
    return version + ".0".repeat(Math.max(0, 2 - dots));
  }
}
