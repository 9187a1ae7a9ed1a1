package io.laminar.plan;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One step of a physical plan: a plain, immutable tree the SQL compiler produces and the runtime
 * turns into operators. Column references are positions in the input's {@link #schema()}.
 */
public sealed interface PlanNode permits PlanNode.Scan, PlanNode.Filter, PlanNode.Project,
    PlanNode.WindowAssign, PlanNode.WindowAggregate, PlanNode.SessionAggregate, PlanNode.GroupAggregate,
    PlanNode.LookupJoin, PlanNode.Union {

  /** The schema of the rows this step produces. */
  Schema schema();

  /** The steps feeding this one. */
  List<PlanNode> inputs();

  /** A one-line description for {@code explain}, without the inputs. */
  String describe();

  /**
   * Whether this step's output may hold updates and deletes (row kinds other than INSERT) rather
   * than only appends. Stateless steps keep their inputs' mode; window aggregates emit each window
   * once, so their output is append-only.
   */
  default boolean updating() {
    for (PlanNode input : inputs()) {
      if (input.updating()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads a source. {@code eventTimeColumn} is the column whose values drive the source's
   * watermark (max seen minus {@code maxOutOfOrderness}); without it the source never advances a
   * watermark until it ends. A {@code changelog} source's rows may be inserts, updates and deletes.
   */
  record Scan(String source, Schema schema, Optional<Integer> eventTimeColumn, Duration maxOutOfOrderness,
      boolean changelog) implements PlanNode {
    @Override
    public List<PlanNode> inputs() {
      return List.of();
    }

    @Override
    public boolean updating() {
      return changelog;
    }

    @Override
    public String describe() {
      return "Scan(source=" + source + eventTimeColumn
          .map(c -> ", eventTime=" + schema.getFields().get(c).getName() + ", delay=" + maxOutOfOrderness)
          .orElse("") + (changelog ? ", changelog" : "") + ")";
    }
  }

  /** Keeps the rows for which {@code condition} is TRUE. */
  record Filter(PlanNode input, Expr condition) implements PlanNode {
    @Override
    public Schema schema() {
      return input.schema();
    }

    @Override
    public List<PlanNode> inputs() {
      return List.of(input);
    }

    @Override
    public String describe() {
      return "Filter(" + condition + ")";
    }
  }

  /** Computes one output column per expression; {@code schema} names and types them. */
  record Project(PlanNode input, List<Expr> expressions, Schema schema) implements PlanNode {
    /** Copies the expression list. */
    public Project {
      expressions = List.copyOf(expressions);
    }

    @Override
    public List<PlanNode> inputs() {
      return List.of(input);
    }

    @Override
    public String describe() {
      StringBuilder b = new StringBuilder("Project(");
      for (int i = 0; i < expressions.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(schema.getFields().get(i).getName()).append('=').append(expressions.get(i));
      }
      return b.append(')').toString();
    }
  }

  /** The kinds of window a {@link WindowAssign} produces. */
  enum WindowKind {
    /** Fixed, non-overlapping windows of {@code size}. */
    TUMBLE,
    /** Windows of {@code size} starting every {@code slide}; a row belongs to size/slide of them. */
    HOP
  }

  /**
   * Appends {@code window_start} and {@code window_end} (TIMESTAMP) to each row, one output row per
   * window the row's {@code timeColumn} falls into.
   */
  record WindowAssign(PlanNode input, WindowKind kind, int timeColumn, long sizeMillis, long slideMillis,
      Schema schema) implements PlanNode {
    @Override
    public List<PlanNode> inputs() {
      return List.of(input);
    }

    @Override
    public String describe() {
      return "WindowAssign(" + kind + ", time=$" + timeColumn + ", size=" + Duration.ofMillis(sizeMillis)
          + (kind == WindowKind.HOP ? ", slide=" + Duration.ofMillis(slideMillis) : "") + ")";
    }
  }

  /**
   * Groups rows by {@code groupKeys} and aggregates them; the output is the group keys in order,
   * then the aggregates. A group is emitted (and forgotten) once the watermark reaches the value of
   * input column {@code fireColumn} plus {@code fireOffsetMillis} — its window end; rows of a group
   * already emitted are late, counted and dropped. Over an updating input ({@code retracting})
   * updates and deletes take their row back from windows still open; the output is append-only
   * either way, since each window is emitted once.
   */
  record WindowAggregate(PlanNode input, List<Integer> groupKeys, List<AggCall> aggregates, int fireColumn,
      long fireOffsetMillis, Schema schema) implements PlanNode {
    /** Copies the lists. */
    public WindowAggregate {
      groupKeys = List.copyOf(groupKeys);
      aggregates = List.copyOf(aggregates);
    }

    /** Whether rows may be taken back (the input is updating). */
    public boolean retracting() {
      return input.updating();
    }

    @Override
    public List<PlanNode> inputs() {
      return List.of(input);
    }

    @Override
    public boolean updating() {
      return false;
    }

    @Override
    public String describe() {
      return "WindowAggregate(keys=" + groupKeys + ", aggs=" + aggregates + ", fireAt=$" + fireColumn
          + (fireOffsetMillis == 0 ? "" : "+" + Duration.ofMillis(fireOffsetMillis))
          + (retracting() ? ", retract" : "") + ")";
    }
  }

  /**
   * Session windows per {@code partitionKeys}: rows of a partition closer than {@code gapMillis} in
   * {@code timeColumn} share a session [first, last + gap). The output follows {@code groupKeys},
   * which index the input's columns followed by window_start (input width) and window_end (input
   * width + 1), of the time column's type, then the aggregates. Over an updating input
   * ({@code retracting}) updates and deletes take their row back while its session is open, which
   * may shrink or split it; the output is append-only either way, since each session is emitted once.
   */
  record SessionAggregate(PlanNode input, int timeColumn, long gapMillis, List<Integer> partitionKeys,
      List<Integer> groupKeys, List<AggCall> aggregates, Schema schema) implements PlanNode {
    /** Copies the lists. */
    public SessionAggregate {
      partitionKeys = List.copyOf(partitionKeys);
      groupKeys = List.copyOf(groupKeys);
      aggregates = List.copyOf(aggregates);
    }

    @Override
    public List<PlanNode> inputs() {
      return List.of(input);
    }

    @Override
    public boolean updating() {
      return false;
    }

    /** Whether rows may be taken back (the input is updating). */
    public boolean retracting() {
      return input.updating();
    }

    @Override
    public String describe() {
      return "SessionAggregate(time=$" + timeColumn + ", gap=" + Duration.ofMillis(gapMillis) + ", partition="
          + partitionKeys + ", keys=" + groupKeys + ", aggs=" + aggregates + (retracting() ? ", retract" : "") + ")";
    }
  }

  /**
   * GROUP BY without a window: an updating aggregate. The output (group keys in order, then the
   * aggregates) is a changelog keyed by the group keys: a new group is an INSERT, a changed one an
   * UPDATE_BEFORE/UPDATE_AFTER pair, an emptied one a DELETE. Over an updating input every
   * aggregate takes rows back ({@code retracting}: MIN, MAX and COUNT(DISTINCT) then keep counts
   * per value). {@code line}/{@code column} locate the GROUP BY in the pipeline's SQL (1-based; 0 if
   * unknown), for errors that name this step; they are not part of {@link #describe()}.
   */
  record GroupAggregate(PlanNode input, List<Integer> groupKeys, List<AggCall> aggregates, Schema schema, int line,
      int column) implements PlanNode {
    /** Copies the lists. */
    public GroupAggregate {
      groupKeys = List.copyOf(groupKeys);
      aggregates = List.copyOf(aggregates);
    }

    /** Whether rows may be taken back (the input is updating). */
    public boolean retracting() {
      return input.updating();
    }

    @Override
    public List<PlanNode> inputs() {
      return List.of(input);
    }

    @Override
    public boolean updating() {
      return true;
    }

    @Override
    public String describe() {
      return "GroupAggregate(keys=" + groupKeys + ", aggs=" + aggregates + (retracting() ? ", retract" : "") + ")";
    }
  }

  /** Join kinds of a lookup join. */
  enum JoinKind {
    /** Drops input rows without a match. */
    INNER,
    /** Keeps input rows without a match, with nulls for the lookup columns. */
    LEFT
  }

  /**
   * Enriches each input row with the lookup table's row whose {@code lookupKeys} columns equal the
   * row's {@code inputKeys} columns. Output: the input columns, then all lookup columns.
   */
  record LookupJoin(PlanNode input, String lookup, Schema lookupSchema, List<Integer> inputKeys,
      List<Integer> lookupKeys, JoinKind kind, Schema schema) implements PlanNode {
    /** Copies the lists. */
    public LookupJoin {
      inputKeys = List.copyOf(inputKeys);
      lookupKeys = List.copyOf(lookupKeys);
    }

    @Override
    public List<PlanNode> inputs() {
      return List.of(input);
    }

    @Override
    public String describe() {
      return "LookupJoin(" + kind + ", lookup=" + lookup + ", on " + inputKeys + " = " + lookupKeys + ")";
    }
  }

  /** Concatenates its inputs' rows (UNION ALL); the watermark is the minimum of the inputs'. */
  record Union(List<PlanNode> inputs, Schema schema) implements PlanNode {
    /** Copies the input list. */
    public Union {
      inputs = List.copyOf(inputs);
    }

    @Override
    public String describe() {
      return "Union(all)";
    }
  }

  /** The plan as an indented tree, one step per line, root first. */
  static String explain(PlanNode root) {
    StringBuilder b = new StringBuilder();
    explain(root, 0, b);
    return b.toString();
  }

  private static void explain(PlanNode node, int depth, StringBuilder b) {
    b.append("  ".repeat(depth)).append(node.describe()).append('\n');
    for (PlanNode input : node.inputs()) {
      explain(input, depth + 1, b);
    }
  }
}
