package io.laminar.bench;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading (parse + validate) a 10,000-line configuration whose lines are mostly blank, mostly
 * comments, or real sources. tomlj alone is quadratic in runs of blank/comment lines (4,000 blank
 * lines took 73 s); the loader strips those lines first. Goal: well under a second for 10,000 lines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConfigParseBenchmark {
  static final int LINES = 10_000;

  /** What fills the file: blank lines, comment lines, or [[source]] entries. */
  @Param({"blank", "comment", "sources"})
  public String shape;

  private Path file;

  @Setup(Level.Trial)
  public void write() throws IOException {
    StringBuilder toml = new StringBuilder("[server]\nname = \"bench\"\n");
    int lines = 2;
    int n = 0;
    while (lines < LINES) {
      switch (shape) {
        case "blank" -> toml.append('\n');
        case "comment" -> toml.append("# a comment that explains nothing in particular\n");
        default -> {
          toml.append("[[source]]\nname = \"s").append(n++).append("\"\nconnector = \"generator\"\n")
              .append("[source.properties]\nmax_rows = 10\n")
              .append("[[source.schema]]\nname = \"id\"\ntype = \"BIGINT\"\n\n");
          lines += 8;
        }
      }
      lines++;
    }
    file = Files.createTempFile("laminar-bench", ".toml");
    Files.writeString(file, toml);
    ConfigResult r = load();
    if (!r.ok()) {
      throw new IllegalStateException("benchmark config does not load: " + r.errors());
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    Files.deleteIfExists(file);
  }

  @Benchmark
  public ConfigResult load() {
    return ConfigLoader.load(List.of(file), Map.of());
  }
}
