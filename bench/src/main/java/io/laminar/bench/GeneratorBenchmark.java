package io.laminar.bench;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.connectors.builtin.GeneratorSourceFactory;
import io.laminar.testkit.TestConnectorContext;
import java.time.Duration;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** How fast the built-in generator produces rows (the throughput harness's source). Score = rows/s. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(java.util.concurrent.TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class GeneratorBenchmark {
  private RootAllocator allocator;
  private Source source;

  @Setup
  public void setUp() throws Exception {
    allocator = new RootAllocator();
    StringBuilder symbols = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      symbols.append(i == 0 ? "" : ",").append("S").append(i);
    }
    source = new GeneratorSourceFactory().create(TestConnectorContext.builder("trades", ConnectorKind.SOURCE)
        .schema(PipelineThroughputBenchmark.schema()).allocator(allocator)
        .properties(Map.of("seed", 1L, "events_per_second", 100_000.0, "start_time", "2026-01-01T00:00:00Z",
            "fields.symbol.values", symbols.toString())).build());
    source.open(null);
  }

  @TearDown
  public void tearDown() throws Exception {
    source.close();
    allocator.close();
  }

  @Benchmark
  @OperationsPerInvocation(8192)
  public int poll() throws Exception {
    try (Batch b = source.poll(8192, Duration.ZERO)) {
      return b.rowCount();
    }
  }
}
