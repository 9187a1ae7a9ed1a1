package io.laminar.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.laminar.api.PropertySpec;
import io.laminar.plugins.PluginHost;
import io.laminar.plugins.PluginInfo;
import io.laminar.plugins.PluginState;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.registry.RegisteredConnector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code laminar plugins list|describe|install|remove}. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = "Inspect, install and remove connector plugins.",
    subcommands = {PluginsCommand.ListPlugins.class, PluginsCommand.Describe.class, PluginsInstall.class,
        PluginsInstall.Remove.class})
final class PluginsCommand implements Runnable {
  @ParentCommand LaminarCommand parent;

  @Option(names = "--plugins", paramLabel = "DIR", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Plugins directory (default: $LAMINAR_PLUGINS, else <install>/plugins).")
  Path pluginsDir;

  @Option(names = "--log-level", paramLabel = "LEVEL", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "trace, debug, info, warn or error (default: warn, so only the listing is printed).")
  String logLevel;

  @Override
  public void run() {
    parent.spec.subcommands().get("plugins").usage(parent.out);
  }

  private Optional<PluginHost> load() {
    return directory().map(PluginHost::load);
  }

  /** The plugins directory these commands work on, with logging set up for them. */
  Optional<Path> directory() {
    return directory(Logging.QUIET);
  }

  /** As {@link #directory()}, logging at {@code defaultLevel} unless --log-level says otherwise. */
  Optional<Path> directory(String defaultLevel) {
    Logging.configure(logLevel != null ? logLevel : defaultLevel, "text");
    return PluginsDirectory.resolve(pluginsDir, System.getenv(), Optional.empty());
  }

  /** {@code laminar plugins list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List plugins: id, version, state, provided connectors, location and any error.")
  static final class ListPlugins implements Callable<Integer> {
    @ParentCommand PluginsCommand plugins;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
        description = "table (default) or json.")
    Format format;

    enum Format { table, json }

    @Override
    public Integer call() throws Exception {
      Optional<PluginHost> host = plugins.load();
      try {
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(builtinRow());
        host.ifPresent(h -> h.plugins().forEach(i -> rows.add(row(i))));
        if (format == Format.json) {
          plugins.parent.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(rows));
        } else {
          printTable(rows);
        }
        boolean anyFailed = host.map(h -> h.plugins().stream().anyMatch(i -> i.state() == PluginState.FAILED))
            .orElse(false);
        if (anyFailed) {
          plugins.parent.err.println("warning: some plugins failed to load; see the error column");
        }
        return ExitCode.OK;
      } finally {
        host.ifPresent(PluginHost::close);
      }
    }

    private static Map<String, Object> builtinRow() {
      ConnectorProvider b = Preparation.builtinProvider();
      List<String> provides = new ArrayList<>();
      b.sources().forEach(f -> provides.add("source:" + f.spec().type()));
      b.lookups().forEach(f -> provides.add("lookup:" + f.spec().type()));
      b.sinks().forEach(f -> provides.add("sink:" + f.spec().type()));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", b.id());
      row.put("version", b.version());
      row.put("state", "STARTED");
      row.put("provides", provides);
      row.put("location", "(built in)");
      row.put("error", null);
      return row;
    }

    private static Map<String, Object> row(PluginInfo i) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", i.id());
      row.put("version", i.version());
      row.put("state", i.state().name());
      row.put("provides", i.provides());
      row.put("location", i.location().toString());
      row.put("error", i.error().orElse(null));
      if (!i.warnings().isEmpty()) {
        row.put("warnings", i.warnings());
      }
      return row;
    }

    private void printTable(List<Map<String, Object>> rows) {
      String[] columns = {"id", "version", "state", "provides", "location", "error"};
      List<String[]> cells = new ArrayList<>();
      cells.add(Stream.of(columns).map(c -> c.toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new));
      for (Map<String, Object> r : rows) {
        String[] line = new String[columns.length];
        for (int c = 0; c < columns.length; c++) {
          Object v = r.get(columns[c]);
          if (v instanceof List<?> l) {
            v = l.isEmpty() ? null : String.join(",", l.stream().map(String::valueOf).toList());
          }
          line[c] = v == null ? "-" : v.toString();
        }
        cells.add(line);
      }
      plugins.parent.out.print(TextTable.render(cells));
    }
  }

  /** {@code laminar plugins describe TYPE}. */
  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "Show a connector type's properties: name, type, required, default, allowed values, doc.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:described", "2:unknown connector type"})
  static final class Describe implements Callable<Integer> {
    @ParentCommand PluginsCommand plugins;

    @Parameters(index = "0", paramLabel = "TYPE", description = "A connector type, e.g. generator or kafka.")
    String type;

    @Override
    public Integer call() {
      Optional<PluginHost> host = plugins.load();
      try {
        List<ConnectorProvider> providers = new ArrayList<>();
        providers.add(Preparation.builtinProvider());
        host.ifPresent(h -> providers.addAll(h.providers()));
        ConnectorRegistry registry = ConnectorRegistry.build(providers).registry();
        List<RegisteredConnector> matches = registry.named(type);
        if (matches.isEmpty()) {
          List<String> all = registry.all().stream().map(RegisteredConnector::type).distinct().toList();
          plugins.parent.err.println("laminar: no connector type '" + type + "'."
              + io.laminar.common.Suggestions.didYouMean(type, all) + " Installed: " + String.join(", ", all));
          return ExitCode.USAGE;
        }
        for (RegisteredConnector c : matches) {
          describe(c);
        }
        return ExitCode.OK;
      } finally {
        host.ifPresent(PluginHost::close);
      }
    }

    private void describe(RegisteredConnector c) {
      var out = plugins.parent.out;
      out.println(c.kind().label() + " " + c.type() + "  (" + c.providerLabel() + ")");
      if (!c.spec().description().isEmpty()) {
        out.println("  " + c.spec().description());
      }
      if (c.spec().properties().isEmpty()) {
        out.println("  (no properties)");
        out.println();
        return;
      }
      List<String[]> cells = new ArrayList<>();
      cells.add(new String[] {"PROPERTY", "TYPE", "REQUIRED", "DEFAULT", "DOC"});
      for (PropertySpec p : c.spec().properties()) {
        String type = p.allowedValues().isEmpty() ? p.type().name().toLowerCase(java.util.Locale.ROOT)
            : String.join("|", p.allowedValues());
        cells.add(new String[] {p.name(), type, p.required() ? "yes" : "no",
            p.defaultValue().map(d -> p.isSecret() ? "****" : d).orElse("-"), p.doc()});
      }
      out.print(TextTable.render(cells).indent(2));
      out.println();
    }
  }
}
