package io.laminar.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a pipeline's rows may be spread over parallel workers, each running its own executor: per
 * source, the source columns whose values decide the worker, so that every row of one group (one
 * window group, one SESSION partition) reaches the same worker.
 *
 * <p>Derived from the plan alone: the group keys of each window aggregate (the PARTITION BY keys of
 * each SESSION) are traced back through projections, filters, window assignment, lookup joins and
 * UNION ALL to plain source columns; window bounds, computed expressions and lookup columns do not
 * trace. Any traced subset of the group keys is a valid partition key (rows equal on all group keys
 * are equal on the subset), so the traced keys are used and the rest ignored. A pipeline is serial
 * when a stateful step has no traced key, or when one source would need two different keys.
 */
public final class Partitioning {
  private final Map<String, List<Integer>> keys;
  private final String serialReason;
  /** Two-phase window aggregation: see {@link #twoPhase()}. */
  private final boolean twoPhase;

  private Partitioning(Map<String, List<Integer>> keys, String serialReason) {
    this(keys, serialReason, false);
  }

  private Partitioning(Map<String, List<Integer>> keys, String serialReason, boolean twoPhase) {
    this.keys = keys;
    this.serialReason = serialReason;
    this.twoPhase = twoPhase;
  }

  /** The partitioning of the plan rooted at {@code root}. */
  public static Partitioning of(PlanNode root) {
    String ordered = changelogToOutput(root);
    if (ordered != null) {
      return new Partitioning(Map.of(), "the changes of changelog source '" + ordered + "' reach the output "
          + "without a keyed step, so they must stay in order (a delete after its insert) on one worker");
    }
    Map<String, List<Integer>> keys = new LinkedHashMap<>();
    List<PlanNode> stateful = new ArrayList<>();
    collectStateful(root, stateful);
    for (PlanNode node : stateful) {
      PlanNode input = node.inputs().get(0);
      List<Integer> slots = keyColumns(node);
      Map<String, List<Integer>> nodeKeys = new LinkedHashMap<>();
      for (int slot : stateKeySlots(node)) {
        Map<String, Integer> traced = trace(input, slots.get(slot));
        traced.forEach((source, c) -> nodeKeys.computeIfAbsent(source, x -> new ArrayList<>()).add(c));
      }
      if (nodeKeys.isEmpty()) {
        String why = twoPhaseObstacle(root, node, stateful);
        if (why == null) {
          // rows go to any worker; each keeps partial windows that one merger combines
          return new Partitioning(Map.of(), null, true);
        }
        return new Partitioning(Map.of(), "step " + node.describe() + " has no "
            + (node instanceof PlanNode.SessionAggregate ? "PARTITION BY" : "group") + " key that is a plain source "
            + "column (only windows, computed expressions or lookup columns), so all its rows must meet on one worker"
            + (why.isEmpty() ? "" : " (" + why + ")"));
      }
      for (Map.Entry<String, List<Integer>> e : nodeKeys.entrySet()) {
        List<Integer> before = keys.putIfAbsent(e.getKey(), List.copyOf(e.getValue()));
        if (before != null && !before.equals(e.getValue())) {
          return new Partitioning(Map.of(), "source '" + e.getKey() + "' feeds stateful steps keyed on different "
              + "columns (" + before + " and " + e.getValue() + ")");
        }
      }
    }
    return new Partitioning(Collections.unmodifiableMap(keys), null);
  }

  /**
   * The positions, in key order, of the keys of stateful step {@code node} (a window aggregate's or
   * updating GROUP BY's group keys, a SESSION's PARTITION BY keys) that trace back to plain source
   * columns: the partition key of every source feeding the step, in the same order. Hashing a group's
   * values at these positions as {@code Partitioner} hashes a row's partition key gives the group's
   * key group, so its state can be redistributed. Empty if no key traces.
   */
  public static int[] stateKeySlots(PlanNode node) {
    List<Integer> columns = keyColumns(node);
    PlanNode input = node.inputs().get(0);
    List<Integer> slots = new ArrayList<>();
    for (int k = 0; k < columns.size(); k++) {
      if (trace(input, columns.get(k)) != null) {
        slots.add(k);
      }
    }
    return slots.stream().mapToInt(Integer::intValue).toArray();
  }

  private static List<Integer> keyColumns(PlanNode node) {
    if (node instanceof PlanNode.SessionAggregate s) {
      return s.partitionKeys();
    }
    if (node instanceof PlanNode.GroupAggregate g) {
      return g.groupKeys();
    }
    if (node instanceof PlanNode.WindowAggregate w) {
      return w.groupKeys();
    }
    throw new IllegalArgumentException("not a stateful step: " + node.describe());
  }

  /**
   * Whether the pipeline runs as a two-phase (local/global) window aggregation: its only stateful
   * step is one append-only window aggregate (TUMBLE, HOP) whose group keys do not trace to source
   * columns and whose aggregates all combine from partial results (COUNT, SUM, AVG, MIN, MAX; not
   * COUNT(DISTINCT)), with only filters, projections and lookup joins after it. Rows then go to any
   * worker as for a stateless pipeline ({@link #keys()} is empty); each worker aggregates its rows
   * into partial windows and one merger per pipeline combines them and fires each window once
   * every worker's watermark has passed it.
   */
  public boolean twoPhase() {
    return twoPhase;
  }

  /**
   * Why the untraced stateful step {@code node} cannot run two-phase: a reason for the serial
   * message, "" for a step that is no window aggregate (nothing to add), null when it can.
   */
  private static String twoPhaseObstacle(PlanNode root, PlanNode node, List<PlanNode> stateful) {
    if (!(node instanceof PlanNode.WindowAggregate w)) {
      return "";
    }
    if (w.retracting()) {
      return "its input is a changelog, whose retractions cannot be aggregated in partial windows";
    }
    if (stateful.size() > 1) {
      return "two-phase aggregation needs the window aggregate to be the only stateful step";
    }
    for (AggCall call : w.aggregates()) {
      if (call.distinct()) {
        return "aggregate " + call.name() + " is COUNT(DISTINCT), which partial windows cannot combine "
            + "without keeping every distinct value on every worker, so it is not aggregated two-phase";
      }
    }
    for (PlanNode n = root; n != node; n = n.inputs().get(0)) {
      if (!(n instanceof PlanNode.Project || n instanceof PlanNode.Filter || n instanceof PlanNode.LookupJoin)) {
        return "two-phase aggregation needs only filters, projections and lookup joins after the window "
            + "aggregate, not " + n.describe();
      }
    }
    return null;
  }

  /** Whether the pipeline may run on several workers. */
  public boolean parallelizable() {
    return serialReason == null;
  }

  /** Why the pipeline must run on one worker; empty if it is parallelizable. */
  public Optional<String> serialReason() {
    return Optional.ofNullable(serialReason);
  }

  /**
   * Per source, the column indices (into the source's schema, in key order) to hash rows by. A
   * source without an entry feeds no state: its batches may go to any worker. Empty for a stateless
   * pipeline, and for one that is not {@link #parallelizable()}. Arrays are fresh copies.
   */
  public Map<String, int[]> keys() {
    Map<String, int[]> copy = new LinkedHashMap<>();
    keys.forEach((source, columns) -> copy.put(source, columns.stream().mapToInt(Integer::intValue).toArray()));
    return copy;
  }

  /**
   * A changelog source whose rows reach the output through stateless steps only, or null. Stateless
   * workers take batches in turn, which would reorder a row's changes; a keyed step instead keeps
   * every change of a key on one worker.
   */
  private static String changelogToOutput(PlanNode node) {
    if (node instanceof PlanNode.Scan s) {
      return s.changelog() ? s.source() : null;
    }
    if (node instanceof PlanNode.WindowAggregate || node instanceof PlanNode.SessionAggregate
        || node instanceof PlanNode.GroupAggregate) {
      return null;
    }
    for (PlanNode input : node.inputs()) {
      String source = changelogToOutput(input);
      if (source != null) {
        return source;
      }
    }
    return null;
  }

  private static void collectStateful(PlanNode node, List<PlanNode> out) {
    if (node instanceof PlanNode.WindowAggregate || node instanceof PlanNode.SessionAggregate
        || node instanceof PlanNode.GroupAggregate) {
      out.add(node);
    }
    for (PlanNode input : node.inputs()) {
      collectStateful(input, out);
    }
  }

  /**
   * The source column(s) output {@code column} of {@code node} is a plain copy of, per source, or
   * null if it is computed, a window bound, a lookup column, or differs between two reads of one source.
   */
  private static Map<String, Integer> trace(PlanNode node, int column) {
    if (node instanceof PlanNode.Scan s) {
      Map<String, Integer> m = new HashMap<>();
      m.put(s.source(), column);
      return m;
    }
    if (node instanceof PlanNode.Filter f) {
      return trace(f.input(), column);
    }
    if (node instanceof PlanNode.Project p) {
      return p.expressions().get(column) instanceof Expr.ColumnRef ref ? trace(p.input(), ref.index()) : null;
    }
    if (node instanceof PlanNode.WindowAssign w) {
      return column < w.input().schema().getFields().size() ? trace(w.input(), column) : null;
    }
    if (node instanceof PlanNode.LookupJoin j) {
      return column < j.input().schema().getFields().size() ? trace(j.input(), column) : null;
    }
    if (node instanceof PlanNode.WindowAggregate a) {
      return column < a.groupKeys().size() ? trace(a.input(), a.groupKeys().get(column)) : null;
    }
    if (node instanceof PlanNode.GroupAggregate a) {
      return column < a.groupKeys().size() ? trace(a.input(), a.groupKeys().get(column)) : null;
    }
    if (node instanceof PlanNode.SessionAggregate s) {
      if (column >= s.groupKeys().size()) {
        return null;
      }
      int key = s.groupKeys().get(column);
      return key < s.input().schema().getFields().size() ? trace(s.input(), key) : null;
    }
    if (node instanceof PlanNode.Union u) {
      Map<String, Integer> merged = new HashMap<>();
      for (PlanNode input : u.inputs()) {
        Map<String, Integer> m = trace(input, column);
        if (m == null) {
          return null;
        }
        for (Map.Entry<String, Integer> e : m.entrySet()) {
          Integer before = merged.putIfAbsent(e.getKey(), e.getValue());
          if (before != null && !before.equals(e.getValue())) {
            return null;
          }
        }
      }
      return merged;
    }
    return null;
  }
}
