package io.laminar.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A pipeline's SQL compiled to a physical plan: what the engine wires to sources, lookups and sinks.
 *
 * @param name the pipeline's name
 * @param sql the SQL it was compiled from
 * @param root the plan's root step
 * @param outputSchema the schema of the rows the pipeline emits
 * @param sources the sources it reads
 * @param lookups the lookup tables it joins
 */
public record CompiledPipeline(String name, String sql, PlanNode root, Schema outputSchema, Set<String> sources,
    Set<String> lookups) {

  /** Validates and copies. */
  public CompiledPipeline {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(root, "root");
    sources = Set.copyOf(new LinkedHashSet<>(sources));
    lookups = Set.copyOf(new LinkedHashSet<>(lookups));
  }

  /** How the pipeline's rows may be spread over parallel workers (see {@link Partitioning}). */
  public Partitioning partitioning() {
    return Partitioning.of(root);
  }

  /**
   * Per source, the columns (indices into the source's schema) whose values must decide the worker
   * a row goes to; a source without an entry may go to any worker. Empty for a stateless pipeline
   * (any row to any worker) and for one that is not {@link #parallelizable()}.
   */
  public Map<String, int[]> partitionKeys() {
    return partitioning().keys();
  }

  /** Whether several workers may each run this pipeline on their share of the rows. */
  public boolean parallelizable() {
    return partitioning().parallelizable();
  }

  /** Whether the pipeline runs as a two-phase window aggregation (see {@link Partitioning#twoPhase()}). */
  public boolean twoPhase() {
    return partitioning().twoPhase();
  }

  /** Whether the pipeline's output may hold updates and deletes, not only appends (see {@link PlanNode#updating()}). */
  public boolean updating() {
    return root.updating();
  }

  /**
   * The step that makes the output updating: the first, leaves first, whose output is updating while
   * its inputs are not (a changelog source's scan, an aggregate without a window); empty when the
   * output is append-only.
   */
  public Optional<PlanNode> updatingStep() {
    return updatingStep(root);
  }

  private static Optional<PlanNode> updatingStep(PlanNode node) {
    if (!node.updating()) {
      return Optional.empty();
    }
    for (PlanNode input : node.inputs()) {
      Optional<PlanNode> below = updatingStep(input);
      if (below.isPresent()) {
        return below;
      }
    }
    return Optional.of(node);
  }

  /**
   * The output columns that identify the row an update or delete is about (the GROUP BY keys of an
   * updating aggregate, carried through filters, projections that keep them and lookup joins);
   * empty when the output is append-only or the key is not known (a changelog source's own key is
   * not declared to laminar).
   */
  public Optional<List<Integer>> updateKey() {
    return updateKey(root);
  }

  /** The update key of {@code node}'s output, as {@link #updateKey()}. */
  public static Optional<List<Integer>> updateKey(PlanNode node) {
    if (!node.updating()) {
      return Optional.empty();
    }
    if (node instanceof PlanNode.GroupAggregate a) {
      if (a.groupKeys().isEmpty()) {
        return Optional.empty(); // one row without a key
      }
      List<Integer> key = new ArrayList<>();
      for (int k = 0; k < a.groupKeys().size(); k++) {
        key.add(k);
      }
      return Optional.of(key);
    }
    if (node instanceof PlanNode.Filter f) {
      return updateKey(f.input());
    }
    if (node instanceof PlanNode.LookupJoin j) {
      return updateKey(j.input());
    }
    if (node instanceof PlanNode.Project p) {
      Optional<List<Integer>> in = updateKey(p.input());
      if (in.isEmpty()) {
        return in;
      }
      List<Integer> key = new ArrayList<>();
      for (int column : in.get()) {
        int found = -1;
        for (int i = 0; i < p.expressions().size() && found < 0; i++) {
          if (p.expressions().get(i) instanceof Expr.ColumnRef ref && ref.index() == column) {
            found = i;
          }
        }
        if (found < 0) {
          return Optional.empty(); // a key column was projected away or computed on
        }
        key.add(found);
      }
      return Optional.of(key);
    }
    return Optional.empty();
  }

  /** The names of the {@link #updateKey()} columns; empty as it is. */
  public List<String> updateKeyNames() {
    List<String> names = new ArrayList<>();
    updateKey().ifPresent(key -> key.forEach(i -> names.add(outputSchema.getFields().get(i).getName())));
    return names;
  }

  /**
   * The plan for {@code laminar explain}: output schema, then the indented step tree, each step
   * marked {@code [append-only]} or {@code [updating, key=(…)]} (the columns its updates are keyed
   * by, or {@code key unknown}).
   */
  public String explain() {
    StringBuilder b = new StringBuilder("pipeline ").append(name).append(" -> (");
    int i = 0;
    for (Field f : outputSchema.getFields()) {
      b.append(i++ == 0 ? "" : ", ").append(f.getName()).append(' ')
          .append(SqlType.fromArrow(f.getType())).append(f.isNullable() ? "" : " NOT NULL");
    }
    b.append(")\n");
    explain(root, 0, b);
    if (twoPhase()) {
      b.append("parallel: two-phase window aggregation when run on several workers (partial windows per "
          + "worker, merged once every worker's watermark has passed them)\n");
    }
    return b.toString();
  }

  private static void explain(PlanNode node, int depth, StringBuilder b) {
    b.append("  ".repeat(depth)).append(node.describe()).append("  [");
    if (node.updating()) {
      b.append("updating, ");
      Optional<List<Integer>> key = updateKey(node);
      if (key.isPresent()) {
        b.append("key=(");
        for (int k = 0; k < key.get().size(); k++) {
          b.append(k == 0 ? "" : ", ").append(node.schema().getFields().get(key.get().get(k)).getName());
        }
        b.append(')');
      } else {
        b.append("key unknown");
      }
    } else {
      b.append("append-only");
    }
    b.append("]\n");
    for (PlanNode input : node.inputs()) {
      explain(input, depth + 1, b);
    }
  }
}
