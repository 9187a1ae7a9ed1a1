package io.laminar.bench;

import io.laminar.api.RowKind;
import io.laminar.plan.CompiledPipeline;
import io.laminar.runtime.OutputCallback;
import io.laminar.runtime.PipelineExecutor;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
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
 * Input changes per second through a GROUP BY without a window ({@code COUNT, SUM, MIN, MAX} by an
 * INT key), emitting after every batch, on one core. {@code append}: batches of inserts of random
 * keys. {@code changelog}: a table of one row per key (pre-loaded), then batches of updates, each an
 * UPDATE_BEFORE/UPDATE_AFTER pair that changes a row's value (so MIN and MAX take values back); the
 * updates toggle each row between two values and the cycle of batches ends where it started, so
 * the state stays consistent however long the benchmark runs. Score: input rows (changes) per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(java.util.concurrent.TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx2g"})
public class UpdatingAggregateBenchmark {
  static final int BATCH_ROWS = 8192;
  static final int BATCHES = 32;
  static final String SQL = "SELECT k, COUNT(*) AS n, SUM(v) AS s, MIN(v) AS low, MAX(v) AS high FROM t GROUP BY k";

  @Param({"1000", "1000000"})
  public int keys;

  @Param({"append", "changelog"})
  public String input;

  private RootAllocator allocator;
  private CompiledPipeline compiled;
  private PipelineExecutor executor;
  private final List<VectorSchemaRoot> batches = new ArrayList<>();
  private final List<TinyIntVector> kinds = new ArrayList<>();
  private int next;
  private long outputRows;

  static Schema schema() {
    return new Schema(List.of(new Field("id", FieldType.nullable(new ArrowType.Int(64, true)), null),
        new Field("k", FieldType.nullable(new ArrowType.Int(32, true)), null),
        new Field("v", FieldType.nullable(new ArrowType.Int(32, true)), null)));
  }

  @Setup(Level.Trial)
  public void setUp() {
    allocator = new RootAllocator();
    boolean changelog = input.equals("changelog");
    CatalogTable table = CatalogTable.source("t", schema());
    SqlCompiler compiler = new SqlCompiler(List.of(changelog ? table.asChangelog() : table));
    CompileResult result = compiler.compile("bench", SQL);
    if (!(result instanceof CompileResult.Success ok)) {
      throw new IllegalStateException(result.errors().toString());
    }
    compiled = ok.compiled();
    OutputCallback out = new OutputCallback() {
      @Override
      public void onOutput(VectorSchemaRoot batch) {
        outputRows += batch.getRowCount();
      }

      @Override
      public void onOutput(VectorSchemaRoot batch, TinyIntVector rowKinds) {
        outputRows += batch.getRowCount();
      }
    };
    executor = new PipelineExecutor(compiled, allocator, Map.of(), out);
    Random r = new Random(7);
    if (!changelog) {
      for (int b = 0; b < BATCHES; b++) {
        long[] ids = new long[BATCH_ROWS];
        int[] ks = new int[BATCH_ROWS];
        int[] vs = new int[BATCH_ROWS];
        for (int i = 0; i < BATCH_ROWS; i++) {
          ids[i] = (long) b * BATCH_ROWS + i;
          ks[i] = r.nextInt(keys);
          vs[i] = r.nextInt(1000);
        }
        batches.add(batch(ids, ks, vs));
        kinds.add(null);
      }
      return;
    }
    // one row per key, value 2*key, loaded before measuring
    for (int start = 0; start < keys; start += BATCH_ROWS) {
      int n = Math.min(BATCH_ROWS, keys - start);
      long[] ids = new long[n];
      int[] ks = new int[n];
      int[] vs = new int[n];
      for (int i = 0; i < n; i++) {
        ids[i] = start + i;
        ks[i] = start + i;
        vs[i] = 2 * (start + i);
      }
      try (VectorSchemaRoot load = batch(ids, ks, vs)) {
        executor.onBatch("t", load);
      }
    }
    // a row's value toggles between 2*key and 2*key+1 with every update; the same sequence of rows
    // twice toggles every row an even number of times, so the cycle ends where it started
    int pairs = BATCH_ROWS / 2;
    int[] rows = new int[(BATCHES / 2) * pairs];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = r.nextInt(keys);
    }
    int[] current = new int[keys];
    for (int i = 0; i < keys; i++) {
      current[i] = 2 * i;
    }
    for (int half = 0; half < 2; half++) {
      for (int b = 0; b < BATCHES / 2; b++) {
        long[] ids = new long[BATCH_ROWS];
        int[] ks = new int[BATCH_ROWS];
        int[] vs = new int[BATCH_ROWS];
        byte[] ops = new byte[BATCH_ROWS];
        for (int p = 0; p < pairs; p++) {
          int row = rows[b * pairs + p];
          int from = current[row];
          int to = from == 2 * row ? 2 * row + 1 : 2 * row;
          current[row] = to;
          ids[2 * p] = row;
          ks[2 * p] = row;
          vs[2 * p] = from;
          ops[2 * p] = RowKind.UPDATE_BEFORE.code();
          ids[2 * p + 1] = row;
          ks[2 * p + 1] = row;
          vs[2 * p + 1] = to;
          ops[2 * p + 1] = RowKind.UPDATE_AFTER.code();
        }
        batches.add(batch(ids, ks, vs));
        TinyIntVector k = new TinyIntVector("kind", allocator);
        k.allocateNew(BATCH_ROWS);
        for (int i = 0; i < BATCH_ROWS; i++) {
          k.set(i, ops[i]);
        }
        k.setValueCount(BATCH_ROWS);
        kinds.add(k);
      }
    }
  }

  private VectorSchemaRoot batch(long[] ids, int[] ks, int[] vs) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema(), allocator);
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector(0);
    IntVector k = (IntVector) root.getVector(1);
    IntVector v = (IntVector) root.getVector(2);
    for (int i = 0; i < ids.length; i++) {
      id.setSafe(i, ids[i]);
      k.setSafe(i, ks[i]);
      v.setSafe(i, vs[i]);
    }
    root.setRowCount(ids.length);
    return root;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    executor.close();
    batches.forEach(VectorSchemaRoot::close);
    kinds.forEach(k -> {
      if (k != null) {
        k.close();
      }
    });
    allocator.close();
  }

  /** One batch of changes; the score is changes per second. */
  @Benchmark
  @OperationsPerInvocation(BATCH_ROWS)
  public void changes(Blackhole bh) {
    // the batches are used in order, so each half of the changelog follows the other
    int b = next;
    next = (next + 1) % batches.size();
    executor.onBatch("t", batches.get(b), kinds.get(b));
    bh.consume(outputRows);
  }
}
