package io.laminar.bench;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.connectors.builtin.GeneratorSourceFactory;
import io.laminar.plan.CompiledPipeline;
import io.laminar.runtime.PipelineExecutor;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import io.laminar.testkit.TestConnectorContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One inline worker of the issue-20 "compass" workloads on one thread: the generator (`id`
 * sequence, `price` uniform 0–100, `ts` at 1 M events per second of event time) polled in 8192-row
 * batches, each pushed through the compiled pipeline into a counting callback (the blackhole
 * sink's work), as {@code SourceRunner} drives an inline worker. {@code generate} is the generator
 * alone. Score = source rows per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(java.util.concurrent.TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class CompassBenchmark {
  static final int BATCH_ROWS = 8192;

  static final Map<String, String> QUERIES = Map.of(
      "pass", "SELECT id, price FROM trades",
      "filter", "SELECT id, 'S' || CAST(MOD(id, 1000) AS VARCHAR) AS symbol, price * 2 AS p2 FROM trades "
          + "WHERE price > 50",
      // bench/run-throughput.sh SUITE=compass's tumble: a string key built per row, TUMBLE 1 s
      "tumble", "SELECT 'S' || CAST(MOD(id, 1000) AS VARCHAR) AS symbol, window_start, COUNT(*) AS n, "
          + "AVG(price) AS avg_price FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY 'S' || CAST(MOD(id, 1000) AS VARCHAR), window_start, window_end");

  @Param({"generate", "pass", "filter", "tumble"})
  public String query;

  private RootAllocator allocator;
  private Source source;
  private PipelineExecutor executor;
  private long outputRows;

  static Schema schema() {
    return new Schema(List.of(
        new Field("id", FieldType.nullable(new ArrowType.Int(64, true)), null),
        new Field("price", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
        new Field("ts", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)), null)));
  }

  @Setup
  public void setUp() throws Exception {
    allocator = new RootAllocator();
    source = new GeneratorSourceFactory().create(TestConnectorContext.builder("trades", ConnectorKind.SOURCE)
        .schema(schema()).allocator(allocator).properties(Map.of("events_per_second", 1_000_000.0,
            "start_time", "2026-01-01T00:00:00Z", "fields.id.kind", "sequence", "fields.price.min", "0",
            "fields.price.max", "100")).build());
    source.open(null);
    if (!query.equals("generate")) {
      SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("trades", schema(), "ts",
          Duration.ofSeconds(1))));
      CompileResult result = compiler.compile("compass", QUERIES.get(query));
      if (!(result instanceof CompileResult.Success ok)) {
        throw new IllegalStateException(result.errors().toString());
      }
      CompiledPipeline compiled = ok.compiled();
      executor = new PipelineExecutor(compiled, allocator, Map.of(), out -> outputRows += out.getRowCount());
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    if (executor != null) {
      executor.close();
    }
    source.close();
    allocator.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH_ROWS)
  public long batch() throws Exception {
    try (Batch b = source.poll(BATCH_ROWS, Duration.ZERO)) {
      if (executor != null) {
        executor.onBatch("trades", b.data());
      }
      return outputRows + b.rowCount();
    }
  }
}
