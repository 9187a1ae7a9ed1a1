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

/**
 * {@link PipelineThroughputBenchmark}'s workload for an instruction count: {@code warmup} passes
 * (the JIT compiles), then {@code measured} passes between two callgrind client requests (native
 * library {@code vgcount}, bench/native/vgcount.c). Instructions per row do not depend on what else
 * the machine runs, unlike a timing, so before/after comparisons of a few percent are possible on a
 * shared machine. Run through bench/run-instructions.sh.
 */
public final class InstrBench {
  private InstrBench() {
  }

  static native void startCounting();
  static native void stopCounting();
  static long outputRows;

  public static void main(String[] args) throws Exception {
    String query = args[0];
    int warmup = Integer.parseInt(args[1]);
    int measured = Integer.parseInt(args[2]);
    System.loadLibrary("vgcount");
    RootAllocator allocator = new RootAllocator();
    StringBuilder symbols = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      symbols.append(i == 0 ? "" : ",").append("S").append(i);
    }
    Source gen = new GeneratorSourceFactory().create(TestConnectorContext.builder("trades", ConnectorKind.SOURCE)
        .schema(PipelineThroughputBenchmark.schema()).allocator(allocator).properties(Map.of("seed", 1L,
            "events_per_second", 100_000.0, "start_time", "2026-01-01T00:00:00Z", "fields.symbol.values",
            symbols.toString(), "fields.price.min", "0", "fields.price.max", "100")).build());
    gen.open(null);
    List<VectorSchemaRoot> batches = new ArrayList<>();
    for (int i = 0; i < PipelineThroughputBenchmark.BATCHES; i++) {
      Batch b = gen.poll(PipelineThroughputBenchmark.BATCH_ROWS, Duration.ZERO);
      batches.add(b.data());
    }
    gen.close();
    SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("trades",
        PipelineThroughputBenchmark.schema(), "ts", Duration.ZERO)));
    CompileResult result = compiler.compile("bench", PipelineThroughputBenchmark.QUERIES.get(query));
    CompiledPipeline compiled = ((CompileResult.Success) result).compiled();
    for (int i = 0; i < warmup; i++) {
      pass(compiled, allocator, batches);
    }
    long before = outputRows;
    startCounting();
    for (int i = 0; i < measured; i++) {
      pass(compiled, allocator, batches);
    }
    stopCounting();
    long rows = (long) measured * PipelineThroughputBenchmark.BATCHES * PipelineThroughputBenchmark.BATCH_ROWS;
    System.out.println("query " + query + " measured rows " + rows + " output rows " + (outputRows - before));
    batches.forEach(VectorSchemaRoot::close);
    allocator.close();
  }

  static void pass(CompiledPipeline compiled, RootAllocator allocator, List<VectorSchemaRoot> batches) {
    PipelineExecutor executor = new PipelineExecutor(compiled, allocator, Map.of(), out -> outputRows += out.getRowCount());
    for (VectorSchemaRoot b : batches) {
      executor.onBatch("trades", b);
    }
    executor.onEndOfInput("trades");
    executor.close();
  }
}
