package io.laminar.engine;

import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.LookupSource;
import io.laminar.api.Sink;
import io.laminar.api.Source;
import io.laminar.config.ColumnDef;
import io.laminar.config.LaminarConfig;
import io.laminar.config.LookupConfig;
import io.laminar.config.PipelineConfig;
import io.laminar.config.Position;
import io.laminar.config.Schemas;
import io.laminar.config.SinkConfig;
import io.laminar.config.SourceConfig;
import io.laminar.plan.CompiledPipeline;
import io.laminar.runtime.LookupCache;
import io.laminar.plan.PlanNode;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import io.laminar.sql.SqlError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Builds an engine from a loaded config in the spec's phases: (1) create source and lookup
 * connectors, (2) register sources as SQL tables, (3) register lookups, (4) compile pipelines,
 * (5) attach sinks, (6) validate the topology. Phases 1–6 allocate no Arrow memory and open no
 * connection; they collect every error instead of stopping at the first, so one run of
 * {@code laminar validate} shows the user everything that is wrong.
 */
public final class EngineBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(EngineBuilder.class);

  private final LaminarConfig config;
  private final ConnectorFactoryPhase factories;
  private final List<ServerError> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, Duration> phaseTimes = new LinkedHashMap<>();

  private final Map<String, ConnectorInstance<Source>> sources = new LinkedHashMap<>();
  private final Map<String, ConnectorInstance<LookupSource>> lookups = new LinkedHashMap<>();
  private final List<CatalogTable> catalog = new ArrayList<>();
  private final Map<String, CompiledPipeline> pipelines = new LinkedHashMap<>();
  private final Map<String, List<ConnectorInstance<Sink>>> sinks = new LinkedHashMap<>();
  private BuildReport report;
  private Set<String> skippedTables = Set.of();
  private Set<String> skippedPipelines = Set.of();
  private boolean partial;
  private LongSupplier lookupClock = System::nanoTime;
  private volatile String closing;
  /** Instances whose close() was called (identity), so that none is closed twice. */
  private final Set<Object> closed = java.util.Collections.synchronizedSet(
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
  private LongSupplier processingClock = System::currentTimeMillis;
  /** Dead letter files by path, shared by the pipelines (and workers) that name one; opened on first use. */
  private final Map<java.nio.file.Path, DeadLetterFile> deadLetters = new HashMap<>();

  /**
   * @param config a config the loader accepted
   * @param registry every installed connector
   * @param allocator the parent of every connector's allocator (nothing is allocated before start)
   * @param metrics where connectors publish metrics
   */
  public EngineBuilder(LaminarConfig config, ConnectorRegistry registry, BufferAllocator allocator, EngineMetrics metrics) {
    this.config = config;
    this.factories = new ConnectorFactoryPhase(registry, config.server().name(), allocator, metrics,
        config.state().path(), errors);
  }

  /**
   * Checks a partial config (one with errors already reported by the loader): pipelines that read a
   * skipped source or lookup, and sinks of skipped pipelines, are not checked, since every error
   * about them would only repeat the loader's. Call before {@link #construct()}.
   *
   * @param tables lower-case names of sources and lookups left out
   * @param pipelinesLeftOut lower-case names of pipelines left out
   */
  public EngineBuilder skipping(Set<String> tables, Set<String> pipelinesLeftOut) {
    this.skippedTables = Set.copyOf(tables);
    this.skippedPipelines = Set.copyOf(pipelinesLeftOut);
    this.partial = true;
    return this;
  }

  /** Runs phases 1–6 once and reports; later calls return the same report. */
  public synchronized BuildReport construct() {
    if (report == null) {
      phase("create connectors", this::createConnectors);
      phase("register sources", this::registerSources);
      phase("register lookups", this::registerLookups);
      phase("compile pipelines", this::compilePipelines);
      phase("attach sinks", this::attachSinks);
      phase("validate topology", this::validateTopology);
      report = new BuildReport(errors, warnings, phaseTimes);
      if (!report.ok()) {
        closeCreated();
      }
    }
    return report;
  }

  private void phase(String name, Runnable body) {
    long t0 = System.nanoTime();
    MDC.put("phase", name);
    try {
      body.run();
    } finally {
      MDC.remove("phase");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    phaseTimes.put(name, took);
    LOG.info("phase '{}' done in {} ms", name, String.format("%.1f", took.toNanos() / 1e6));
  }

  private static Map<String, Position> columnPositions(List<ColumnDef> columns) {
    Map<String, Position> positions = new LinkedHashMap<>();
    columns.forEach(c -> positions.put(c.name(), c.position()));
    return positions;
  }

  private void createConnectors() {
    for (SourceConfig s : config.sources()) {
      factories.create(new ConnectorFactoryPhase.InstanceSpec(ConnectorKind.SOURCE, s.name(), s.connector(),
              s.properties(), Schemas.toArrow(s.schema()), List.of(), null, ChangelogMode.APPEND_ONLY, s.position(),
              columnPositions(s.schema())),
          (c, ctx) -> c.sourceFactory().create(ctx))
          .ifPresent(i -> sources.put(s.name(), i));
    }
    for (LookupConfig l : config.lookups()) {
      factories.create(new ConnectorFactoryPhase.InstanceSpec(ConnectorKind.LOOKUP, l.name(), l.connector(),
              l.properties(), Schemas.toArrow(l.schema()), l.primaryKey(), null, ChangelogMode.APPEND_ONLY,
              l.position(), columnPositions(l.schema())),
          (c, ctx) -> c.lookupFactory().create(ctx))
          .ifPresent(i -> lookups.put(l.name(), i));
    }
  }

  private void registerSources() {
    for (SourceConfig s : config.sources()) {
      Schema schema = Schemas.toArrow(s.schema());
      CatalogTable table = s.watermark()
          .map(w -> CatalogTable.source(s.name(), schema, w.column(), w.maxOutOfOrderness()))
          .orElseGet(() -> CatalogTable.source(s.name(), schema));
      ConnectorInstance<Source> instance = sources.get(s.name());
      if (instance != null && instance.instance().changelogMode() != ChangelogMode.APPEND_ONLY) {
        table = table.asChangelog();
      }
      catalog.add(table);
      LOG.debug("registered source '{}' ({} columns)", s.name(), schema.getFields().size());
    }
  }

  private void registerLookups() {
    for (LookupConfig l : config.lookups()) {
      catalog.add(CatalogTable.lookup(l.name(), Schemas.toArrow(l.schema()), l.primaryKey()));
    }
  }

  private void compilePipelines() {
    if (config.pipelines().isEmpty()) {
      return;
    }
    SqlCompiler compiler = new SqlCompiler(catalog);
    for (PipelineConfig p : config.pipelines()) {
      if (readsSkippedTable(p.sql())) {
        LOG.debug("pipeline '{}' not compiled: it reads a source or lookup that has errors", p.name());
        skippedPipelines = union(skippedPipelines, p.name().toLowerCase(Locale.ROOT));
        continue;
      }
      CompileResult result = compiler.compile(p.name(), p.sql());
      if (result instanceof CompileResult.Success ok) {
        pipelines.put(p.name(), ok.compiled());
        LOG.debug("compiled pipeline '{}':\n{}", p.name(), ok.compiled().explain());
      } else {
        for (SqlError e : result.errors()) {
          errors.add(ServerError.at(ServerError.Kind.SQL_COMPILATION,
              p.positionInFile(Math.max(1, e.line()), Math.max(1, e.column())), e.format()));
        }
      }
    }
  }

  private void attachSinks() {
    for (SinkConfig s : config.sinks()) {
      CompiledPipeline pipeline = pipelines.get(s.pipeline());
      if (pipeline == null) {
        boolean declared = config.pipelines().stream().anyMatch(p -> p.name().equals(s.pipeline()))
            || skippedPipelines.contains(s.pipeline().toLowerCase(Locale.ROOT));
        if (!declared) {
          List<String> names = config.pipelines().stream().map(PipelineConfig::name).toList();
          errors.add(ServerError.at(ServerError.Kind.INVALID_TOPOLOGY, s.pipelinePosition(),
              "sink '" + s.name() + "' reads pipeline '" + s.pipeline() + "', which does not exist."
                  + io.laminar.common.Suggestions.didYouMean(s.pipeline(), names)
                  + " Pipelines: " + (names.isEmpty() ? "(none)" : String.join(", ", names))));
        }
        continue; // a pipeline that failed to compile already has its error
      }
      var created = factories.create(new ConnectorFactoryPhase.InstanceSpec(ConnectorKind.SINK, s.name(),
              s.connector(), s.properties(), pipeline.outputSchema(), pipeline.updateKeyNames(), s.delivery(),
              pipeline.updating() ? ChangelogMode.ALL : ChangelogMode.APPEND_ONLY, s.position()),
          (c, ctx) -> c.sinkFactory().create(ctx));
      if (created.isEmpty()) {
        continue;
      }
      ConnectorInstance<Sink> sink = created.get();
      if (s.delivery().compareTo(sink.instance().maxGuarantee()) > 0) {
        errors.add(ServerError.at(ServerError.Kind.INVALID_TOPOLOGY, s.position(),
            "sink '" + s.name() + "' asks for delivery = \"" + s.delivery().label() + "\" but connector '"
                + sink.connector().type() + "' offers at most \"" + sink.instance().maxGuarantee().label() + "\""));
      }
      checkChangelogMode(s, sink, pipeline);
      for (String problem : sink.instance().validateSchema(pipeline.outputSchema())) {
        errors.add(ServerError.at(ServerError.Kind.INVALID_SCHEMA, s.position(),
            "sink '" + s.name() + "' cannot take the output of pipeline '" + s.pipeline() + "': " + problem));
      }
      sinks.computeIfAbsent(s.pipeline(), k -> new ArrayList<>()).add(sink);
      LOG.debug("attached sink '{}' to pipeline '{}'", s.name(), s.pipeline());
    }
  }

  /** An updating pipeline into a sink that takes only appends would write deletes as new rows: refused. */
  private void checkChangelogMode(SinkConfig s, ConnectorInstance<Sink> sink, CompiledPipeline pipeline) {
    ChangelogMode accepted = sink.instance().acceptedChangelogMode();
    if (!pipeline.updating() || accepted.accepts(ChangelogMode.ALL)) {
      return;
    }
    StringBuilder why = new StringBuilder();
    PipelineConfig p = config.pipelines().stream().filter(c -> c.name().equals(pipeline.name())).findFirst()
        .orElseThrow();
    why.append("sink '").append(s.name()).append("' (connector '").append(sink.connector().type())
        .append("') takes only appends (inserts), but pipeline '").append(pipeline.name()).append("' (")
        .append(p.position()).append(") produces updates and deletes");
    pipeline.updatingStep().ifPresent(step -> {
      why.append(": step ").append(step.describe());
      if (step instanceof PlanNode.GroupAggregate a) {
        why.append(" at ").append(a.line() > 0 ? p.positionInFile(a.line(), a.column()) : p.sqlPosition())
            .append(" (GROUP BY without a window: each group's result is updated as rows arrive)");
      } else if (step instanceof PlanNode.Scan scan) {
        config.sources().stream().filter(c -> c.name().equals(scan.source())).findFirst().ifPresent(src ->
            why.append(" reads source '").append(src.name()).append("' (").append(src.position())
                .append("), a changelog (connector '").append(src.connector().type()).append("')"));
      }
    });
    PlanNode step = pipeline.updatingStep().orElse(null);
    why.append(". Write it to a sink that takes a changelog or upserts (stdout and blackhole do), or ");
    if (step instanceof PlanNode.GroupAggregate) {
      why.append("aggregate over a window (TUMBLE, HOP, SESSION), whose results are final");
    } else {
      why.append("read an append-only source, or aggregate over a TUMBLE, HOP or SESSION window, whose results are "
          + "final");
    }
    errors.add(ServerError.at(ServerError.Kind.INVALID_TOPOLOGY, s.position(), why.toString()));
  }

  private void validateTopology() {
    if (partial) {
      return; // warnings about what is unused would be wrong while entries with errors are left out
    }
    Set<String> usedTables = new HashSet<>();
    for (CompiledPipeline p : pipelines.values()) {
      usedTables.addAll(p.sources());
      usedTables.addAll(p.lookups());
      if (!sinks.containsKey(p.name()) && config.sinks().stream().noneMatch(s -> s.pipeline().equals(p.name()))) {
        warnings.add("pipeline '" + p.name() + "' has no sink: its output is computed and discarded");
      }
    }
    boolean allCompiled = pipelines.size() == config.pipelines().size();
    if (allCompiled) {
      config.sources().stream().filter(s -> !usedTables.contains(s.name())).forEach(s ->
          warnings.add("source '" + s.name() + "' is not read by any pipeline"));
      config.lookups().stream().filter(l -> !usedTables.contains(l.name())).forEach(l ->
          warnings.add("lookup '" + l.name() + "' is not used by any pipeline"));
    }
    warnings.forEach(w -> LOG.warn("{}", w));
  }

  /** Whether {@code sql} names a skipped table as a word (a column of that name also counts: safe side). */
  private boolean readsSkippedTable(String sql) {
    if (skippedTables.isEmpty()) {
      return false;
    }
    for (String word : sql.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}_]+")) {
      if (skippedTables.contains(word)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> union(Set<String> set, String more) {
    Set<String> out = new HashSet<>(set);
    out.add(more);
    return out;
  }

  /**
   * Reads the clock of lookup cache expiry from {@code nanoClock} instead of {@link System#nanoTime()},
   * so tests can move time without waiting.
   */
  public EngineBuilder lookupClock(LongSupplier nanoClock) {
    this.lookupClock = nanoClock;
    return this;
  }

  /**
   * Reads processing time (epoch ms) from {@code millisClock} instead of the system clock: when a
   * source counts as idle ({@code [source.watermark] idle_timeout}) and the time of a dead letter.
   * For tests, which move time without waiting.
   */
  public EngineBuilder processingClock(LongSupplier millisClock) {
    this.processingClock = millisClock;
    return this;
  }

  /** The processing-time clock (epoch ms). */
  public LongSupplier processingClock() {
    return processingClock;
  }

  /** The dead letter file at {@code path}, shared by every pipeline that names it. */
  synchronized DeadLetterFile deadLetterFile(java.nio.file.Path path) {
    return deadLetters.computeIfAbsent(path, DeadLetterFile::new);
  }

  /**
   * Each lookup's cache settings by name: {@code [lookup.cache]} size and ttl, else
   * {@link LookupCache.Config#DEFAULT}. Every pipeline worker builds its own cache from them.
   */
  public Map<String, LookupCache.Config> lookupCaches() {
    Map<String, LookupCache.Config> out = new HashMap<>();
    for (LookupConfig l : config.lookups()) {
      LookupCache.Config c = l.cache()
          .map(cache -> new LookupCache.Config(cache.size(), cache.ttl(), lookupClock))
          .orElse(new LookupCache.Config(LookupCache.Config.DEFAULT.maxEntries(), LookupCache.Config.DEFAULT.ttl(),
              lookupClock));
      out.put(l.name(), c);
    }
    return out;
  }

  /** Source instances by name (after a successful {@link #construct()}). */
  public Map<String, ConnectorInstance<Source>> sources() {
    return sources;
  }

  /** Lookup instances by name. */
  public Map<String, ConnectorInstance<LookupSource>> lookups() {
    return lookups;
  }

  /** Compiled pipelines by name. */
  public Map<String, CompiledPipeline> pipelines() {
    return pipelines;
  }

  /** Sink instances by pipeline name. */
  public Map<String, List<ConnectorInstance<Sink>>> sinks() {
    return sinks;
  }

  /** The config this builder was made from. */
  public LaminarConfig config() {
    return config;
  }

  /** Every created instance, for checks and shutdown. */
  public List<ConnectorInstance<?>> allInstances() {
    List<ConnectorInstance<?>> all = new ArrayList<>(sources.values());
    all.addAll(lookups.values());
    sinks.values().forEach(all::addAll);
    return all;
  }

  /**
   * Makes a new instance of a source or sink through its factory, with a fresh context, and puts it
   * in place of {@code old} (which the caller has closed), so that status views and the final close
   * see the instance that runs.
   */
  @SuppressWarnings("unchecked")
  synchronized <T> ConnectorInstance<T> recreate(ConnectorInstance<T> old) throws ConnectorException {
    EngineConnectorContext context = old.context().fresh();
    Object created = switch (old.connector().kind()) {
      case SOURCE -> old.connector().sourceFactory().create(context);
      case SINK -> old.connector().sinkFactory().create(context);
      default -> throw new IllegalArgumentException("only sources and sinks are recreated: " + old.name());
    };
    if (created == null) {
      context.closeAllocator();
      throw ConnectorException.runtime(old.connector().kind().label() + " '" + old.name()
          + "': the factory returned no instance", null);
    }
    ConnectorInstance<T> fresh = new ConnectorInstance<>(old.name(), old.connector(), (T) created, context,
        old.position(), old.columnPositions(), old.propertyPositions());
    if (old.connector().kind() == ConnectorKind.SOURCE) {
      sources.replace(old.name(), (ConnectorInstance<Source>) fresh);
    } else {
      for (List<ConnectorInstance<Sink>> list : sinks.values()) {
        list.replaceAll(s -> s == old ? (ConnectorInstance<Sink>) fresh : s);
      }
    }
    return fresh;
  }

  /**
   * Closes one instance within {@code timeout} on a thread of its own and releases its allocator;
   * false if {@code close()} did not return in time. Either way the instance is never closed again
   * (not by {@link #closeCreated} either).
   */
  boolean close(ConnectorInstance<?> i, Duration timeout) {
    if (!closed.add(i.instance())) {
      return true;
    }
    String label = i.connector().kind().label() + " '" + i.name() + "'";
    FutureTask<Void> close = new FutureTask<>(() -> {
      ((AutoCloseable) i.instance()).close();
      return null;
    });
    Thread t = new Thread(close, "laminar-close-" + i.name());
    t.setDaemon(true);
    t.start();
    try {
      close.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("{} close() did not return within {} ms; abandoned", label, timeout.toMillis());
      return false;
    } catch (ExecutionException e) {
      LOG.warn("closing {} failed: {}", label, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
      i.context().closeAllocator();
    } catch (IllegalStateException e) {
      LOG.warn("{} did not release all its Arrow memory: {}", label, e.getMessage());
    }
    return true;
  }

  /** The {@code close()} call in progress, if any, to name what a shutdown waits on. */
  public java.util.Optional<String> closing() {
    return java.util.Optional.ofNullable(closing);
  }

  /** Closes every created connector, each bounded by 10 seconds. */
  public void closeCreated() {
    closeCreated(Duration.ofSeconds(10));
  }

  /**
   * Closes every created connector (when construction fails or the engine stops). Each close runs
   * with a time limit: a connector that hangs is named in the log and abandoned, and its memory is
   * left to the process exit rather than blocking the shutdown.
   */
  public void closeCreated(Duration perConnector) {
    closeCreated(perConnector, Long.MAX_VALUE);
  }

  /**
   * As {@link #closeCreated(Duration)}, but all closes together end by {@code deadlineNanos}
   * ({@link System#nanoTime()}); returns the {@code close()} calls that did not return (each
   * instance is closed at most once: it is forgotten whether or not its close returned).
   */
  public synchronized List<String> closeCreated(Duration perConnector, long deadlineNanos) {
    List<String> stuck = new ArrayList<>();
    for (ConnectorInstance<?> i : allInstances()) {
      long left = deadlineNanos == Long.MAX_VALUE ? perConnector.toNanos()
          : Math.min(perConnector.toNanos(), deadlineNanos - System.nanoTime());
      String label = i.connector().kind().label() + " '" + i.name() + "' close()";
      closing = label;
      if (!close(i, Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), left)))) {
        stuck.add(label);
      }
      closing = null;
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
    }
    sources.clear();
    lookups.clear();
    sinks.clear();
    closeDeadLetters();
    return stuck;
  }

  private synchronized void closeDeadLetters() {
    for (DeadLetterFile f : deadLetters.values()) {
      try {
        f.close();
      } catch (java.io.UncheckedIOException e) {
        LOG.warn("{}", e.getMessage());
      }
    }
    deadLetters.clear();
  }
}
