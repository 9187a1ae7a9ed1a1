package io.laminar.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts `laminar` in a separate JVM (same class path as the tests), so it can be killed for real. */
final class ChildLaminar {
  private ChildLaminar() {
  }

  static Process start(Path log, String... args) throws IOException {
    ProcessBuilder pb = builder(args);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  /** As {@link #start}, with standard output and standard error in files of their own. */
  static Process start(Path stdout, Path stderr, String... args) throws IOException {
    ProcessBuilder pb = builder(args);
    pb.redirectOutput(ProcessBuilder.Redirect.to(stdout.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
    return pb.start();
  }

  /** As {@link #start(Path, Path, String...)}, with extra JVM options (system properties) first. */
  static Process start(List<String> jvmOptions, Path stdout, Path stderr, String... args) throws IOException {
    ProcessBuilder pb = builder(jvmOptions, args);
    pb.redirectOutput(ProcessBuilder.Redirect.to(stdout.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
    return pb.start();
  }

  private static ProcessBuilder builder(String... args) {
    return builder(List.of(), args);
  }

  private static ProcessBuilder builder(List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    cmd.add("-Xmx512m");
    cmd.add("-XX:TieredStopAtLevel=1"); // short-lived child JVMs: start fast
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("LAMINAR_PLUGINS");
    return pb;
  }

}
