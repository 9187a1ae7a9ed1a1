package io.laminar.bench;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.engine.BuildReport;
import io.laminar.engine.EngineBuilder;
import io.laminar.engine.EngineMetrics;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Warm config parse + validate, and construction phases 1–6, of a five-pipeline file. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineConstructionBenchmark {
  private Path dir;
  private Path config;
  private ConnectorRegistry registry;
  private RootAllocator allocator;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("laminar-bench");
    config = BenchConfigs.writeFivePipelines(dir);
    registry = ConnectorRegistry.build(List.of(new ConnectorProvider("builtin", "bench", BuiltinConnectors.sources(),
        BuiltinConnectors.lookups(), BuiltinConnectors.sinks()))).registry();
    allocator = new RootAllocator();
  }

  @TearDown
  public void tearDown() throws IOException {
    allocator.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public ConfigResult parseAndValidateConfig() {
    ConfigResult r = ConfigLoader.load(List.of(config), Map.of());
    if (!r.ok()) {
      throw new IllegalStateException(r.errors().toString());
    }
    return r;
  }

  @Benchmark
  public BuildReport constructEngineFivePipelines() {
    ConfigResult r = ConfigLoader.load(List.of(config), Map.of());
    EngineBuilder builder = new EngineBuilder(r.config(), registry, allocator, new EngineMetrics());
    BuildReport report = builder.construct();
    if (!report.ok()) {
      throw new IllegalStateException(report.errors().toString());
    }
    builder.closeCreated();
    return report;
  }
}
