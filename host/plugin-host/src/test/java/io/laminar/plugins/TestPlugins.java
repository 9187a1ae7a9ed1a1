package io.laminar.plugins;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The test plugins the build unpacked into target/test-plugins, and ways to copy and edit them. */
final class TestPlugins {
  private TestPlugins() {
  }

  /** The directory holding one unpacked directory per test plugin. */
  static Path dir() {
    String dir = System.getProperty("laminar.testPlugins");
    if (dir == null) {
      throw new IllegalStateException("system property laminar.testPlugins is not set (run the tests with Maven)");
    }
    return Paths.get(dir);
  }

  /** Copies test plugin {@code id} into {@code pluginsDir/name}. */
  static Path copy(String id, Path pluginsDir, String name) {
    Path source = dir().resolve(id);
    Path target = pluginsDir.resolve(name);
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path p : paths.toList()) {
        Path out = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(out);
        } else {
          Files.copy(p, out);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  /** Copies test plugin {@code id} into {@code pluginsDir/id}. */
  static Path copy(String id, Path pluginsDir) {
    return copy(id, pluginsDir, id);
  }

  /** Rewrites one plugin's plugin.properties. */
  static void writeProperties(Path plugin, String content) {
    try {
      Files.writeString(plugin.resolve("plugin.properties"), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one plugin's plugin.properties. */
  static String readProperties(Path plugin) {
    try {
      return Files.readString(plugin.resolve("plugin.properties"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Zips the files of {@code dir} (paths relative to it) into {@code zip}. */
  static void zip(Path dir, Path zip) {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
        Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a jar holding the entries of {@code jars} plus {@code plugin.properties} at its root. */
  static void jarWithProperties(List<Path> jars, String properties, Path target) {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
      out.putNextEntry(new ZipEntry("plugin.properties"));
      out.write(properties.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.closeEntry();
      for (Path jar : jars) {
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(jar.toFile())) {
          for (ZipEntry entry : java.util.Collections.list(in.entries())) {
            if (entry.isDirectory() || entry.getName().equals("plugin.properties")) {
              continue;
            }
            out.putNextEntry(new ZipEntry(entry.getName()));
            try (var data = in.getInputStream(entry)) {
              data.transferTo(out);
            }
            out.closeEntry();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a text file. */
  static void write(Path file, String content) {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
