package io.laminar.runtime;

import io.laminar.api.LookupSource;
import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.SqlType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Test driver: feeds in-memory rows to a {@link PipelineExecutor} in batches and collects the output rows. */
final class StreamRunner {
  private StreamRunner() {
  }

  /** One source's rows in arrival order. */
  record Input(String source, List<Object[]> rows) {
  }

  /** Output rows (canonical values) and the metrics at the end. */
  record Result(List<List<Object>> rows, ExecutorMetrics metrics) {
  }

  /** One batch of one source, in the order the engine would deliver it. */
  record Step(String source, List<Object[]> rows) {
  }

  /** Runs every input to the end, interleaving sources batch by batch. */
  static Result run(CompiledPipeline pipeline, BufferAllocator allocator, Map<String, LookupSource> lookups,
      int batchSize, List<Input> inputs) {
    List<List<Object>> out = new ArrayList<>();
    try (PipelineExecutor executor = new PipelineExecutor(pipeline, allocator, lookups, batch -> collect(batch, out))) {
      List<Step> steps = steps(inputs, batchSize);
      feed(executor, steps, allocator);
      for (Input in : inputs) {
        executor.onEndOfInput(in.source());
      }
      return new Result(out, executor.metrics());
    }
  }

  /** The inputs cut into batches of {@code batchSize}, sources interleaved batch by batch. */
  static List<Step> steps(List<Input> inputs, int batchSize) {
    List<Step> steps = new ArrayList<>();
    int maxRows = inputs.stream().mapToInt(i -> i.rows().size()).max().orElse(0);
    for (int from = 0; from < maxRows; from += batchSize) {
      for (Input in : inputs) {
        if (from < in.rows().size()) {
          steps.add(new Step(in.source(), in.rows().subList(from, Math.min(from + batchSize, in.rows().size()))));
        }
      }
    }
    return steps;
  }

  /** Feeds each step as one batch. */
  static void feed(PipelineExecutor executor, List<Step> steps, BufferAllocator allocator) {
    for (Step step : steps) {
      try (VectorSchemaRoot batch = TestTables.batch(TestTables.EVENTS, step.rows(), allocator)) {
        executor.onBatch(step.source(), batch);
      }
    }
  }

  static void collect(VectorSchemaRoot batch, List<List<Object>> out) {
    for (int r = 0; r < batch.getRowCount(); r++) {
      List<Object> row = new ArrayList<>();
      for (FieldVector v : batch.getFieldVectors()) {
        row.add(v.isNull(r) ? null : CalciteOracle.canonical(value(v, r)));
      }
      out.add(row);
    }
  }

  private static Object value(FieldVector v, int r) {
    if (v instanceof VarCharVector s) {
      return new String(s.get(r), StandardCharsets.UTF_8);
    }
    if (v instanceof TimeStampVector t) {
      return t.get(r);
    }
    if (v instanceof BitVector b) {
      return b.get(r) != 0;
    }
    if (v instanceof FloatingPointVector f) {
      return f.getValueAsDouble(r);
    }
    if (v instanceof BaseIntVector i) {
      return i.getValueAsLong(r);
    }
    throw new IllegalArgumentException("unexpected vector " + v.getClass() + " " + SqlType.fromArrow(v.getField().getType()));
  }
}
