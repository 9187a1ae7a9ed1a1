package io.laminar.cli;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code run}, {@code validate} and {@code explain} share: load the config, load plugins,
 * build the registry, run construction phases 1–6 and (unless offline) the connectivity checks.
 * Errors are printed together, sorted, and mapped to one exit code.
 */
final class Preparation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Preparation.class);
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(15);

  final PrintStream err;
  LaminarConfig config;
  PluginHost plugins;
  ConnectorRegistry registry;
  BufferAllocator allocator;
  EngineMetrics metrics;
  EngineBuilder builder;
  BuildReport report;
  int exitCode = ExitCode.OK;

  private Preparation(PrintStream err) {
    this.err = err;
  }

  static Preparation prepare(ConfigOptions options, boolean offline, Map<String, String> env, PrintStream err) {
    Preparation p = new Preparation(err);
    p.run(options.files, options.pluginsDir, offline, options.logLevel,
        options.logFormat == null ? null : options.logFormat.name(), env);
    return p;
  }

  boolean ok() {
    return exitCode == ExitCode.OK;
  }

  private void run(List<Path> files, Path pluginsOption, boolean offline, String logLevel, String logFormat,
      Map<String, String> env) {
    long t0 = System.nanoTime();
    ConfigResult loaded = ConfigLoader.load(files, env);
    if (!loaded.ok()) {
      fail(ExitCode.CONFIG, loaded.errors().stream().map(ServerError::of).toList(), "in the configuration");
      return;
    }
    config = loaded.config();
    Logging.configure(logLevel != null ? logLevel : config.server().logLevel(),
        logFormat != null ? logFormat : config.server().logFormat());
    LOG.info("config loaded from {} in {} ms", files, (System.nanoTime() - t0) / 1_000_000);

    Optional<Path> dir = PluginsDirectory.resolve(pluginsOption, env, config.server().pluginsDir());
    List<ConnectorProvider> providers = new ArrayList<>();
    providers.add(builtinProvider());
    if (dir.isPresent()) {
      plugins = PluginHost.load(dir.get());
      providers.addAll(plugins.providers());
    }
    List<ServerError> pluginErrors = requiredPlugins(dir);
    if (!pluginErrors.isEmpty()) {
      fail(ExitCode.CONFIG, pluginErrors, "with plugins");
      return;
    }
    RegistryBuild built = ConnectorRegistry.build(providers);
    built.problems().forEach(problem -> LOG.warn("{}", problem));
    registry = built.registry();

    allocator = new RootAllocator();
    metrics = new EngineMetrics();
    builder = new EngineBuilder(config, registry, allocator, metrics);
    report = builder.construct();
    if (!report.ok()) {
      fail(ExitCode.CONFIG, report.errors(), "in the configuration");
      return;
    }
    if (offline) {
      LOG.info("--offline: connectivity checks skipped");
      return;
    }
    List<ServerError> unreachable = ConnectivityCheck.run(builder.allInstances(), CHECK_TIMEOUT);
    if (!unreachable.isEmpty()) {
      // Only schema mismatches found by the checks are the configuration's fault (exit 78).
      boolean configOnly = unreachable.stream().allMatch(e -> e.kind() == ServerError.Kind.INVALID_SCHEMA);
      fail(configOnly ? ExitCode.CONFIG : ExitCode.CONNECTIVITY, unreachable,
          configOnly ? "in the configuration's schemas" : "reaching external systems (use --offline to skip checks)");
    }
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
      allocator.close();
    }
    if (plugins != null) {
      plugins.close();
    }
  }
}
