package io.laminar.engine;

import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import io.laminar.api.Sink;
import io.laminar.api.Source;
import io.laminar.plan.CompiledPipeline;
import io.laminar.state.CheckpointException;
import io.laminar.state.CheckpointStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running engine: one thread per source polling its connector, one thread per pipeline running
 * its executor and writing its sinks, joined by bounded queues. It ends when every pipeline has
 * processed all its input (bounded sources), when {@link #shutdown} is called, or on the first
 * failure.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /** Lifecycle states, as the HTTP API reports them. */
  public enum State { CREATED, RUNNING, STOPPING, COMPLETED, STOPPED, FAILED }

  /**
   * How a run ended.
   *
   * @param state COMPLETED, STOPPED, FAILED, or STOPPING when a shutdown ran out of time
   * @param failure why the engine failed (null unless FAILED)
   * @param stuck threads still alive when the engine gave up waiting
   */
  public record Outcome(State state, String failure, List<String> stuck) {
  }

  private final EngineBuilder builder;
  private final BufferAllocator allocator;
  private final EngineMetrics metrics;
  // Status views read these without the engine's lock (an HTTP request never waits behind a start
  // or a cleanup), so they are copy-on-write; the lock guards lifecycle transitions only.
  private final List<SourceRunner> sourceRunners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<PipelineRunner> pipelineRunners = new ArrayList<>();
  private final List<PipelineGroup> groups = new java.util.concurrent.CopyOnWriteArrayList<>();
  private BufferAllocator routingAllocator;
  private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final EngineOptions options;
  private volatile State state = State.CREATED;
  private int pipelinesLeft;
  private CheckpointCoordinator checkpoints;
  private CheckpointStore store;
  private ScheduledExecutorService scheduler;

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

  /** Every source, lookup, pipeline and sink with its state. */
  public List<ComponentStatus> components() {
    List<ComponentStatus> out = new ArrayList<>();
    String base = state == State.RUNNING ? "RUNNING" : state == State.CREATED ? "CREATED"
        : state == State.FAILED ? "FAILED" : state == State.COMPLETED ? "FINISHED" : "STOPPED";
    for (ConnectorInstance<Source> s : builder.sources().values()) {
      SourceRunner r = sourceRunners.stream().filter(x -> x.name().equals(s.name())).findFirst().orElse(null);
      String st = r == null ? (state == State.CREATED ? "CREATED" : "STOPPED") : r.state(base);
      out.add(new ComponentStatus("source", s.name(), s.connector().type(), st));
    }
    for (ConnectorInstance<LookupSource> l : builder.lookups().values()) {
      out.add(new ComponentStatus("lookup", l.name(), l.connector().type(), base.equals("FINISHED") ? "STOPPED" : base));
    }
    for (PipelineStatus p : pipelines()) {
      out.add(new ComponentStatus("pipeline", p.name(), "", p.state()));
      for (ConnectorInstance<Sink> s : builder.sinks().getOrDefault(p.name(), List.of())) {
        out.add(new ComponentStatus("sink", s.name(), s.connector().type(), p.state()));
      }
    }
    return out;
  }

  /** The counters of each worker of {@code pipeline} (lookup calls and cache hits are only here). */
  synchronized List<io.laminar.runtime.ExecutorMetrics> workerMetrics(String pipeline) {
    return groups.stream().filter(g -> g.name().equals(pipeline)).flatMap(g -> g.workers().stream())
        .map(w -> w.executor().metrics()).toList();
  }

  /** Every pipeline's live status, in config order. */
  public List<PipelineStatus> pipelines() {
    List<PipelineStatus> out = new ArrayList<>();
    for (CompiledPipeline p : builder.pipelines().values()) {
      PipelineGroup g = groups.stream().filter(x -> x.name().equals(p.name())).findFirst().orElse(null);
      List<String> sinkNames = builder.sinks().getOrDefault(p.name(), List.of()).stream()
          .map(ConnectorInstance::name).toList();
      String st;
      if (g == null) {
        st = state == State.CREATED ? "CREATED" : "STOPPED";
      } else if (g.workers().stream().anyMatch(PipelineRunner::failed)) {
        st = "FAILED";
      } else if (g.workers().stream().allMatch(PipelineRunner::finished)) {
        st = state == State.COMPLETED || g.workers().stream().allMatch(PipelineRunner::completedInput)
            ? "FINISHED" : "STOPPED";
      } else {
        st = state == State.RUNNING ? "RUNNING" : state == State.FAILED ? "FAILED" : "STOPPING";
      }
      List<io.laminar.runtime.ExecutorMetrics> m = g == null ? List.of()
          : g.workers().stream().map(w -> w.executor().metrics()).toList();
      out.add(new PipelineStatus(p.name(), st, p.sql(), p.sources(), p.lookups(), sinkNames,
          m.stream().mapToLong(x -> x.rowsIn()).sum(), m.stream().mapToLong(x -> x.rowsOut()).sum(),
          m.stream().mapToLong(x -> x.lateRowsDropped()).sum(), PipelineStatus.lateRowsBySource(m), watermark(m),
          p.explain(), onError(p.name()).label(), m.stream().mapToLong(x -> x.rowErrors()).sum()));
    }
    return out;
  }

  /**
   * The components still busy: threads that have not ended, and the connector call the checkpoint
   * coordinator is waiting on. Used to name what blocks a shutdown.
   */
  public List<String> busyComponents() {
    List<String> busy = new ArrayList<>();
    if (checkpoints != null) {
      checkpoints.activity().ifPresent(busy::add);
    }
    for (Thread t : List.copyOf(threads)) {
      if (t.isAlive()) {
        busy.add(t.getName());
      }
    }
    return busy;
  }

  /** True while running with every component running (or finished with bounded input). */
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

  /**
   * Recovers from the latest valid checkpoint, opens lookups, sinks and sources, builds and restores
   * every pipeline's executor and starts the threads and the checkpoint schedule. Anything that fails
   * stops the start; what was opened is closed again.
   */
  public synchronized void start() throws StartFailure {
    long t0 = System.nanoTime();
    try {
      startOrThrow();
    } catch (StartFailure e) {
      pipelineRunners.forEach(PipelineRunner::closeExecutor);
      releaseResources();
      state = State.FAILED;
      throw e;
    }
    LOG.info("engine started: {} sources, {} lookups, {} pipelines on {} workers, {} sinks in {} ms",
        sourceRunners.size(), builder.lookups().size(), groups.size(), pipelineRunners.size(),
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
    long lastCommitted = recovery.lastCommittedEpoch();

    Map<String, LookupSource> lookups = new HashMap<>();
    for (ConnectorInstance<LookupSource> l : builder.lookups().values()) {
      opening(l, () -> l.instance().open());
      lookups.put(l.name(), l.instance());
    }
    for (List<ConnectorInstance<Sink>> list : builder.sinks().values()) {
      for (ConnectorInstance<Sink> s : list) {
        opening(s, () -> s.instance().open(lastCommitted));
      }
    }
    Map<String, List<PipelineGroup>> readers = new HashMap<>();
    for (CompiledPipeline p : builder.pipelines().values()) {
      int workers = workersFor(p);
      List<PipelineRunner> runners = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        PipelineRunner runner = new PipelineRunner(p, w, workers, allocator, lookups, builder.lookupCaches(),
            builder.sinks().getOrDefault(p.name(), List.of()), this);
        pipelineRunners.add(runner);
        if (!recovery.restorePipeline(runner)) {
          pipelineRunners.remove(runner);
          runner.closeExecutor();
          runner = new PipelineRunner(p, w, workers, allocator, lookups, builder.lookupCaches(),
              builder.sinks().getOrDefault(p.name(), List.of()), this);
          pipelineRunners.add(runner);
        }
        runners.add(runner);
      }
      PipelineGroup group = new PipelineGroup(p, runners);
      groups.add(group);
      registerPipelineMetrics(group);
      for (String source : p.sources()) {
        readers.computeIfAbsent(source, k -> new ArrayList<>()).add(group);
      }
    }
    routingAllocator = allocator.newChildAllocator("routing", 0, Long.MAX_VALUE);
    for (ConnectorInstance<Source> s : builder.sources().values()) {
      List<PipelineGroup> consumers = readers.getOrDefault(s.name(), List.of());
      if (consumers.isEmpty()) {
        continue; // an unused source is warned about at validation and never polled
      }
      byte[] offsets = recovery.offsets(s.name());
      opening(s, () -> s.instance().open(offsets));
      sourceRunners.add(new SourceRunner(s, consumers, this, metrics, routingAllocator));
    }
    List<ConnectorInstance<Sink>> sinks = builder.sinks().values().stream().flatMap(List::stream).toList();
    Map<String, String> metadata = new HashMap<>();
    identities.forEach((source, identity) -> metadata.put(SourceIdentity.metadataKey(source), identity.encode()));
    checkpoints = new CheckpointCoordinator(store, sourceRunners, pipelineRunners, sinks, metadata, metrics);
    pipelinesLeft = pipelineRunners.size();
    state = State.RUNNING;
    for (PipelineRunner p : pipelineRunners) {
      threads.add(startThread("pipeline-" + p.workerName(), p));
    }
    for (SourceRunner s : sourceRunners) {
      threads.add(startThread("source-" + s.name(), s));
    }
    Duration interval = builder.config().checkpoint().interval();
    if (!interval.isZero() && !interval.isNegative()) {
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "laminar-checkpoints");
        t.setDaemon(true);
        return t;
      });
      scheduler.scheduleWithFixedDelay(this::periodicCheckpoint, interval.toNanos(), interval.toNanos(),
          TimeUnit.NANOSECONDS);
    }
    if (pipelineRunners.isEmpty()) {
      finish(State.COMPLETED);
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
    return Math.max(1, wanted);
  }

  private void periodicCheckpoint() {
    if (state != State.RUNNING) {
      return;
    }
    try {
      checkpoints.checkpointIf(() -> state == State.RUNNING,
          System.nanoTime() + options.checkpointTimeout().toNanos());
    } catch (CheckpointCoordinator.CommitFailure e) {
      fail(e.getMessage(), e); // without the engine's lock: cleanup holds it while waiting for this thread
    } catch (CheckpointCoordinator.CheckpointFailure e) {
      // logged by the coordinator; the previous checkpoint stays the recovery point
    }
  }

  /**
   * Takes a checkpoint; a sink commit that failed for good stops the run, since every later
   * checkpoint would skip that sink's epoch (a restart commits it instead).
   */
  private CheckpointResult checkpoint(boolean completed, long deadlineNanos)
      throws CheckpointCoordinator.CheckpointFailure {
    try {
      return checkpoints.checkpoint(completed, deadlineNanos);
    } catch (CheckpointCoordinator.CommitFailure e) {
      fail(e.getMessage(), e);
      throw e;
    }
  }

  /**
   * Takes a checkpoint now (the HTTP API's POST /api/v1/checkpoint).
   *
   * @throws IllegalStateException when the engine is not running
   * @throws Exception when the checkpoint failed (the message says why)
   */
  public CheckpointResult checkpointNow() throws Exception {
    if (state != State.RUNNING || checkpoints == null) {
      throw new IllegalStateException("the engine is " + state.name().toLowerCase(java.util.Locale.ROOT)
          + "; checkpoints are taken only while it runs");
    }
    return checkpoint(false, System.nanoTime() + options.checkpointTimeout().toNanos());
  }

  private void registerPipelineMetrics(PipelineGroup group) {
    Map<String, String> tags = Map.of("pipeline", group.name());
    List<io.laminar.runtime.ExecutorMetrics> m = group.workers().stream().map(w -> w.executor().metrics()).toList();
    metrics.functionCounter("laminar_pipeline_rows_in_total", tags, "Rows fed into the pipeline",
        () -> m.stream().mapToLong(x -> x.rowsIn()).sum());
    metrics.functionCounter("laminar_pipeline_rows_out_total", tags, "Rows the pipeline emitted",
        () -> m.stream().mapToLong(x -> x.rowsOut()).sum());
    metrics.functionCounter("laminar_pipeline_late_rows_dropped_total", tags,
        "Rows dropped because their window had already been emitted",
        () -> m.stream().mapToLong(x -> x.lateRowsDropped()).sum());
    metrics.gauge("laminar_pipeline_watermark_milliseconds", tags,
        "Current event-time watermark (epoch ms; absent before the first event)", () -> {
          long w = watermark(m);
          return w == Long.MIN_VALUE || w == Long.MAX_VALUE ? Double.NaN : w;
        });
    metrics.gauge("laminar_pipeline_workers", tags, "Worker threads running the pipeline", () -> m.size());
    metrics.functionCounter("laminar_pipeline_state_expired_groups_total", tags,
        "Groups of a GROUP BY without a window forgotten by state_ttl", () -> m.stream().mapToLong(x -> x.expiredGroups()).sum());
    metrics.functionCounter("laminar_pipeline_ignored_retractions_total", tags,
        "Updates or deletes of rows a GROUP BY never saw (or forgot), ignored",
        () -> m.stream().mapToLong(x -> x.ignoredRetractions()).sum());
    if (onError(group.name()) != io.laminar.config.RowErrorPolicy.FAIL) {
      metrics.functionCounter("laminar_row_errors_total",
          Map.of("pipeline", group.name(), "action", onError(group.name()).label()),
          "Rows whose expression failed, skipped or dead-lettered by the pipeline's on.error",
          () -> m.stream().mapToLong(x -> x.rowErrors()).sum());
    }
  }

  /** A pipeline's {@code on.error}. */
  private io.laminar.config.RowErrorPolicy onError(String pipeline) {
    return builder.config().pipelines().stream().filter(c -> c.name().equals(pipeline)).findFirst()
        .map(c -> c.onError()).orElse(io.laminar.config.RowErrorPolicy.FAIL);
  }

  /** The slowest worker's watermark is the pipeline's. */
  private static long watermark(List<io.laminar.runtime.ExecutorMetrics> workers) {
    return workers.stream().mapToLong(x -> x.watermark()).min().orElse(Long.MIN_VALUE);
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
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  synchronized void sourceDone(SourceRunner runner, Throwable error) {
    if (error != null) {
      fail("source '" + runner.name() + "' failed: " + describe(error), error);
    }
  }

  void pipelineDone(PipelineRunner runner, Throwable error) {
    boolean completeRun;
    synchronized (this) {
      pipelinesLeft--;
      if (error != null) {
        fail("pipeline '" + runner.name() + "' failed: " + describe(runner.name(), error), error);
        return;
      }
      if (pipelinesLeft == 0 && state == State.STOPPING) {
        finish(State.STOPPED);
      }
      completeRun = pipelinesLeft == 0 && state == State.RUNNING;
    }
    if (completeRun) {
      // All input processed: a final checkpoint commits the sinks' last epoch and records completion.
      try {
        checkpoint(true, System.nanoTime() + options.checkpointTimeout().toNanos());
        synchronized (this) {
          finish(State.COMPLETED);
        }
      } catch (CheckpointCoordinator.CheckpointFailure e) {
        synchronized (this) {
          fail("the final checkpoint failed: " + e.getMessage(), e);
        }
      }
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

  private void fail(String message, Throwable error) {
    if (failure.compareAndSet(null, message)) {
      LOG.error("{}", message);
      LOG.debug("failure detail", error);
      sourceRunners.forEach(SourceRunner::requestStop);
      threads.forEach(Thread::interrupt);
      finish(State.FAILED);
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

  /**
   * Graceful stop: sources stop reading, queued batches drain through every operator, sinks flush
   * and commit. Windows still open stay open (they are not flushed as if the input had ended).
   * Returns how the engine ended; past {@code timeout} the components still busy are named.
   */
  public Outcome shutdown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      if (state == State.RUNNING) {
        state = State.STOPPING;
        LOG.info("shutdown: stopping {} sources", sourceRunners.size());
        sourceRunners.forEach(SourceRunner::requestStop);
      }
    }
    for (Thread t : threads) {
      if (t.getName().startsWith("source-")) {
        join(t, deadline);
      }
    }
    stopScheduler(deadline);
    if (state == State.STOPPING && checkpoints != null) {
      LOG.info("shutdown: sources stopped; final checkpoint through {} pipelines on {} workers", groups.size(),
          pipelineRunners.size());
      try {
        checkpoints.checkpoint(false, deadline);
      } catch (CheckpointCoordinator.CheckpointFailure e) {
        // The stop goes on (pipelines drain, connectors close), but the run did not end cleanly.
        String message = "the final checkpoint failed: " + e.getMessage()
            + (e instanceof CheckpointCoordinator.CommitFailure ? ""
                : "; the previous checkpoint is the recovery point (input after it is read again)");
        if (failure.compareAndSet(null, message)) {
          LOG.error("shutdown: {}", message);
        }
      }
    }
    for (PipelineRunner p : pipelineRunners) {
      if (!p.finished()) {
        try {
          if (!offerUntil(p, deadline)) {
            break;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return awaitUntil(deadline);
  }

  private static boolean offerUntil(PipelineRunner p, long deadline) throws InterruptedException {
    return p.offer(new PipelineRunner.StopEvent(), deadline - System.nanoTime());
  }

  /** Blocks until the engine completes, fails or is stopped. */
  public Outcome awaitTermination() throws InterruptedException {
    done.await();
    return cleanup(Long.MAX_VALUE);
  }

  private Outcome awaitUntil(long deadline) {
    try {
      if (!done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
          if (t.isAlive()) {
            stuck.add(t.getName());
          }
        }
        LOG.error("shutdown timed out; still busy: {}", stuck);
        threads.forEach(Thread::interrupt);
        return new Outcome(State.STOPPING, null, stuck); // still stopping: the caller names what is stuck
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return cleanup(deadline);
  }

  /**
   * Joins the threads, then releases what they used. The joins run without the engine's lock: a
   * thread that ends reports through {@link #pipelineDone} or {@link #sourceDone}, which take it.
   */
  private Outcome cleanup(long deadline) {
    for (Thread t : threads) {
      join(t, deadline == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.SECONDS.toNanos(10) : deadline);
    }
    // A periodic checkpoint still running would snapshot executors that are about to be closed.
    stopScheduler(deadline == Long.MAX_VALUE ? System.nanoTime() + options.checkpointTimeout().toNanos() : deadline);
    synchronized (this) {
      return release();
    }
  }

  private Outcome release() {
    List<String> stuck = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    for (PipelineRunner p : pipelineRunners) {
      p.drainQueue();
      if (stuck.isEmpty()) {
        p.closeExecutor();
      }
    }
    if (stuck.isEmpty()) {
      releaseResources();
    }
    threads.clear();
    return new Outcome(state, failure.get(), stuck);
  }

  /** Closes connectors, the checkpoint store and the routing allocator (executors are closed first). */
  private void releaseResources() {
    builder.closeCreated();
    closeStore();
    if (routingAllocator != null) {
      routingAllocator.close();
      routingAllocator = null;
    }
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
