package io.laminar.plan;

import java.util.LinkedHashSet;
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

  /** The plan for {@code laminar explain}: output schema, then the indented step tree. */
  public String explain() {
    StringBuilder b = new StringBuilder("pipeline ").append(name).append(" -> (");
    int i = 0;
    for (Field f : outputSchema.getFields()) {
      b.append(i++ == 0 ? "" : ", ").append(f.getName()).append(' ')
          .append(SqlType.fromArrow(f.getType())).append(f.isNullable() ? "" : " NOT NULL");
    }
    return b.append(")\n").append(PlanNode.explain(root)).toString();
  }
}
