package io.laminar.bench;

import io.laminar.api.ConnectorKind;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.registry.RegisteredConnector;
import io.laminar.registry.Resolution;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Registry lookup by connector type (spec target < 100 ns, goal < 30 ns). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RegistryLookupBenchmark {
  private ConnectorRegistry registry;
  private String type;

  @Setup
  public void setUp() {
    registry = ConnectorRegistry.build(List.of(new ConnectorProvider("builtin", "bench", BuiltinConnectors.sources(),
        BuiltinConnectors.lookups(), BuiltinConnectors.sinks()))).registry();
    type = new String("generator"); // not the interned literal: hashing is part of the cost
  }

  @Benchmark
  public Optional<RegisteredConnector> find() {
    return registry.find(ConnectorKind.SOURCE, type);
  }

  @Benchmark
  public Resolution resolve() {
    return registry.resolve(ConnectorKind.SOURCE, type, Optional.empty());
  }
}
