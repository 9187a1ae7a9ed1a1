package io.laminar.bench;

import java.nio.file.Path;

/** Writes the five-pipeline benchmark config into a directory, for the shell harnesses. */
public final class WriteBenchConfig {
  private WriteBenchConfig() {
  }

  /** Usage: WriteBenchConfig DIR. */
  public static void main(String[] args) throws Exception {
    System.out.println(BenchConfigs.writeFivePipelines(Path.of(args[0])));
  }
}
