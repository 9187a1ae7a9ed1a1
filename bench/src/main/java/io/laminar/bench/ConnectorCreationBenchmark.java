package io.laminar.bench;

import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.config.Position;
import io.laminar.config.PropertyValidator;
import io.laminar.config.RawProperties;
import io.laminar.config.RawProperty;
import io.laminar.config.ValidatedProperties;
import io.laminar.connectors.builtin.GeneratorSourceFactory;
import io.laminar.testkit.TestConnectorContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

/** Connector creation per instance (spec target < 50 ms): validate properties against the spec, then create. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class ConnectorCreationBenchmark {
  private final GeneratorSourceFactory factory = new GeneratorSourceFactory();
  private RawProperties raw;
  private RootAllocator allocator;

  @Setup
  public void setUp() {
    Position at = new Position(Path.of("bench.toml"), 1, 1);
    Map<String, RawProperty> entries = new LinkedHashMap<>();
    entries.put("rows_per_second", new RawProperty("rows_per_second", 1000L, at));
    entries.put("seed", new RawProperty("seed", 7L, at));
    entries.put("fields.symbol.values", new RawProperty("fields.symbol.values", "A,B,C", at));
    raw = new RawProperties(entries, at);
    allocator = new RootAllocator();
  }

  @TearDown
  public void tearDown() {
    allocator.close();
  }

  @Benchmark
  public Source validateAndCreateGenerator() throws Exception {
    ValidatedProperties props = PropertyValidator.validate(factory.spec(), "source 'trades'", raw);
    return factory.create(TestConnectorContext.builder("trades", ConnectorKind.SOURCE)
        .schema(PipelineThroughputBenchmark.schema()).allocator(allocator)
        .properties(props.properties().asMap()).build());
  }
}
