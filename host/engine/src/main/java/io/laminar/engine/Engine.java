package io.laminar.engine;

import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import io.laminar.api.Sink;
import io.laminar.api.Source;
import io.laminar.config.PipelineConfig;
import io.laminar.plan.CompiledPipeline;
import io.laminar.runtime.ExecutorMetrics;
import io.laminar.runtime.KeyGroups;
import io.laminar.runtime.WindowMerger;
import io.laminar.state.CheckpointException;
import io.laminar.state.CheckpointStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running engine: its pipelines in {@link Region}s (pipelines with the sources they read), each
 * run by one thread per source polling its connector and one thread per pipeline worker running
 * its executor and writing its sinks, joined by bounded queues. A region that fails is stopped and
 * restarted by the {@link Supervisor} from the last checkpoint while the others keep running. The
 * engine ends when every pipeline has processed all its input (bounded sources), when
 * {@link #shutdown} is called, or when it fails as a whole.
 *
 * <p>Status views ({@link #pipelines()}, {@link #components()}, {@link #ready()}) read volatile
 * fields only, so an HTTP request never waits for a start, a restart or a cleanup.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  /** How long stopping a failed region waits for its threads before abandoning them. */
  private static final Duration REGION_STOP_WAIT = Duration.ofSeconds(10);
  /** How long past the deadline a second caller of the cleanup waits for the first to finish. */
  private static final long RELEASE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** Lifecycle states, as the HTTP API reports them. */
  public enum State { CREATED, RUNNING, STOPPING, COMPLETED, STOPPED, FAILED }

  /**
   * How a run ended.
   *
   * @param state COMPLETED, STOPPED, FAILED, or STOPPING when a shutdown ran out of time
   * @param failure why the engine failed (null unless FAILED)
   * @param stuck threads and connector calls still busy when the engine gave up waiting
   */
  public record Outcome(State state, String failure, List<String> stuck) {
  }

  /** {@link #checkpointNow()} was called while another checkpoint was in progress. */
  public static final class CheckpointInProgress extends Exception {
    private static final long serialVersionUID = 1L;

    /** The refusal, with the message the API shows. */
    public CheckpointInProgress() {
      super("a checkpoint is already in progress; try again when it is done");
    }
  }

  private final EngineBuilder builder;
  private final BufferAllocator allocator;
  private final EngineMetrics metrics;
  private final EngineOptions options;
  private final Object lifecycle = new Object();
  private volatile List<Region> regions = List.of();
  private final Map<String, LookupSource> lookups = new HashMap<>();
  private final List<Thread> abandoned = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final BoundedCalls calls = new BoundedCalls();
  private volatile State state = State.CREATED;
  private volatile boolean released;
  private final CountDownLatch releaseDone = new CountDownLatch(1);
  /** Set by {@link #shutdown}: every cleanup, whoever runs it, ends by then. */
  private volatile long shutdownDeadline = Long.MAX_VALUE;
  private volatile BufferAllocator routingAllocator;
  private volatile CheckpointCoordinator checkpoints;
  private volatile CheckpointStore store;
  private ScheduledExecutorService scheduler;
  /** The periodic checkpoint schedule (null without one); its delay is when the next is due. */
  private volatile java.util.concurrent.ScheduledFuture<?> periodic;
  private Supervisor supervisor;

  /** Wraps a builder whose {@link EngineBuilder#construct()} succeeded. */
  public Engine(EngineBuilder builder, BufferAllocator allocator, EngineMetrics metrics) {
    this(builder, allocator, metrics, EngineOptions.defaults());
  }

  /** As above, with run-time options. */
  public Engine(EngineBuilder builder, BufferAllocator allocator, EngineMetrics metrics, EngineOptions options) {
    if (!builder.construct().ok()) {
      throw new IllegalStateException("engine construction reported errors; nothing to start");
    }
    this.builder = builder;
    this.allocator = allocator;
    this.metrics = metrics;
    this.options = options;
  }

  /** The current state. */
  public State state() {
    return state;
  }

  // ---------------------------------------------------------------- status views (lock-free)

  private Region regionOf(String pipeline) {
    for (Region r : regions) {
      if (r.contains(pipeline)) {
        return r;
      }
    }
    return null;
  }

  private static PipelineGroup groupOf(Region r, String pipeline) {
    Region.Run run = r == null ? null : r.run();
    if (run == null) {
      return null;
    }
    return run.groups.stream().filter(g -> g.name().equals(pipeline)).findFirst().orElse(null);
  }

  /** Every source, lookup, pipeline and sink with its state. */
  public List<ComponentStatus> components() {
    List<ComponentStatus> out = new ArrayList<>();
    State engineState = state;
    String base = engineState == State.RUNNING ? "RUNNING" : engineState == State.CREATED ? "CREATED"
        : engineState == State.FAILED ? "FAILED" : engineState == State.COMPLETED ? "FINISHED" : "STOPPED";
    List<PipelineStatus> pipelines = pipelines();
    for (ConnectorInstance<Source> s : builder.sources().values()) {
      String st = engineState == State.CREATED ? "CREATED" : "STOPPED";
      for (Region r : regions) {
        if (r.sources().contains(s.name())) {
          Region.Run run = r.run();
          SourceRunner runner = run == null ? null
              : run.sources.stream().filter(x -> x.name().equals(s.name())).findFirst().orElse(null);
          st = r.state() == Region.State.RESTARTING ? "RESTARTING" : r.state() == Region.State.FAILED ? "FAILED"
              : runner == null ? st : runner.state(base);
        }
      }
      out.add(new ComponentStatus("source", s.name(), s.connector().type(), st));
    }
    for (ConnectorInstance<LookupSource> l : builder.lookups().values()) {
      out.add(new ComponentStatus("lookup", l.name(), l.connector().type(), base.equals("FINISHED") ? "STOPPED" : base));
    }
    for (PipelineStatus p : pipelines) {
      out.add(new ComponentStatus("pipeline", p.name(), "", p.state()));
      for (ConnectorInstance<Sink> s : builder.sinks().getOrDefault(p.name(), List.of())) {
        out.add(new ComponentStatus("sink", s.name(), s.connector().type(), p.state()));
      }
    }
    return out;
  }

  /**
   * The last checkpoint, the last failed one, the one in progress and when the next periodic one is
   * due. Before {@link #start()} everything is empty.
   */
  public CheckpointStatus checkpointStatus() {
    CheckpointCoordinator c = checkpoints;
    java.util.concurrent.ScheduledFuture<?> schedule = periodic;
    Duration interval = builder.config().checkpoint() == null ? null : builder.config().checkpoint().interval();
    Long intervalMs = interval == null || interval.isZero() || interval.isNegative() ? null : interval.toMillis();
    Long next = null;
    if (schedule != null && !schedule.isDone() && state == State.RUNNING && c != null && !c.inputCompleted()) {
      // while one runs the delay is negative: the next is then due when it ends plus the interval
      long delay = schedule.getDelay(TimeUnit.MILLISECONDS);
      next = System.currentTimeMillis() + (delay >= 0 ? delay : intervalMs);
    }
    return c == null ? new CheckpointStatus(null, null, 0, 0, 0, intervalMs, next)
        : new CheckpointStatus(c.lastCompleted(), c.lastFailure(), c.completedCount(), c.failedCount(), c.inProgress(),
            intervalMs, next);
  }

  /** Every lookup join's host-side cache, per pipeline, in config order (workers and earlier runs added up). */
  public List<LookupCacheStatus> lookupCaches() {
    List<LookupCacheStatus> out = new ArrayList<>();
    for (CompiledPipeline p : builder.pipelines().values()) {
      Region r = regionOf(p.name());
      PipelineGroup g = groupOf(r, p.name());
      List<ExecutorMetrics> m = g == null ? List.of() : g.workers().stream().map(w -> w.executor().metrics()).toList();
      for (String lookup : new java.util.TreeSet<>(p.lookups())) {
        out.add(new LookupCacheStatus(lookup, p.name(), lookupCount(r, p.name(), lookup, m, 0),
            lookupCount(r, p.name(), lookup, m, 1), lookupCount(r, p.name(), lookup, m, 2)));
      }
    }
    return out;
  }

  /** Count {@code index} (hits, misses, evictions) of a lookup's caches in a pipeline's workers, and earlier runs'. */
  private static long lookupCount(Region r, String pipeline, String lookup, List<ExecutorMetrics> workers, int index) {
    long sum = r == null ? 0 : r.retiredLookup(pipeline, lookup, index);
    for (ExecutorMetrics w : workers) {
      ExecutorMetrics.LookupCacheCounts c = w.lookupCaches().get(lookup);
      if (c != null) {
        sum += index == 0 ? c.hits() : index == 1 ? c.misses() : c.evictions();
      }
    }
    return sum;
  }

  /** The counters of each worker of {@code pipeline} (lookup calls and cache hits are only here). */
  List<ExecutorMetrics> workerMetrics(String pipeline) {
    PipelineGroup g = groupOf(regionOf(pipeline), pipeline);
    return g == null ? List.of() : g.workers().stream().map(w -> w.executor().metrics()).toList();
  }

  /** Every pipeline's live status, in config order. */
  public List<PipelineStatus> pipelines() {
    List<PipelineStatus> out = new ArrayList<>();
    State engineState = state;
    for (CompiledPipeline p : builder.pipelines().values()) {
      Region r = regionOf(p.name());
      PipelineGroup g = groupOf(r, p.name());
      List<String> sinkNames = builder.sinks().getOrDefault(p.name(), List.of()).stream()
          .map(ConnectorInstance::name).toList();
      String st;
      if (r == null || engineState == State.CREATED) {
        st = engineState == State.CREATED ? "CREATED" : "STOPPED";
      } else if (r.state() == Region.State.RESTARTING) {
        st = "RESTARTING";
      } else if (r.state() == Region.State.FAILED) {
        st = "FAILED";
      } else if (r.state() == Region.State.STOPPED || g == null) {
        st = "STOPPED";
      } else if (g.workers().stream().anyMatch(PipelineRunner::failed)) {
        st = engineState == State.RUNNING ? "RESTARTING" : "FAILED";
      } else if (g.workers().stream().allMatch(PipelineRunner::finished)) {
        st = engineState == State.COMPLETED || g.workers().stream().allMatch(PipelineRunner::completedInput)
            ? "FINISHED" : "STOPPED";
      } else {
        st = engineState == State.RUNNING ? "RUNNING" : engineState == State.FAILED ? "FAILED" : "STOPPING";
      }
      List<ExecutorMetrics> m = g == null ? List.of() : g.workers().stream().map(w -> w.executor().metrics()).toList();
      out.add(new PipelineStatus(p.name(), st, p.sql(), p.sources(), p.lookups(), sinkNames,
          retired(r, p.name(), 0) + m.stream().mapToLong(ExecutorMetrics::rowsIn).sum(),
          retired(r, p.name(), 1) + m.stream().mapToLong(ExecutorMetrics::rowsOut).sum(),
          retired(r, p.name(), 2) + m.stream().mapToLong(ExecutorMetrics::lateRowsDropped).sum(),
          PipelineStatus.lateRowsBySource(m), watermark(m), explain(p, g), r == null ? 0 : r.restarts(),
          r == null ? null : r.lastError(), onError(p.name()).label(),
          retired(r, p.name(), 5) + m.stream().mapToLong(ExecutorMetrics::rowErrors).sum()));
    }
    return out;
  }

  /** The plan, and for a pipeline running two-phase on several workers how many. */
  private static String explain(CompiledPipeline p, PipelineGroup g) {
    String plan = p.explain();
    return g == null || g.merger() == null ? plan
        : plan + "running two-phase on " + g.workers().size() + " workers\n";
  }

  private static long retired(Region r, String pipeline, int index) {
    return r == null ? 0 : r.retired(pipeline, index);
  }

  /**
   * The components still busy: threads that have not ended, connector calls that did not return in
   * time, and the call the checkpoint coordinator is waiting on. Used to name what blocks a shutdown.
   */
  public List<String> busyComponents() {
    List<String> busy = new ArrayList<>();
    CheckpointCoordinator c = checkpoints;
    if (c != null) {
      c.activity().ifPresent(busy::add);
    }
    for (String call : calls.stuck()) {
      if (!busy.contains(call)) {
        busy.add(call);
      }
    }
    builder.closing().ifPresent(busy::add);
    for (Thread t : allThreads()) {
      if (t.isAlive()) {
        busy.add(t.getName());
      }
    }
    return busy;
  }

  private List<Thread> allThreads() {
    List<Thread> all = new ArrayList<>(abandoned);
    for (Region r : regions) {
      Region.Run run = r.run();
      if (run != null) {
        all.addAll(run.threads);
      }
    }
    return all;
  }

  /** True while running with every component running (or finished with bounded input); false while one restarts. */
  public boolean ready() {
    return state == State.RUNNING && components().stream().allMatch(ComponentStatus::ready);
  }

  /** The builder this engine runs (config, connectors, compiled pipelines). */
  public EngineBuilder builder() {
    return builder;
  }

  /** The metric store. */
  public EngineMetrics metrics() {
    return metrics;
  }

  // ---------------------------------------------------------------- start

  /**
   * Recovers from the latest valid checkpoint, opens lookups, sinks and sources, builds and restores
   * every pipeline's executor and starts the threads and the checkpoint schedule. Anything that fails
   * stops the start; what was opened is closed again.
   */
  public void start() throws StartFailure {
    long t0 = System.nanoTime();
    synchronized (lifecycle) {
      try {
        startOrThrow();
      } catch (StartFailure e) {
        for (Region r : regions) {
          if (r.run() != null) {
            r.run().workers.forEach(PipelineRunner::closeExecutor);
          }
        }
        releaseResources(Long.MAX_VALUE);
        state = State.FAILED;
        throw e;
      }
    }
    int workers = regions.stream().mapToInt(r -> r.run().workers.size()).sum();
    LOG.info("engine started: {} sources, {} lookups, {} pipelines on {} workers in {} restart regions, {} sinks in {} ms",
        regions.stream().mapToLong(r -> r.run().sourceInstances.size()).sum(), builder.lookups().size(),
        builder.pipelines().size(), workers, regions.size(),
        builder.sinks().values().stream().mapToInt(List::size).sum(), (System.nanoTime() - t0) / 1_000_000);
  }

  private void startOrThrow() throws StartFailure {
    var cpConfig = builder.config().checkpoint();
    Map<String, SourceIdentity> identities = new java.util.TreeMap<>();
    for (CompiledPipeline p : builder.pipelines().values()) {
      for (String source : p.sources()) {
        identities.computeIfAbsent(source, k -> SourceIdentity.of(builder.sources().get(k)));
      }
    }
    RecoveryPlanner recovery;
    try {
      store = new CheckpointStore(cpConfig.dir(), cpConfig.retain(), builder.config().canonicalHash());
      LOG.info("checkpoints in {}", store.directory());
      recovery = RecoveryPlanner.plan(store.recover(), options, identities, builder.sources().keySet());
    } catch (CheckpointException e) {
      throw new StartFailure(new ServerError(ServerError.Kind.RUNTIME, "cannot use the checkpoint directory: "
          + e.getMessage(), Optional.empty()), e);
    }
    for (ConnectorInstance<LookupSource> l : builder.lookups().values()) {
      opening(l, () -> l.instance().open());
      lookups.put(l.name(), l.instance());
    }
    regions = List.copyOf(Region.of(List.copyOf(builder.pipelines().values()), this::policyFor));
    routingAllocator = allocator.newChildAllocator("routing", 0, Long.MAX_VALUE);
    for (Region r : regions) {
      buildRun(r, recovery, true);
    }
    Map<String, String> metadata = new HashMap<>();
    identities.forEach((source, identity) -> metadata.put(SourceIdentity.metadataKey(source), identity.encode()));
    supervisor = new Supervisor(this, metrics, builder.config().server().exitOnPipelineFailure());
    checkpoints = new CheckpointCoordinator(store, regions, metadata, metrics, calls, supervisor::failed);
    state = State.RUNNING;
    long now = System.nanoTime();
    for (Region r : regions) {
      r.healthySinceNanos = now;
      r.state(Region.State.RUNNING);
      launch(r.run());
    }
    Duration interval = builder.config().checkpoint().interval();
    if (!interval.isZero() && !interval.isNegative()) {
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "laminar-checkpoints");
        t.setDaemon(true);
        return t;
      });
      periodic = scheduler.scheduleWithFixedDelay(this::periodicCheckpoint, interval.toNanos(), interval.toNanos(),
          TimeUnit.NANOSECONDS);
      metrics.gauge("laminar_checkpoint_next_due_timestamp_seconds", Map.of(),
          "When the next periodic checkpoint is due (Unix time; absent when none will be taken)", () -> {
            Long next = checkpointStatus().nextDueAtMillis();
            return next == null ? Double.NaN : next / 1000.0;
          });
    }
    if (regions.isEmpty()) {
      finish(State.COMPLETED);
    }
  }

  /** A pipeline's own restart strategy, else {@code [server.restart]}. */
  private RestartPolicy policyFor(String pipeline) {
    return new RestartPolicy(builder.config().pipelines().stream().filter(c -> c.name().equals(pipeline))
        .findFirst().flatMap(PipelineConfig::restart).orElse(builder.config().server().restart()));
  }

  /**
   * Opens a region's sinks and sources (new instances unless {@code first}), builds and restores
   * its workers from {@code recovery}, and installs the run; threads are started by {@link #launch}.
   * On a failure what was opened stays in the run, for {@link #stopRun} to close.
   */
  private Region.Run buildRun(Region r, RecoveryPlanner recovery, boolean first) throws StartFailure {
    Region.Run previous = r.run();
    Region.Run run = new Region.Run(previous == null ? 1 : previous.generation + 1);
    run.restoredFrom = recovery.restoredFrom();
    r.run(run);
    for (CompiledPipeline p : r.pipelines()) {
      for (ConnectorInstance<Sink> current : List.copyOf(builder.sinks().getOrDefault(p.name(), List.of()))) {
        ConnectorInstance<Sink> s = first ? current : recreate(current);
        run.sinks.add(s);
        long epoch = recovery.sinkEpoch(p.name());
        opening(s, () -> s.instance().open(epoch));
      }
    }
    Map<String, List<PipelineGroup>> readers = new HashMap<>();
    for (CompiledPipeline p : r.pipelines()) {
      int workers = workersFor(p);
      List<ConnectorInstance<Sink>> sinks = run.sinks.stream()
          .filter(s -> builder.sinks().getOrDefault(p.name(), List.of()).contains(s)).toList();
      List<PipelineRunner> runners = new ArrayList<>();
      // two-phase window aggregation: one merger per run, shared by the workers' window aggregates
      WindowMerger merger = workers > 1 && p.twoPhase() ? new WindowMerger(workers) : null;
      for (int w = 0; w < workers; w++) {
        PipelineRunner runner = new PipelineRunner(p, w, workers, allocator, lookups, builder.lookupCaches(), sinks,
            this, merger);
        run.workers.add(runner);
        if (!recovery.restorePipeline(runner)) {
          run.workers.remove(runner);
          runner.closeExecutor();
          runner = new PipelineRunner(p, w, workers, allocator, lookups, builder.lookupCaches(), sinks, this,
              merger);
          run.workers.add(runner);
        }
        runners.add(runner);
      }
      PipelineGroup group = new PipelineGroup(p, runners, merger);
      run.groups.add(group);
      registerPipelineMetrics(r, group);
      for (String source : p.sources()) {
        readers.computeIfAbsent(source, k -> new ArrayList<>()).add(group);
      }
    }
    for (ConnectorInstance<Source> current : List.copyOf(builder.sources().values())) {
      List<PipelineGroup> consumers = readers.getOrDefault(current.name(), List.of());
      if (consumers.isEmpty()) {
        continue; // read by another region, or unused (warned about at validation and never polled)
      }
      ConnectorInstance<Source> s = first ? current : recreate(current);
      run.sourceInstances.add(s);
      List<String> listed = listSplits(s);
      Map<String, byte[]> restored = remapOffsets(s, SplitOffsets.decode(recovery.offsets(s.name())), listed);
      // A source read by one stateless pipeline of several workers that reads nothing else, with a
      // split for every worker: each worker reads its own splits on its own thread and runs the
      // pipeline there (no queue). Otherwise readers feed the workers' queues — also for a pipeline
      // of one worker, whose reader and worker then use two cores instead of one.
      PipelineGroup only = consumers.size() == 1 ? consumers.get(0) : null;
      // A two-phase window aggregation runs inline too: its watermark is combined by its merger.
      boolean inline = only != null && only.pipeline().sources().size() == 1
          && (only.stateless() || only.merger() != null)
          && only.workers().size() > 1 && listed.size() >= only.workers().size();
      if (inline && only.merger() != null) {
        only.merger().inlineWorkers();
      }
      // A keyed pipeline over several splits gets a reader per worker too (each routes its batches by
      // key into every worker's queue), so reading and routing are not one thread's work.
      int readerCount = inline ? only.workers().size()
          : only != null ? Math.max(1, Math.min(listed.size(), only.workers().size())) : 1;
      List<Map<String, byte[]>> slots = SourceSplits.assign(s.name(), listed, restored, readerCount);
      if (!inline && readerCount > 1) {
        announceAll(consumers, s, listed);
      }
      SourceSplits splits = new SourceSplits(s.name(), s.instance(), slots, builder.processingClock());
      for (int i = 0; i < readerCount; i++) {
        Map<String, byte[]> slot = slots.get(i);
        io.laminar.api.SplitReader[] reader = new io.laminar.api.SplitReader[1];
        opening(s, () -> reader[0] = s.instance().createReader(slot));
        PipelineRunner worker = null;
        if (inline) {
          worker = only.workers().get(i);
          worker.inline();
        }
        run.sources.add(new SourceRunner(s, i, reader[0], List.copyOf(slot.keySet()), splits, consumers, worker, this,
            metrics, routingAllocator));
      }
    }
    return run;
  }

  /**
   * Several readers feed the same workers: every worker learns all the source's splits before any
   * reader thread starts, so a split whose reader starts late still holds the watermark from the
   * first row of another reader (each reader announcing only its own, a quick one could move the
   * watermark past a slow one's rows). Each reader announces its own again; adding is idempotent.
   */
  private static void announceAll(List<PipelineGroup> consumers, ConnectorInstance<Source> source,
      List<String> splits) throws StartFailure {
    try {
      for (PipelineGroup p : consumers) {
        p.splits(source.name(), splits); // the queues are empty: no wait
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartFailure(ServerError.at(ServerError.Kind.RUNTIME, source.position(), "interrupted while starting"
          + " source '" + source.name() + "'"), e);
    }
  }

  /** The source's splits as it lists them at the start; a failure fails the start as a failed open does. */
  private static List<String> listSplits(ConnectorInstance<Source> s) throws StartFailure {
    List<List<String>> listed = new ArrayList<>();
    opening(s, () -> listed.add(s.instance().splits()));
    List<String> splits = listed.get(0) == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(listed.get(0)));
    return splits;
  }

  /**
   * The checkpoint's offsets of {@code s} by the split ids it lists now: {@link Source#remapOffsets}
   * (called on every start, with no offsets on a fresh one) lets a source whose split ids changed —
   * a single-reader source that gained splits finds its old offsets under the default split — hand
   * them to its current splits. A failure fails the start as a failed open does.
   */
  private static Map<String, byte[]> remapOffsets(ConnectorInstance<Source> s, Map<String, byte[]> saved,
      List<String> listed) throws StartFailure {
    List<Map<String, byte[]>> mapped = new ArrayList<>();
    opening(s, () -> mapped.add(s.instance().remapOffsets(java.util.Collections.unmodifiableMap(saved), listed)));
    if (mapped.get(0) == null) {
      throw new StartFailure(ServerError.at(ServerError.Kind.RUNTIME, s.position(), s.connector().kind().label()
          + " '" + s.name() + "' (" + s.connector().type() + ") could not open: remapOffsets returned null"), null);
    }
    return mapped.get(0);
  }

  private <T> ConnectorInstance<T> recreate(ConnectorInstance<T> old) throws StartFailure {
    try {
      return builder.recreate(old);
    } catch (ConnectorException | RuntimeException e) {
      throw new StartFailure(ServerError.at(ServerError.Kind.RUNTIME, old.position(), old.connector().kind().label()
          + " '" + old.name() + "' (" + old.connector().type() + ") could not be created again: " + e.getMessage()), e);
    }
  }

  private void launch(Region.Run run) {
    for (PipelineRunner p : run.workers) {
      if (!p.isInline()) {
        Thread t = startThread("pipeline-" + p.workerName(), p);
        p.thread(t);
        run.threads.add(t);
      }
    }
    for (SourceRunner s : run.sources) {
      Thread t = newThread(s.threadName(), s);
      if (s.inlineWorker() != null) {
        s.inlineWorker().thread(t);
      }
      run.threads.add(t);
      t.start();
    }
  }

  /**
   * Starts a stopped region again from the newest checkpoint (called by the supervisor, while no
   * checkpoint runs). Returns the checkpoint id it restored (0: none).
   */
  long restartRun(Region r) throws StartFailure {
    return checkpoints.exclusive(() -> {
      RecoveryPlanner recovery;
      try {
        recovery = RecoveryPlanner.forRestart(store.latestValid());
      } catch (CheckpointException e) {
        throw new StartFailure(new ServerError(ServerError.Kind.RUNTIME, "cannot read the last checkpoint: "
            + e.getMessage(), Optional.empty()), e);
      }
      Region.Run run = buildRun(r, recovery, false);
      synchronized (lifecycle) {
        if (state != State.RUNNING) {
          throw new StartFailure(new ServerError(ServerError.Kind.RUNTIME, "the engine is stopping",
              Optional.empty()), null);
        }
        synchronized (r) {
          r.state(Region.State.RUNNING);
        }
        launch(run);
      }
      return run.restoredFrom;
    });
  }

  /**
   * Stops one run of a region: sources stop, threads are interrupted and joined (bounded), queued
   * batches are released, executors whose thread ended are closed, and its sources and sinks are
   * closed (each close bounded, never twice). Waits for a checkpoint in progress first, which does
   * not include a region that is no longer RUNNING but may still be using its connectors.
   */
  void stopRun(Region r, Region.Run run) {
    if (run == null) {
      return;
    }
    checkpoints.exclusive(() -> null);
    run.sources.forEach(SourceRunner::abandon);
    run.threads.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + REGION_STOP_WAIT.toNanos();
    for (Thread t : run.threads) {
      join(t, deadline);
    }
    for (Thread t : run.threads) {
      if (t.isAlive()) {
        LOG.warn("{}: thread {} did not stop; abandoned", r.name(), t.getName());
        abandoned.add(t);
      }
    }
    synchronized (this) { // as release(): the engine's final cleanup may run at the same time
      if (released) {
        return; // the engine's release closes what is left
      }
      closeRun(r, run);
    }
  }

  private void closeRun(Region r, Region.Run run) {
    for (PipelineRunner w : run.workers) {
      w.drainQueue();
    }
    r.retire(run);
    for (PipelineRunner w : run.workers) {
      Thread t = w.thread();
      if (t == null || !t.isAlive()) {
        w.closeExecutor();
      }
    }
    closeReaders(run);
    for (ConnectorInstance<Source> s : run.sourceInstances) {
      builder.close(s, REGION_STOP_WAIT);
    }
    for (ConnectorInstance<Sink> s : run.sinks) {
      builder.close(s, REGION_STOP_WAIT);
    }
  }

  /**
   * Closes a run's split readers (each once, before their sources are closed). A reader whose thread
   * is still alive is left open: that thread may still use it, and its source's close releases it.
   */
  private static void closeReaders(Region.Run run) {
    for (SourceRunner s : run.sources) {
      if (!run.readerClosed.add(s)) {
        continue;
      }
      Thread t = run.threads.stream().filter(x -> x.getName().equals(s.threadName())).findFirst().orElse(null);
      if (t != null && t.isAlive()) {
        continue;
      }
      try {
        s.reader().close();
      } catch (Exception e) {
        LOG.warn("source '{}': closing its split reader failed: {}", s.name(), e.getMessage());
      }
    }
  }

  /**
   * A pipeline runs on {@code parallelism} (default: {@code [server] workers}) threads when its
   * state can be split by key; otherwise on one.
   */
  private int workersFor(CompiledPipeline p) {
    int wanted = builder.config().pipelines().stream().filter(c -> c.name().equals(p.name())).findFirst()
        .flatMap(c -> c.parallelism()).orElse(builder.config().server().workers());
    if (wanted > 1 && !p.parallelizable()) {
      LOG.info("pipeline '{}' runs on one worker: {}", p.name(),
          p.partitioning().serialReason().orElse("its state cannot be split by key"));
      return 1;
    }
    if (wanted > 1 && p.twoPhase()) {
      LOG.info("pipeline '{}' runs two-phase on {} workers: each aggregates its rows into partial windows, "
          + "merged per window once every worker's watermark has passed it", p.name(), wanted);
    }
    if (wanted > KeyGroups.COUNT && !p.partitionKeys().isEmpty()) {
      // a worker beyond the key groups would own no key and receive no row
      LOG.info("pipeline '{}' runs on {} workers, one per key group of its keyed state, not {}", p.name(),
          KeyGroups.COUNT, wanted);
      return KeyGroups.COUNT;
    }
    return Math.max(1, wanted);
  }

  // ---------------------------------------------------------------- checkpoints

  private void periodicCheckpoint() {
    if (state != State.RUNNING) {
      return;
    }
    try {
      checkpoints.checkpointIf(() -> state == State.RUNNING, System.nanoTime() + options.checkpointTimeout().toNanos());
    } catch (CheckpointCoordinator.CheckpointFailure e) {
      // logged by the coordinator; the previous checkpoint stays the recovery point
    }
  }

  /**
   * Takes a checkpoint now (the HTTP API's POST /api/v1/checkpoint).
   *
   * @throws IllegalStateException when the engine is not running
   * @throws CheckpointInProgress when another checkpoint is in progress (it is not waited for)
   * @throws Exception when the checkpoint failed (the message says why)
   */
  public CheckpointResult checkpointNow() throws Exception {
    CheckpointCoordinator c = checkpoints;
    if (state != State.RUNNING || c == null) {
      throw new IllegalStateException("the engine is " + state.name().toLowerCase(java.util.Locale.ROOT)
          + "; checkpoints are taken only while it runs");
    }
    try {
      return c.checkpointUnlessBusy(System.nanoTime() + options.checkpointTimeout().toNanos());
    } catch (CheckpointCoordinator.Busy e) {
      throw new CheckpointInProgress();
    }
  }

  private void registerPipelineMetrics(Region r, PipelineGroup group) {
    String name = group.name();
    Map<String, String> tags = Map.of("pipeline", name);
    List<ExecutorMetrics> m = group.workers().stream().map(w -> w.executor().metrics()).toList();
    metrics.functionCounter("laminar_pipeline_rows_in_total", tags, "Rows fed into the pipeline",
        () -> r.retired(name, 0) + m.stream().mapToLong(ExecutorMetrics::rowsIn).sum());
    metrics.functionCounter("laminar_pipeline_rows_out_total", tags, "Rows the pipeline emitted",
        () -> r.retired(name, 1) + m.stream().mapToLong(ExecutorMetrics::rowsOut).sum());
    metrics.functionCounter("laminar_pipeline_late_rows_dropped_total", tags,
        "Rows dropped because their window had already been emitted",
        () -> r.retired(name, 2) + m.stream().mapToLong(ExecutorMetrics::lateRowsDropped).sum());
    metrics.gauge("laminar_pipeline_watermark_milliseconds", tags,
        "Current event-time watermark (epoch ms; absent before the first event)", () -> {
          long w = watermark(m);
          return w == Long.MIN_VALUE || w == Long.MAX_VALUE ? Double.NaN : w;
        });
    metrics.gauge("laminar_pipeline_workers", tags, "Worker threads running the pipeline", () -> m.size());
    for (String lookup : builder.pipelines().get(name).lookups()) {
      Map<String, String> lookupTags = Map.of("lookup", lookup, "pipeline", name);
      metrics.functionCounter("laminar_lookup_cache_hits_total", lookupTags,
          "Distinct keys of a batch answered by the host-side lookup cache", () -> lookupCount(r, name, lookup, m, 0));
      metrics.functionCounter("laminar_lookup_cache_misses_total", lookupTags,
          "Distinct keys of a batch not in the host-side lookup cache, fetched from the lookup",
          () -> lookupCount(r, name, lookup, m, 1));
      metrics.functionCounter("laminar_lookup_cache_evictions_total", lookupTags,
          "Entries pushed out of the host-side lookup cache by its size limit", () -> lookupCount(r, name, lookup, m, 2));
    }
    metrics.functionCounter("laminar_pipeline_state_expired_groups_total", tags,
        "Groups of a GROUP BY without a window forgotten by state_ttl",
        () -> r.retired(name, 3) + m.stream().mapToLong(ExecutorMetrics::expiredGroups).sum());
    metrics.functionCounter("laminar_pipeline_ignored_retractions_total", tags,
        "Updates or deletes of rows a GROUP BY never saw (or forgot), ignored",
        () -> r.retired(name, 4) + m.stream().mapToLong(ExecutorMetrics::ignoredRetractions).sum());
    metrics.gauge("laminar_pipeline_restarting", tags, "1 while the pipeline is being restarted after a failure",
        () -> r.state() == Region.State.RESTARTING ? 1 : 0);
    metrics.gauge("laminar_pipeline_failed", tags, "1 once the pipeline failed and is not restarted",
        () -> r.state() == Region.State.FAILED ? 1 : 0);
    if (onError(name) != io.laminar.config.RowErrorPolicy.FAIL) {
      metrics.functionCounter("laminar_row_errors_total",
          Map.of("pipeline", name, "action", onError(name).label()),
          "Rows whose expression failed, groups whose aggregate did not fit and rows a sink rejected, skipped or dead-lettered by the pipeline's on.error",
          () -> r.retired(name, 5) + m.stream().mapToLong(ExecutorMetrics::rowErrors).sum());
    }
  }

  /** A pipeline's {@code on.error}. */
  private io.laminar.config.RowErrorPolicy onError(String pipeline) {
    return builder.config().pipelines().stream().filter(c -> c.name().equals(pipeline)).findFirst()
        .map(c -> c.onError()).orElse(io.laminar.config.RowErrorPolicy.FAIL);
  }

  /** The slowest worker's watermark is the pipeline's. */
  private static long watermark(List<ExecutorMetrics> workers) {
    return workers.stream().mapToLong(ExecutorMetrics::watermark).min().orElse(Long.MIN_VALUE);
  }

  @FunctionalInterface
  private interface Opening {
    void open() throws ConnectorException;
  }

  private static void opening(ConnectorInstance<?> i, Opening open) throws StartFailure {
    try {
      open.open();
    } catch (ConnectorException | RuntimeException e) {
      boolean unreachable = e instanceof ConnectorException ce && ce.kind() == ConnectorException.Kind.CONNECTION_FAILED;
      throw new StartFailure(ServerError.at(unreachable ? ServerError.Kind.CONNECTION_FAILED : ServerError.Kind.RUNTIME,
          i.position(), i.connector().kind().label() + " '" + i.name() + "' (" + i.connector().type()
              + ") could not open: " + e.getMessage()), e);
    }
  }

  private static Thread startThread(String name, Runnable body) {
    Thread t = newThread(name, body);
    t.start();
    return t;
  }

  private static Thread newThread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  // ---------------------------------------------------------------- reports from threads

  private Region regionOf(Object runner) {
    for (Region r : regions) {
      Region.Run run = r.run();
      if (run != null && (run.workers.contains(runner) || run.sources.contains(runner))) {
        return r;
      }
    }
    return null;
  }

  void sourceDone(SourceRunner runner, Throwable error) {
    if (error != null) {
      Region r = regionOf(runner);
      if (r != null) {
        supervisor.failed(r, r.run(), Failure.of("source '" + runner.name() + "' failed: " + describe(error), error));
      }
    }
  }

  void pipelineDone(PipelineRunner runner, Throwable error) {
    Region r = regionOf(runner);
    if (r == null) {
      return; // a run that was already replaced
    }
    if (error != null) {
      // the region's name comes first in logs; name the pipeline only when the region has several
      String which = r.pipelines().size() > 1 ? "pipeline '" + runner.name() + "': " : "";
      supervisor.failed(r, r.run(), Failure.of(which + describe(runner.name(), error), error));
      return;
    }
    if (state == State.STOPPING) {
      checkEnd(); // takes no checkpoint while stopping
    } else {
      supervisor.submit(this::checkEnd); // may take the final checkpoint: not on a worker thread
    }
  }

  /**
   * Ends the engine when nothing is left to run: while stopping, once every worker has stopped;
   * while running, once every region either processed all its input (a final checkpoint then
   * commits the sinks and, if no region failed, records completion) or failed for good.
   */
  void checkEnd() {
    State s = state;
    if (s == State.STOPPING) {
      boolean allStopped = regions.stream().allMatch(r -> r.state() != Region.State.RUNNING || r.run() == null
          || r.run().workers.stream().allMatch(w -> w.finished() || w.failed()));
      if (allStopped) {
        synchronized (lifecycle) {
          finish(State.STOPPED);
        }
      }
      return;
    }
    if (s != State.RUNNING) {
      return;
    }
    boolean over = regions.stream().allMatch(r -> r.finished() || r.state() == Region.State.FAILED);
    if (!over) {
      return;
    }
    List<Region> failed = regions.stream().filter(r -> r.state() == Region.State.FAILED).toList();
    if (failed.size() < regions.size()) {
      try {
        checkpoints.checkpoint(failed.isEmpty(), System.nanoTime() + options.checkpointTimeout().toNanos());
      } catch (CheckpointCoordinator.CheckpointFailure e) {
        fail("the final checkpoint failed: " + e.getMessage(), e);
        return;
      }
    }
    if (failed.isEmpty()) {
      synchronized (lifecycle) {
        finish(State.COMPLETED);
      }
    } else {
      fail(failed.stream().map(r -> r.name() + " failed: " + r.lastError()).reduce((a, b) -> a + "; " + b)
          .orElse("") + (failed.size() < regions.size() ? " (the other pipelines processed all their input)" : ""),
          null);
    }
  }

  /** A region failed while the engine stops: it is not restarted, and the run did not end cleanly. */
  void regionFailedWhileStopping(Region r, Failure f) {
    failure.compareAndSet(null, r.name() + " failed during the shutdown: " + f.message());
    if (state == State.STOPPING) {
      checkEnd();
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.toString() : m;
  }

  /** A pipeline's failure; an expression's error points at the expression in the config file. */
  private String describe(String pipeline, Throwable t) {
    if (t instanceof io.laminar.runtime.ExpressionError e && e.origin() != null) {
      var origin = e.origin();
      return builder.config().pipelines().stream().filter(p -> p.name().equals(pipeline)).findFirst()
          .map(p -> p.positionInFile(origin.line(), origin.column()) + ": " + e.problem() + " in `" + origin.text()
              + "`")
          .orElse(e.getMessage());
    }
    return describe(t);
  }

  /** Fails the engine as a whole: everything stops, the run ends FAILED. */
  void fail(String message, Throwable error) {
    synchronized (lifecycle) {
      if (failure.compareAndSet(null, message)) {
        LOG.error("{}", message);
        if (error != null) {
          LOG.debug("failure detail", error);
        }
        for (Region r : regions) {
          Region.Run run = r.run();
          if (run != null) {
            run.sources.forEach(SourceRunner::requestStop);
            run.threads.forEach(Thread::interrupt);
          }
        }
        finish(State.FAILED);
      }
    }
  }

  private void finish(State end) {
    if (failure.get() != null) {
      state = State.FAILED;
    } else if (state != State.FAILED) {
      state = end;
    }
    done.countDown();
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Graceful stop: sources stop reading, queued batches drain through every operator, sinks flush
   * and commit. Windows still open stay open (they are not flushed as if the input had ended).
   * Returns how the engine ended; past {@code timeout} the components still busy are named.
   */
  public Outcome shutdown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    shutdownDeadline = deadline;
    boolean stopping = false;
    synchronized (lifecycle) {
      if (state == State.RUNNING) {
        state = State.STOPPING;
        stopping = true;
      }
    }
    if (stopping) {
      LOG.info("shutdown: stopping {} sources", regions.stream().mapToInt(r -> r.run() == null ? 0
          : r.run().sourceInstances.size()).sum());
      for (Region r : regions) {
        Region.Run run = r.run();
        if (run != null) {
          run.sources.forEach(SourceRunner::requestStop);
        }
      }
    }
    for (Region r : regions) {
      Region.Run run = r.run();
      if (run != null) {
        for (Thread t : run.threads) {
          if (t.getName().startsWith("source-")) {
            join(t, deadline);
          }
        }
      }
    }
    stopScheduler(deadline);
    if (supervisor != null) {
      supervisor.close(); // no restart begins from here on
    }
    if (state == State.STOPPING && checkpoints != null) {
      LOG.info("shutdown: sources stopped; final checkpoint through {} pipelines", builder.pipelines().size());
      // leave a quarter of the budget for draining and closing, so a hung call is named, not waited out
      long checkpointDeadline = System.nanoTime() + Math.max(0, deadline - System.nanoTime()) * 3 / 4;
      try {
        checkpoints.checkpoint(false, checkpointDeadline);
      } catch (CheckpointCoordinator.CheckpointFailure e) {
        // The stop goes on (pipelines drain, connectors close), but the run did not end cleanly.
        String message = "the final checkpoint failed: " + e.getMessage()
            + "; the previous checkpoint is the recovery point (input after it is read again)";
        if (failure.compareAndSet(null, message)) {
          LOG.error("shutdown: {}", message);
        }
      }
    }
    outer:
    for (Region r : regions) {
      Region.Run run = r.run();
      if (run == null) {
        continue;
      }
      for (PipelineRunner p : run.workers) {
        if (!p.finished() && !p.failed()) {
          try {
            if (!p.offer(new PipelineRunner.StopEvent(), deadline - System.nanoTime())) {
              break outer;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break outer;
          }
        }
      }
    }
    checkEnd();
    return awaitUntil(deadline);
  }

  /** Blocks until the engine completes, fails or is stopped. */
  public Outcome awaitTermination() throws InterruptedException {
    done.await();
    return cleanup(Long.MAX_VALUE);
  }

  private Outcome awaitUntil(long deadline) {
    try {
      if (!done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        List<String> stuck = busyComponents();
        LOG.error("shutdown timed out; still busy: {}", String.join(", ", stuck));
        allThreads().forEach(Thread::interrupt);
        return new Outcome(State.STOPPING, null, stuck); // still stopping: the caller names what is stuck
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return cleanup(deadline);
  }

  /**
   * Joins the threads, then releases what they used. Nothing here holds a lock a thread needs: a
   * thread that ends reports through {@link #pipelineDone} or {@link #sourceDone}, which take none.
   */
  private Outcome cleanup(long requested) {
    long deadline = Math.min(requested, shutdownDeadline);
    long joinBy = deadline == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.SECONDS.toNanos(10) : deadline;
    for (Thread t : allThreads()) {
      join(t, joinBy);
    }
    if (supervisor != null) {
      supervisor.close();
    }
    // A periodic checkpoint still running would snapshot executors that are about to be closed.
    stopScheduler(deadline == Long.MAX_VALUE ? System.nanoTime() + options.checkpointTimeout().toNanos() : deadline);
    return release(deadline);
  }

  /**
   * Closes executors (of workers whose thread ended), connectors (each close bounded, never twice),
   * the store and the routing allocator. A thread still alive keeps its executor and the routing
   * allocator open (it may still use them) but never stops the connectors from being closed.
   */
  private Outcome release(long deadline) {
    boolean mine;
    synchronized (this) {
      mine = !released;
      released = true;
    }
    if (!mine) {
      // another caller releases (awaitTermination and shutdown both end here): wait for it, bounded
      try {
        // the other caller's closes are bounded by the same deadline: give it a moment past it
        long until = Math.min(deadline, shutdownDeadline);
        long wait = until == Long.MAX_VALUE ? Long.MAX_VALUE : until - System.nanoTime() + RELEASE_GRACE_NANOS;
        if (!releaseDone.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
          List<String> busy = busyComponents();
          return new Outcome(state, failure.get(), busy.isEmpty() ? List.of("engine cleanup") : busy);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome(state, failure.get(), busyComponents());
      }
      return new Outcome(state, failure.get(), released());
    }
    List<String> stuck = new ArrayList<>();
    for (Thread t : allThreads()) {
      if (t.isAlive()) {
        stuck.add(t.getName());
      }
    }
    try {
      for (Region r : regions) {
        Region.Run run = r.run();
        if (run == null) {
          continue;
        }
        for (PipelineRunner w : run.workers) {
          w.drainQueue();
          Thread t = w.thread();
          if (t == null || !t.isAlive()) {
            w.closeExecutor();
          }
        }
        closeReaders(run);
      }
      stuck.addAll(calls.stuck());
      stuck.addAll(releaseResources(deadline));
      if (!stuck.isEmpty()) {
        LOG.warn("still busy after the engine stopped: {}", String.join(", ", stuck));
      }
    } finally {
      releasedStuck = List.copyOf(stuck);
      releaseDone.countDown();
    }
    return new Outcome(state, failure.get(), stuck);
  }

  private volatile List<String> releasedStuck = List.of();

  private List<String> released() {
    return releasedStuck;
  }

  /** Closes connectors, the checkpoint store and (if no thread may use it) the routing allocator. */
  private List<String> releaseResources(long deadline) {
    List<String> stuck = builder.closeCreated(Duration.ofSeconds(10), deadline);
    closeStore();
    calls.close();
    boolean threadsAlive = allThreads().stream().anyMatch(Thread::isAlive);
    if (routingAllocator != null && !threadsAlive) {
      routingAllocator.close();
      routingAllocator = null;
    }
    return stuck;
  }

  private void closeStore() {
    if (store != null) {
      try {
        store.close();
      } catch (CheckpointException e) {
        LOG.warn("closing the checkpoint store failed: {}", e.getMessage());
      }
      store = null;
    }
  }

  /**
   * Stops periodic checkpoints without interrupting one in progress (an interrupt would close its
   * files under it and log a failure for an ordinary stop); waits for it until the deadline.
   */
  private void stopScheduler(long deadline) {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      scheduler.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread t, long deadline) {
    try {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
