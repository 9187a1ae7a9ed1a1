package io.laminar.config;

import java.util.Map;
import java.util.Optional;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in string values. As in a POSIX shell, the
 * default applies when the variable is unset or empty; {@code ${VAR}} of an empty variable is empty. {@code $${} stands for a literal {@code ${};
 * any other {@code $} is kept as is. Messages name variables, never their values (they may be secrets).
 */
final class EnvSubstitution {
  private final Map<String, String> env;

  EnvSubstitution(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /**
   * The expanded string, or empty after reporting every problem in it at {@code position}
   * (the value's position) to {@code problems}.
   */
  Optional<String> expand(String value, Position position, Problems problems) {
    if (value.indexOf('$') < 0) {
      return Optional.of(value);
    }
    StringBuilder out = new StringBuilder(value.length());
    boolean failed = false;
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == '$' && value.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (c == '$' && value.startsWith("${", i)) {
        int end = value.indexOf('}', i + 2);
        if (end < 0) {
          problems.add(position, "unterminated '${' in value (write '$${' for a literal '${')");
          return Optional.empty();
        }
        String body = value.substring(i + 2, end);
        int sep = body.indexOf(":-");
        String name = sep < 0 ? body : body.substring(0, sep);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          problems.add(position, "invalid environment variable reference '${" + body + "}'"
              + " (expected ${NAME} or ${NAME:-default})");
          failed = true;
        } else {
          String set = env.get(name);
          if (set != null && (sep < 0 || !set.isEmpty())) {
            out.append(set);
          } else if (sep >= 0) {
            out.append(body, sep + 2, body.length());
          } else {
            problems.add(position, "environment variable '" + name + "' is not set"
                + " (set it, or give a default: ${" + name + ":-default})");
            failed = true;
          }
        }
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return failed ? Optional.empty() : Optional.of(out.toString());
  }
}
