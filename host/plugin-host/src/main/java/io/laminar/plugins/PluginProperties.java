package io.laminar.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A plugin's {@code plugin.properties}, read and checked before PF4J sees it so that every problem
 * becomes a reason naming the file (PF4J would log a stack trace or skip the plugin silently).
 */
record PluginProperties(String id, String version, String requires, String provides, String description) {
  static final String FILE = "plugin.properties";

  /** The outcome of reading: the properties, or the problems found (each naming the file). */
  record Read(PluginProperties properties, List<String> problems) {
  }

  /** Reads the descriptor of a plugin directory or jar file. */
  static Read read(Path plugin) {
    Properties p = new Properties();
    String where;
    try {
      if (Files.isDirectory(plugin)) {
        Path file = plugin.resolve(FILE);
        where = file.toString();
        if (!Files.isRegularFile(file)) {
          return failed(where + " is missing");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          p.load(in);
        }
      } else {
        where = plugin + "!/" + FILE;
        try (ZipFile jar = new ZipFile(plugin.toFile())) {
          ZipEntry entry = jar.getEntry(FILE);
          if (entry == null) {
            return failed(where + " is missing");
          }
          try (InputStream in = jar.getInputStream(entry)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: Properties.load on a malformed \\uXXXX escape
      return failed(plugin.resolve(FILE) + " cannot be parsed: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    String id = value(p, "plugin.id");
    String version = value(p, "plugin.version");
    if (id.isEmpty()) {
      problems.add(where + ": plugin.id is missing or empty");
    } else if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      problems.add(where + ": plugin.id '" + id + "' may only contain letters, digits, '.', '_' and '-'");
    }
    if (version.isEmpty()) {
      problems.add(where + ": plugin.version is missing or empty");
    }
    PluginProperties props = new PluginProperties(id, version, value(p, "plugin.requires"),
        value(p, "plugin.provides"), value(p, "plugin.description"));
    return new Read(problems.isEmpty() ? props : null, problems);
  }

  private static Read failed(String problem) {
    return new Read(null, List.of(problem));
  }

  private static String value(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null ? "" : v.trim();
  }

  /** The declared {@code plugin.provides} entries ({@code "source:kafka"}), as written. */
  List<String> declaredProvides() {
    List<String> out = new ArrayList<>();
    for (String part : provides.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }
}
