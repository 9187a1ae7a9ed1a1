package io.laminar.runtime;

import io.laminar.api.LookupSource;
import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.Expr;
import io.laminar.plan.PlanNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Runs one compiled pipeline: the engine feeds source batches (and end-of-input), the executor
 * computes each source's watermark from its event-time column, pushes rows through the operator
 * chain and hands output batches to the {@link OutputCallback}. Single-threaded: call it from one
 * thread at a time. Expression code is generated once, in the constructor.
 */
public final class PipelineExecutor implements AutoCloseable {
  private final CompiledPipeline pipeline;
  private final BufferAllocator allocator;
  private final Map<String, LookupSource> lookups;
  private final OutputCallback output;
  private final ExecutorMetrics metrics = new ExecutorMetrics();
  private final Map<String, SourceInput> sources = new LinkedHashMap<>();
  private final List<Operator> operators = new ArrayList<>();
  private boolean closed;

  /** One source: its watermark and the scan leaves reading it (a source may be read twice, e.g. in a UNION ALL). */
  private static final class SourceInput {
    final List<ScanOperator> scans = new ArrayList<>();
    final int eventTimeColumn;
    final WatermarkTracker tracker;
    boolean ended;

    SourceInput(int eventTimeColumn, Duration delay) {
      this.eventTimeColumn = eventTimeColumn;
      this.tracker = new WatermarkTracker(delay);
    }
  }

  /**
   * Builds the operators. {@code lookups} must hold an open {@link LookupSource} for every lookup the
   * pipeline joins; the executor does not close them. Output batches are allocated from a child of
   * {@code allocator}, released by {@link #close()}.
   */
  public PipelineExecutor(CompiledPipeline pipeline, BufferAllocator allocator, Map<String, LookupSource> lookups,
      OutputCallback output) {
    this(pipeline, allocator, lookups, output, LookupCache.Config.DEFAULT);
  }

  /** As above, with an explicit lookup cache configuration. */
  public PipelineExecutor(CompiledPipeline pipeline, BufferAllocator allocator, Map<String, LookupSource> lookups,
      OutputCallback output, LookupCache.Config cacheConfig) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.allocator = allocator.newChildAllocator("pipeline-" + pipeline.name(), 0, Long.MAX_VALUE);
    this.lookups = new HashMap<>(lookups);
    this.output = Objects.requireNonNull(output, "output");
    try {
      SinkOperator sink = new SinkOperator();
      operators.add(sink);
      build(pipeline.root(), sink, 0, cacheConfig);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The pipeline this executor runs. */
  public CompiledPipeline pipeline() {
    return pipeline;
  }

  /** Live counters. */
  public ExecutorMetrics metrics() {
    return metrics;
  }

  /**
   * Pushes one batch of {@code source} (in the source's schema) through the pipeline, then advances
   * the source's watermark to its largest event time minus the allowed delay. The caller keeps
   * ownership of {@code batch}. Unknown sources are ignored (the pipeline does not read them).
   */
  public void onBatch(String source, VectorSchemaRoot batch) {
    SourceInput in = sources.get(source);
    if (in == null || batch.getRowCount() == 0) {
      return;
    }
    if (in.ended) {
      throw new IllegalStateException("source '" + source + "' has already ended");
    }
    metrics.addRowsIn(batch.getRowCount());
    for (ScanOperator scan : in.scans) {
      scan.onBatch(0, batch);
    }
    if (in.eventTimeColumn >= 0) {
      TimeStampVector time = (TimeStampVector) batch.getVector(in.eventTimeColumn);
      long before = in.tracker.watermark();
      long w = before;
      for (int r = 0; r < batch.getRowCount(); r++) {
        if (!time.isNull(r)) {
          w = in.tracker.observe(time.get(r));
        }
      }
      if (w > before) {
        advance(in, w);
      }
    }
  }

  /** Declares that {@code source} has no more rows: its watermark becomes +infinity and open windows flush. */
  public void onEndOfInput(String source) {
    SourceInput in = sources.get(source);
    if (in == null || in.ended) {
      return;
    }
    in.ended = true;
    advance(in, Long.MAX_VALUE);
  }

  /** Whether every source of the pipeline has ended. */
  public boolean isFinished() {
    return sources.values().stream().allMatch(s -> s.ended);
  }

  /** The sources this pipeline reads. */
  public java.util.Set<String> sources() {
    return java.util.Collections.unmodifiableSet(sources.keySet());
  }

  private void advance(SourceInput in, long watermark) {
    for (ScanOperator scan : in.scans) {
      scan.onWatermark(0, watermark);
    }
  }

  /** Releases operator state and the executor's memory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Operator op : operators) {
      op.close();
    }
    allocator.close();
  }

  private void build(PlanNode node, Operator downstream, int input, LookupCache.Config cacheConfig) {
    Operator op;
    List<PlanNode> children = node.inputs();
    if (node instanceof PlanNode.Scan scan) {
      ScanOperator leaf = new ScanOperator();
      leaf.connect(downstream, input);
      operators.add(leaf);
      sources.computeIfAbsent(scan.source(),
          s -> new SourceInput(scan.eventTimeColumn().orElse(-1), scan.maxOutOfOrderness())).scans.add(leaf);
      return;
    } else if (node instanceof PlanNode.Project p && p.input() instanceof PlanNode.Filter f) {
      // filter and projection fuse into one generated loop
      op = new CalcOperator(CalcCompiler.compile(Plans.typeList(f.schema()), f.condition(), p.expressions()),
          p.schema(), allocator);
      children = f.inputs();
    } else if (node instanceof PlanNode.Project p) {
      op = new CalcOperator(CalcCompiler.compile(Plans.typeList(p.input().schema()), null, p.expressions()),
          p.schema(), allocator);
    } else if (node instanceof PlanNode.Filter f) {
      op = new CalcOperator(CalcCompiler.compile(Plans.typeList(f.schema()), f.condition(), (List<Expr>) null),
          f.schema(), allocator);
    } else if (node instanceof PlanNode.WindowAssign w) {
      op = new WindowAssignOperator(w, allocator);
    } else if (node instanceof PlanNode.WindowAggregate a) {
      op = new WindowAggregateOperator(a, allocator, metrics);
    } else if (node instanceof PlanNode.SessionAggregate s) {
      op = new SessionAggregateOperator(s, allocator, metrics);
    } else if (node instanceof PlanNode.LookupJoin j) {
      LookupSource source = lookups.get(j.lookup());
      if (source == null) {
        throw new IllegalArgumentException("no lookup source given for '" + j.lookup() + "'");
      }
      op = new LookupJoinOperator(j, source, new LookupCache(cacheConfig), allocator, metrics);
    } else if (node instanceof PlanNode.Union u) {
      op = new UnionOperator(u.inputs().size(), u.schema(), allocator);
    } else {
      throw new IllegalArgumentException("unknown plan step " + node.describe());
    }
    op.connect(downstream, input);
    operators.add(op);
    for (int i = 0; i < children.size(); i++) {
      build(children.get(i), op, i, cacheConfig);
    }
  }

  /** A leaf: forwards the caller's batch without copying. */
  private static final class ScanOperator extends Operator {
    @Override
    void onBatch(int input, VectorSchemaRoot batch) {
      forward(batch);
    }
  }

  /** The end of the chain: counts and hands batches to the callback. */
  private final class SinkOperator extends Operator {
    @Override
    void onBatch(int input, VectorSchemaRoot batch) {
      metrics.addRowsOut(batch.getRowCount());
      output.onOutput(batch);
    }

    @Override
    void onWatermark(int input, long watermark) {
      metrics.setWatermark(watermark);
    }
  }
}
