package io.laminar.cli;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.config.ConnectorRef;
import io.laminar.config.LaminarConfig;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.engine.ConnectivityCheck;
import io.laminar.engine.BuildReport;
import io.laminar.engine.EngineBuilder;
import io.laminar.engine.EngineMetrics;
import io.laminar.engine.ServerError;
import io.laminar.plugins.PluginHost;
import io.laminar.plugins.PluginInfo;
import io.laminar.plugins.PluginState;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.registry.RegistryBuild;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code run}, {@code validate} and {@code explain} share: load the config, load plugins,
 * build the registry, run construction phases 1–6 and (unless offline) the connectivity checks.
 * Errors are printed together, sorted, and mapped to one exit code. For {@code run}, a signal
 * abandons the preparation at the next safe point (between phases; the connectivity checks are cut
 * short): {@link #stoppedBySignal()} then says so and nothing more is done.
 */
final class Preparation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Preparation.class);
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(15);

  final PrintStream err;
  private final StopSignal stop;
  private boolean stoppedBySignal;
  LaminarConfig config;
  PluginHost plugins;
  ConnectorRegistry registry;
  BufferAllocator allocator;
  EngineMetrics metrics;
  EngineBuilder builder;
  BuildReport report;
  int exitCode = ExitCode.OK;

  private Preparation(PrintStream err, StopSignal stop) {
    this.err = err;
    this.stop = stop;
  }

  static Preparation prepare(ConfigOptions options, boolean offline, Map<String, String> env, PrintStream err) {
    return prepare(options, offline, env, err, new StopSignal()); // a signal nobody sends
  }

  /** As above; {@code stop} abandons the preparation at its next safe point. */
  static Preparation prepare(ConfigOptions options, boolean offline, Map<String, String> env, PrintStream err,
      StopSignal stop) {
    Preparation p = new Preparation(err, stop);
    p.run(options.files, options.pluginsDir, offline, options.logLevel,
        options.logFormat == null ? null : options.logFormat.name(), env);
    return p;
  }

  /** Prepared without errors and not stopped by a signal: the engine may start. */
  boolean ok() {
    return exitCode == ExitCode.OK && !stoppedBySignal;
  }

  /** A signal abandoned the preparation (no error was found before it). */
  boolean stoppedBySignal() {
    return stoppedBySignal;
  }

  /** A safe point: whether a signal has asked to stop, in which case {@code next} is not done. */
  private boolean signalledBefore(String next) {
    if (!stoppedBySignal && stop.received()) {
      stoppedBySignal = true;
      LOG.info("start-up abandoned before {}: a signal asked to stop", next);
    }
    return stoppedBySignal;
  }

  private void run(List<Path> files, Path pluginsOption, boolean offline, String logLevel, String logFormat,
      Map<String, String> env) {
    long t0 = System.nanoTime();
    ConfigResult loaded = ConfigLoader.load(files, env);
    loaded.warnings().forEach(w -> err.println(w.position() + ": warning: " + w.message()));
    // Errors found so far; with a partial model the later checks still run, so one pass reports all.
    List<ServerError> configErrors = new ArrayList<>(loaded.errors().stream().map(ServerError::of).toList());
    if (!loaded.ok() && loaded.partial().isEmpty()) {
      fail(ExitCode.CONFIG, configErrors, "in the configuration");
      return;
    }
    config = loaded.ok() ? loaded.config() : loaded.partial().get().config();
    Logging.configure(logLevel != null ? logLevel : config.server().logLevel(),
        logFormat != null ? logFormat : config.server().logFormat());
    LOG.info("config loaded from {} in {} ms; state in {}, checkpoints in {}", files,
        (System.nanoTime() - t0) / 1_000_000, config.state().path(), config.checkpoint().dir());
    if (loaded.ok() && config.pipelines().isEmpty()) {
      // A run that does nothing and exits 0 looks like success to a supervisor: most likely the file
      // with the pipelines was not passed (-c base.toml -c pipelines.toml).
      fail(ExitCode.CONFIG, List.of(new ServerError(ServerError.Kind.CONFIG, "nothing to run: " + files
          + " defines no [[pipeline]]; add one, or also pass the file that defines them (-c base.toml"
          + " -c pipelines.toml)", Optional.empty())), "in the configuration");
      return;
    }

    if (signalledBefore("loading plugins")) {
      return;
    }
    Optional<Path> dir = PluginsDirectory.resolve(pluginsOption, env, config.server().pluginsDir());
    List<ConnectorProvider> providers = new ArrayList<>();
    providers.add(builtinProvider());
    if (dir.isPresent()) {
      plugins = PluginHost.load(dir.get(), neededPlugins(config));
      providers.addAll(plugins.providers());
    }
    List<ServerError> pluginErrors = requiredPlugins(dir);
    if (!pluginErrors.isEmpty()) {
      configErrors.addAll(pluginErrors);
      fail(ExitCode.CONFIG, configErrors, configErrors.size() == pluginErrors.size() ? "with plugins"
          : "in the configuration and with plugins");
      return;
    }
    if (signalledBefore("planning the pipelines")) {
      return;
    }
    RegistryBuild built = ConnectorRegistry.build(providers, plugins == null ? List.of() : plugins.notLoaded());
    built.problems().forEach(problem -> LOG.warn("{}", problem));
    registry = built.registry();

    allocator = new RootAllocator();
    metrics = new EngineMetrics();
    builder = new EngineBuilder(config, registry, allocator, metrics);
    loaded.partial().ifPresent(partial -> builder.skipping(partial.skippedTables(), partial.skippedPipelines()));
    report = builder.construct();
    configErrors.addAll(report.errors());
    if (!configErrors.isEmpty()) {
      fail(ExitCode.CONFIG, configErrors, "in the configuration");
      return;
    }
    if (offline) {
      LOG.info("--offline: connectivity checks skipped");
      return;
    }
    if (signalledBefore("the connectivity checks")) {
      return;
    }
    List<ServerError> unreachable = stop.interruptibly(() -> ConnectivityCheck.run(builder.allInstances(),
        CHECK_TIMEOUT));
    if (signalledBefore("starting the engine")) {
      return; // failures of checks the signal interrupted are not the systems' fault
    }
    if (!unreachable.isEmpty()) {
      // Schema mismatches and unusable properties (a table that does not exist) found by the checks
      // are the configuration's fault (exit 78); anything else is reaching the systems (exit 69).
      boolean configOnly = unreachable.stream()
          .allMatch(e -> e.kind() == ServerError.Kind.INVALID_SCHEMA || e.kind() == ServerError.Kind.CONFIG);
      fail(configOnly ? ExitCode.CONFIG : ExitCode.CONNECTIVITY, unreachable,
          configOnly ? "in the configuration (found by the connectivity checks)"
              : "reaching external systems (use --offline to skip checks)");
    }
  }

  /**
   * The connector types and plugin ids the config uses: only plugins that may provide them are
   * started (a plugin declaring none of them in its {@code plugin.provides} is not loaded).
   */
  static PluginHost.Needed neededPlugins(LaminarConfig config) {
    List<ConnectorRef> refs = new ArrayList<>();
    config.sources().forEach(s -> refs.add(s.connector()));
    config.lookups().forEach(l -> refs.add(l.connector()));
    config.sinks().forEach(s -> refs.add(s.connector()));
    Set<String> types = new HashSet<>();
    Set<String> ids = new HashSet<>(config.server().pluginsRequired());
    for (ConnectorRef ref : refs) {
      types.add(ref.type());
      ref.pluginId().ifPresent(ids::add);
    }
    return new PluginHost.Needed(types, ids);
  }

  static ConnectorProvider builtinProvider() {
    return new ConnectorProvider(ConnectorProvider.BUILTIN, Versions.laminar(), BuiltinConnectors.sources(),
        BuiltinConnectors.lookups(), BuiltinConnectors.sinks());
  }

  private List<ServerError> requiredPlugins(Optional<Path> dir) {
    List<ServerError> errors = new ArrayList<>();
    for (String id : config.server().pluginsRequired()) {
      Optional<PluginInfo> info = plugins == null ? Optional.empty()
          : plugins.plugins().stream().filter(i -> i.id().equals(id)).findFirst();
      if (info.isEmpty()) {
        errors.add(new ServerError(ServerError.Kind.CONFIG, "plugin '" + id + "' is listed in [server] "
            + "plugins_required but is not installed in " + dir.map(Path::toString).orElse("(no plugins directory)"),
            Optional.empty()));
      } else if (info.get().state() != PluginState.STARTED) {
        errors.add(new ServerError(ServerError.Kind.CONFIG, "plugin '" + id + "' is listed in [server] "
            + "plugins_required but it " + info.get().state().name().toLowerCase(java.util.Locale.ROOT) + ": "
            + info.get().error().orElse("no reason given"), Optional.empty()));
      }
    }
    return errors;
  }

  private void fail(int code, List<ServerError> errors, String where) {
    exitCode = code;
    errors.stream().sorted().forEach(e -> err.println(e.format()));
    err.println("laminar: " + errors.size() + (errors.size() == 1 ? " error " : " errors ") + where
        + "; nothing was started.");
  }

  @Override
  public void close() {
    if (builder != null) {
      builder.closeCreated();
    }
    if (allocator != null) {
      try {
        allocator.close();
      } catch (IllegalStateException leak) {
        // Arrow reports unreleased memory by throwing: a bug worth reporting, not a failed run
        String detail = leak.getMessage() == null ? leak.toString() : leak.getMessage().lines().findFirst().orElse("");
        err.println("laminar: warning: Arrow memory was not released at exit (a connector leaks; the run's "
            + "result stands): " + detail);
      }
    }
    if (plugins != null) {
      plugins.close();
    }
  }
}
