package io.laminar.engine;

import io.laminar.api.Sink;
import io.laminar.api.Source;
import io.laminar.plan.CompiledPipeline;
import io.laminar.runtime.ExecutorMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The unit of restart: pipelines together with the sources they read, closed under sharing (two
 * pipelines that read one source are in one region, since re-reading that source from a checkpoint
 * for one of them would repeat rows for the other). Most regions are one pipeline. A region fails,
 * stops and restarts as a whole while the others keep running; each start is a {@link Run} with
 * new source and sink instances, runners and threads.
 *
 * <p>Status fields are volatile and written by the supervisor, so status views read them without a
 * lock.
 */
final class Region {
  /** Where a region is in its life. */
  enum State { CREATED, RUNNING, RESTARTING, FAILED, STOPPED }

  /**
   * One start of the region: what it opened and runs. {@code generation} tells a failure of this
   * start from a late report of an earlier one.
   */
  static final class Run {
    final int generation;
    final List<ConnectorInstance<Source>> sourceInstances = new CopyOnWriteArrayList<>();
    final List<ConnectorInstance<Sink>> sinks = new CopyOnWriteArrayList<>();
    final List<SourceRunner> sources = new CopyOnWriteArrayList<>();
    /** Runners whose reader was closed (or is being), so none is closed twice. */
    final java.util.Set<SourceRunner> readerClosed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final List<PipelineRunner> workers = new CopyOnWriteArrayList<>();
    final List<PipelineGroup> groups = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** The checkpoint this run was restored from (0: none). */
    volatile long restoredFrom;

    Run(int generation) {
      this.generation = generation;
    }
  }

  private final String name;
  private final List<CompiledPipeline> pipelines;
  private final Set<String> sources;
  private final RestartPolicy policy;
  private volatile State state = State.CREATED;
  private volatile Run run;
  private volatile String lastError;
  private volatile Failure lastFailure;
  private final LongAdder restarts = new LongAdder();
  /** Counters of earlier runs' executors, so that totals never go down across restarts. */
  private final Map<String, long[]> retired = new LinkedHashMap<>();
  /** Lookup cache counts (hits, misses, evictions) of earlier runs' executors, by pipeline and lookup. */
  private final Map<String, Map<String, long[]>> retiredLookups = new LinkedHashMap<>();
  // supervisor thread only
  int attemptsInRow;
  long healthySinceNanos;

  Region(List<CompiledPipeline> pipelines, RestartPolicy policy) {
    this.pipelines = List.copyOf(pipelines);
    Set<String> s = new LinkedHashSet<>();
    pipelines.forEach(p -> s.addAll(p.sources()));
    this.sources = Set.copyOf(s);
    this.policy = policy;
    List<String> names = pipelines.stream().map(p -> "'" + p.name() + "'").toList();
    this.name = (names.size() == 1 ? "pipeline " : "pipelines ") + String.join(", ", names);
  }

  /**
   * Groups pipelines into regions: pipelines that read a common source share one (union-find over
   * sources). {@code policies} gives each pipeline's restart policy; a region of several pipelines
   * follows its first pipeline's.
   */
  static List<Region> of(List<CompiledPipeline> pipelines, java.util.function.Function<String, RestartPolicy> policies) {
    List<List<CompiledPipeline>> groups = new ArrayList<>();
    for (CompiledPipeline p : pipelines) {
      List<CompiledPipeline> merged = new ArrayList<>();
      merged.add(p);
      for (var it = groups.iterator(); it.hasNext();) {
        List<CompiledPipeline> g = it.next();
        boolean shares = g.stream().anyMatch(q -> q.sources().stream().anyMatch(p.sources()::contains));
        if (shares) {
          merged.addAll(0, g);
          it.remove();
        }
      }
      groups.add(merged);
    }
    List<String> order = pipelines.stream().map(CompiledPipeline::name).toList();
    groups.forEach(g -> g.sort(java.util.Comparator.comparingInt(p -> order.indexOf(p.name()))));
    groups.sort(java.util.Comparator.comparingInt(g -> order.indexOf(g.get(0).name())));
    return groups.stream().map(g -> new Region(g, policies.apply(g.get(0).name()))).toList();
  }

  /** "pipeline 'a'" or "pipelines 'a', 'b'", for messages. */
  String name() {
    return name;
  }

  List<CompiledPipeline> pipelines() {
    return pipelines;
  }

  /** The sources this region's pipelines read. */
  Set<String> sources() {
    return sources;
  }

  boolean contains(String pipeline) {
    return pipelines.stream().anyMatch(p -> p.name().equals(pipeline));
  }

  RestartPolicy policy() {
    return policy;
  }

  State state() {
    return state;
  }

  void state(State s) {
    state = s;
  }

  /** The current run (null before the first start). */
  Run run() {
    return run;
  }

  void run(Run r) {
    run = r;
  }

  /** The last failure's message, if the region ever failed. */
  String lastError() {
    return lastError;
  }

  Failure lastFailure() {
    return lastFailure;
  }

  void failedWith(Failure f) {
    lastFailure = f;
    lastError = f.message();
  }

  long restarts() {
    return restarts.sum();
  }

  void countRestart() {
    restarts.increment();
  }

  /** Whether the current run's workers all ended with their input (a bounded run is done). */
  boolean finished() {
    Run r = run;
    return state == State.RUNNING && r != null && !r.workers.isEmpty()
        && r.workers.stream().allMatch(PipelineRunner::finished);
  }

  /** Keeps the counters of a run's executors before they are replaced. */
  synchronized void retire(Run r) {
    for (PipelineRunner w : r.workers) {
      ExecutorMetrics m = w.executor().metrics();
      long[] t = retired.computeIfAbsent(w.name(), k -> new long[6]);
      t[0] += m.rowsIn();
      t[1] += m.rowsOut();
      t[2] += m.lateRowsDropped();
      t[3] += m.expiredGroups();
      t[4] += m.ignoredRetractions();
      t[5] += m.rowErrors();
      m.lookupCaches().forEach((lookup, c) -> {
        long[] l = retiredLookups.computeIfAbsent(w.name(), k -> new LinkedHashMap<>())
            .computeIfAbsent(lookup, k -> new long[3]);
        l[0] += c.hits();
        l[1] += c.misses();
        l[2] += c.evictions();
      });
    }
  }

  /** Lookup cache count {@code index} (hits, misses, evictions) of earlier runs of {@code pipeline}. */
  synchronized long retiredLookup(String pipeline, String lookup, int index) {
    long[] l = retiredLookups.getOrDefault(pipeline, Map.of()).get(lookup);
    return l == null ? 0 : l[index];
  }

  /** Counter {@code index} (rows in, rows out, late, expired, ignored, row errors) of earlier runs of {@code pipeline}. */
  synchronized long retired(String pipeline, int index) {
    long[] t = retired.get(pipeline);
    return t == null ? 0 : t[index];
  }
}
