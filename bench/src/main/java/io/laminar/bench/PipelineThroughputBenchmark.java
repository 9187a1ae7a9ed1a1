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

/**
 * In-process pipeline throughput on one core: {@value #BATCHES} generator batches of
 * {@value #BATCH_ROWS} rows (1000 symbols, 100 000 events per second of event time) pushed through
 * a compiled pipeline. The score is rows per second (ops = rows).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(java.util.concurrent.TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class PipelineThroughputBenchmark {
  static final int BATCHES = 64;
  static final int BATCH_ROWS = 8192;

  static final Map<String, String> QUERIES = Map.of(
      "passthrough", "SELECT * FROM trades",
      "filter_project", "SELECT symbol, price * 2 AS doubled FROM trades WHERE price > 50",
      // a string built per row from a constant and an integer's digits
      "filter_concat", "SELECT qty, 'S' || CAST(MOD(qty, 1000) AS VARCHAR) AS code, price * 2 AS doubled FROM trades "
          + "WHERE price > 50",
      // columns passed through unchanged, no filter: the outputs share the input's buffers
      "project_columns", "SELECT symbol, price FROM trades",
      // integer arithmetic: the overflow-checked path
      "filter_project_int", "SELECT symbol, qty * 1000 + 7 AS scaled, -qty AS negated FROM trades WHERE qty + 1 > 50",
      "tumble_1s_count_avg", "SELECT symbol, window_start, COUNT(*) AS n, AVG(price) AS avg_price "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY symbol, window_start, window_end",
      // integer SUM/AVG: the overflow-checked accumulators
      "tumble_1s_sum_int", "SELECT symbol, window_start, SUM(qty) AS total, AVG(qty) AS avg_qty "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY symbol, window_start, window_end",
      // the same aggregation keyed by a string built per row (the compass tumble's key)
      "tumble_concat", "SELECT 'S' || CAST(MOD(qty, 1000) AS VARCHAR) AS code, window_start, COUNT(*) AS n, "
          + "AVG(price) AS avg_price FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY 'S' || CAST(MOD(qty, 1000) AS VARCHAR), window_start, window_end",
      // the same aggregation keyed by an INT column: the general hashed grouping path
      "tumble_1s_by_int", "SELECT qty, window_start, COUNT(*) AS n, AVG(price) AS avg_price "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY qty, window_start, window_end");

  @Param({"passthrough", "filter_project", "filter_concat", "project_columns", "filter_project_int", "tumble_1s_count_avg", "tumble_1s_sum_int",
      "tumble_concat", "tumble_1s_by_int"})
  public String query;

  private RootAllocator allocator;
  private List<VectorSchemaRoot> batches;
  private CompiledPipeline compiled;
  private PipelineExecutor executor;
  private long outputRows;

  static Schema schema() {
    return new Schema(List.of(
        new Field("symbol", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
        new Field("price", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
        new Field("qty", FieldType.nullable(new ArrowType.Int(32, true)), null),
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
            "fields.price.min", "0", "fields.price.max", "100")).build());
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
    executor = new PipelineExecutor(compiled, allocator, Map.of(), out -> outputRows += out.getRowCount());
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
