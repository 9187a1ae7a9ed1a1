package io.laminar.testkit.conformance;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.config.ValidatedProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules a {@link ConnectorSpec} must follow, each returning the problems it finds (empty = fine),
 * so the suites can report all of them at once.
 */
public final class SpecChecks {
  /** {@code connector = "…"}: lower_snake_case, a letter first, no double or trailing underscore. */
  static final Pattern TYPE = Pattern.compile("[a-z](?:[a-z0-9]|_(?!_))*[a-z0-9]|[a-z]");
  /** A property key: lower-case words joined by '.' or '_', or a prefix ending in ".*". */
  static final Pattern PROPERTY = Pattern.compile("[a-z][a-z0-9_-]*(?:\\.[a-z0-9][a-z0-9_-]*)*(?:\\.\\*)?");
  /** Words that mark a credential in a declared property's name. */
  private static final List<String> SECRET_WORDS =
      List.of("password", "passwd", "secret", "token", "credential", "jaas", "private");
  /** Last words that mark a key credential ({@code api_key}, {@code access.key}, {@code apikey}). */
  private static final Pattern KEY_CREDENTIAL = Pattern.compile("(?:.*[._-])?(?:api|access|signing|encryption)[._-]?key");

  private SpecChecks() {
  }

  /** The type name and kind: the kind the factory is registered as, a usable type name, a description. */
  public static List<String> typeName(ConnectorSpec spec, ConnectorKind expectedKind) {
    List<String> out = new ArrayList<>();
    if (spec.kind() != expectedKind) {
      out.add("the spec of a " + expectedKind.label() + " factory says it is a " + spec.kind().label()
          + " (the host refuses such a factory)");
    }
    if (!TYPE.matcher(spec.type()).matches()) {
      out.add("type '" + spec.type() + "' is not lower_snake_case (a letter first, no double or trailing '_')");
    }
    if (spec.type().length() > 64) {
      out.add("type '" + spec.type() + "' is longer than 64 characters");
    }
    if (spec.type().contains("@")) {
      out.add("type '" + spec.type() + "' contains '@', which picks a plugin in connector = \"type@plugin\"");
    }
    if (spec.description().isBlank()) {
      out.add("type '" + spec.type() + "' has no description (laminar plugins describe shows it)");
    }
    return out;
  }

  /** Every property has a one-line doc and a well-formed name; enum values are distinct. */
  public static List<String> documented(ConnectorSpec spec) {
    List<String> out = new ArrayList<>();
    for (PropertySpec p : spec.properties()) {
      if (p.doc().isBlank()) {
        out.add("property '" + p.name() + "' of " + spec.type() + " is not documented (PropertySpec.Builder.doc)");
      } else if (p.doc().contains("\n")) {
        out.add("property '" + p.name() + "' of " + spec.type() + " has a doc of several lines; it must be one line");
      }
      if (!PROPERTY.matcher(p.name()).matches()) {
        out.add("property '" + p.name() + "' of " + spec.type() + " is not a lower-case key (words joined by"
            + " '.', '_' or '-', or a prefix ending in '.*')");
      }
      List<String> lower = p.allowedValues().stream().map(v -> v.toLowerCase(Locale.ROOT)).distinct().toList();
      if (lower.size() != p.allowedValues().size()) {
        out.add("property '" + p.name() + "' of " + spec.type() + " has allowed values that differ only in case"
            + " (the host matches them case-insensitively): " + p.allowedValues());
      }
      if (p.type() != PropertyType.ENUM && !p.allowedValues().isEmpty()) {
        out.add("property '" + p.name() + "' of " + spec.type() + " lists allowed values but is a " + p.type()
            + " (only ENUM properties use them)");
      }
      if (p.isPrefix() && (p.required() || p.defaultValue().isPresent())) {
        out.add("prefix property '" + p.name() + "' of " + spec.type() + " cannot be required or have a default");
      }
    }
    return out;
  }

  /**
   * Every default, converted by the host's own validator as if a user had written it: a default
   * the host cannot read fails every config that leaves the property out.
   */
  public static List<String> defaults(ConnectorSpec spec, Path configFile) {
    List<String> out = new ArrayList<>();
    for (PropertySpec p : spec.properties()) {
      if (p.isPrefix() || p.defaultValue().isEmpty()) {
        continue;
      }
      ConnectorSpec alone = ConnectorSpec.builder(spec.type(), spec.kind()).property(p).build();
      ValidatedProperties v = HostValidation.validate(alone, Map.of(), configFile);
      if (!v.ok()) {
        out.addAll(HostValidation.messages(v.errors()));
      } else if (!v.properties().has(p.name())) {
        out.add("the default of property '" + p.name() + "' of " + spec.type() + " does not reach the connector");
      }
    }
    return out;
  }

  /**
   * A declared property whose name says it holds a credential ({@code password}, {@code token},
   * {@code secret}, {@code api_key}, …) is typed {@link PropertyType#PASSWORD}, so the host never
   * prints, logs, serves or hashes its value. A password has no default (a default credential is
   * in every copy of the plugin).
   */
  public static List<String> secrets(ConnectorSpec spec) {
    List<String> out = new ArrayList<>();
    for (PropertySpec p : spec.properties()) {
      if (p.isPrefix()) {
        continue;
      }
      if (p.type() != PropertyType.PASSWORD && looksSecret(p.name())) {
        out.add("property '" + p.name() + "' of " + spec.type() + " holds a credential by its name but is a "
            + p.type() + "; declare it PropertyType.PASSWORD so its value is never shown");
      }
      if (p.type() == PropertyType.PASSWORD && p.defaultValue().isPresent()) {
        out.add("password property '" + p.name() + "' of " + spec.type() + " has a default value");
      }
    }
    return out;
  }

  /** Whether a declared property's name marks a credential. */
  static boolean looksSecret(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String word : lower.split("[._-]")) {
      for (String secret : SECRET_WORDS) {
        if (word.contains(secret)) {
          return true;
        }
      }
    }
    return KEY_CREDENTIAL.matcher(lower).matches() || lower.endsWith("apikey");
  }

  /** Two calls to {@code spec()} describe the same connector (the host reads it more than once). */
  public static List<String> stable(ConnectorSpec first, ConnectorSpec second) {
    List<String> out = new ArrayList<>();
    if (!first.type().equals(second.type()) || first.kind() != second.kind()) {
      out.add("spec() returned " + first + " and then " + second);
    }
    List<String> a = first.properties().stream().map(PropertySpec::toString).toList();
    List<String> b = second.properties().stream().map(PropertySpec::toString).toList();
    if (!a.equals(b)) {
      out.add("spec() returned other properties on a second call: " + a + " then " + b);
    }
    return out;
  }
}
