package io.laminar.bench;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.connectors.builtin.GeneratorSourceFactory;
import io.laminar.plan.CompiledPipeline;
import io.laminar.runtime.OutputCallback;
import io.laminar.runtime.PipelineExecutor;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import io.laminar.testkit.TestConnectorContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
import org.openjdk.jmh.infra.Blackhole;
import org.apache.arrow.vector.TinyIntVector;

/**
 * DECIMAL SUM grouped by 1,000 keys, in process on one core: {@value #BATCHES} generator batches of
 * {@value #BATCH_ROWS} rows (1000 symbols, a DECIMAL(12, 2) amount and a BIGINT with the same
 * unscaled values) through a TUMBLE window or a GROUP BY without a window (emitting after every
 * batch). The {@code _bigint} queries are the same aggregation of the BIGINT, for comparison. Score:
 * input rows per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(java.util.concurrent.TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class DecimalSumBenchmark {
  static final int BATCHES = 64;
  static final int BATCH_ROWS = 8192;

  static final Map<String, String> QUERIES = Map.of(
      "tumble_sum_decimal", "SELECT symbol, window_start, SUM(amount) AS total, AVG(amount) AS mean "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY symbol, window_start, window_end",
      "tumble_sum_bigint", "SELECT symbol, window_start, SUM(cents) AS total, AVG(cents) AS mean "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY symbol, window_start, window_end",
      "group_sum_decimal", "SELECT symbol, SUM(amount) AS total FROM trades GROUP BY symbol",
      "group_sum_bigint", "SELECT symbol, SUM(cents) AS total FROM trades GROUP BY symbol",
      "project_decimal", "SELECT symbol, amount * 1.08 + 0.50 AS gross FROM trades WHERE amount > 10.00");

  @Param({"tumble_sum_decimal", "tumble_sum_bigint", "group_sum_decimal", "group_sum_bigint", "project_decimal"})
  public String query;

  private RootAllocator allocator;
  private List<VectorSchemaRoot> batches;
  private CompiledPipeline compiled;
  private PipelineExecutor executor;
  private long outputRows;

  static Schema schema() {
    return new Schema(List.of(
        new Field("symbol", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
        new Field("amount", FieldType.nullable(new ArrowType.Decimal(12, 2, 128)), null),
        new Field("cents", FieldType.nullable(new ArrowType.Int(64, true)), null),
        new Field("ts", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)), null)));
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    allocator = new RootAllocator();
    StringBuilder symbols = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      symbols.append(i == 0 ? "" : ",").append("S").append(i);
    }
    Source gen = new GeneratorSourceFactory().create(TestConnectorContext.builder("trades", ConnectorKind.SOURCE)
        .schema(schema()).allocator(allocator).properties(Map.of("seed", 1L, "events_per_second", 100_000.0,
            "start_time", "2026-01-01T00:00:00Z", "fields.symbol.values", symbols.toString(),
            "fields.amount.min", "0", "fields.amount.max", "99999.99", "fields.cents.min", "0",
            "fields.cents.max", "9999999")).build());
    gen.open(null);
    batches = new ArrayList<>();
    for (int i = 0; i < BATCHES; i++) {
      Batch b = gen.poll(BATCH_ROWS, Duration.ZERO);
      batches.add(b.data());
    }
    gen.close();
    SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("trades", schema(), "ts", Duration.ZERO)));
    CompileResult result = compiler.compile("bench", QUERIES.get(query));
    if (!(result instanceof CompileResult.Success ok)) {
      throw new IllegalStateException(result.errors().toString());
    }
    compiled = ok.compiled();
  }

  @Setup(Level.Invocation)
  public void newExecutor() {
    executor = new PipelineExecutor(compiled, allocator, Map.of(), new OutputCallback() {
      @Override
      public void onOutput(VectorSchemaRoot batch) {
        outputRows += batch.getRowCount();
      }

      @Override
      public void onOutput(VectorSchemaRoot batch, TinyIntVector rowKinds) {
        outputRows += batch.getRowCount();
      }
    });
  }

  @TearDown(Level.Invocation)
  public void closeExecutor() {
    executor.close();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    batches.forEach(VectorSchemaRoot::close);
    allocator.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCHES * BATCH_ROWS)
  public void run(Blackhole bh) {
    for (VectorSchemaRoot b : batches) {
      executor.onBatch("trades", b);
    }
    executor.onEndOfInput("trades");
    bh.consume(outputRows);
  }
}
