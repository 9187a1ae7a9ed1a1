package io.laminar.cli;

import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.common.Suggestions;
import io.laminar.config.ConfigError;
import io.laminar.config.Position;
import io.laminar.config.PropertyValidator;
import io.laminar.config.RawProperties;
import io.laminar.plugins.PluginHost;
import io.laminar.plugins.PluginInfo;
import io.laminar.plugins.PluginState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code laminar plugins install PATH|ZIP}: checks the plugin with the plugin host's own loading
 * ({@link PluginHost#check}) and copies it into the plugins directory only if it would load there.
 */
@Command(name = "install", mixinStandardHelpOptions = true,
    description = {"Check a plugin (directory, .zip or .jar) as the server would load it, then copy it into the "
        + "plugins directory.",
        "Refused, with the reason, when plugin.properties is wrong, plugin.requires does not accept this server's "
            + "plugin API, a lib/ jar is no zip, an extension cannot be loaded or created, or its id or a connector "
            + "type is already installed. Takes effect at the next start of the server."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:installed", "1:the copy failed", "2:usage error (no plugins directory)",
        "78:the plugin was refused"})
final class PluginsInstall implements Callable<Integer> {
  @ParentCommand PluginsCommand plugins;

  @Parameters(index = "0", paramLabel = "PATH|ZIP", description = "A plugin directory, .zip or .jar.")
  Path source;

  @Override
  public Integer call() {
    PrintStream out = plugins.parent.out;
    PrintStream err = plugins.parent.err;
    Optional<Path> dir = pluginsDirectory(plugins);
    if (dir.isEmpty()) {
      return ExitCode.USAGE;
    }
    Path pluginsDir = dir.get();
    PluginInfo verdict = PluginHost.check(source, pluginsDir, List.of(Preparation.builtinProvider()),
        PluginsInstall::invalidDefaults);
    if (verdict.state() != PluginState.STARTED) {
      err.println("laminar: plugin " + source + " not installed: " + verdict.error().orElse(verdict.state().name()));
      return ExitCode.CONFIG;
    }
    Path from = source.toAbsolutePath().normalize();
    String name = Files.isDirectory(from) ? verdict.id()
        : verdict.id() + from.getFileName().toString().substring(from.getFileName().toString().lastIndexOf('.'));
    Path target = pluginsDir.resolve(name);
    if (Files.exists(target)) {
      err.println("laminar: plugin " + source + " not installed: " + target + " already exists");
      return ExitCode.CONFIG;
    }
    Path staging = pluginsDir.resolve("." + name + ".installing-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(pluginsDir);
      copy(from, staging);
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      delete(staging);
      err.println("laminar: plugin " + source + " not installed: cannot copy it to " + target + ": " + e);
      return ExitCode.RUNTIME;
    }
    for (String warning : verdict.warnings()) {
      err.println("warning: plugin " + verdict.id() + ": " + warning);
    }
    out.println("installed plugin " + verdict.id() + " " + verdict.version() + " into " + target + " (provides "
        + String.join(", ", verdict.provides()) + "); it is loaded at the next start");
    return ExitCode.OK;
  }

  /**
   * The defaults of {@code spec} that the config's own validator cannot read (each would fail every
   * config that leaves its property out), checked one property at a time as a config would see it.
   */
  static List<String> invalidDefaults(ConnectorSpec spec) {
    List<String> problems = new ArrayList<>();
    Path where = Path.of("").toAbsolutePath().resolve("plugin.properties");
    RawProperties none = RawProperties.empty(new Position(where, 1, 1));
    for (PropertySpec p : spec.properties()) {
      if (p.isPrefix() || p.defaultValue().isEmpty()) {
        continue;
      }
      ConnectorSpec alone = ConnectorSpec.builder(spec.type(), spec.kind()).description(spec.description())
          .property(p).build();
      for (ConfigError e : PropertyValidator.validate(alone, spec.kind().label(), none, new HashMap<>())) {
        problems.add(e.message());
      }
    }
    return problems;
  }

  /**
   * The absolute plugins directory, or empty after saying that there is none. The plugin host's log
   * is off unless --log-level asks for it: these commands print its reasons and warnings themselves.
   */
  static Optional<Path> pluginsDirectory(PluginsCommand plugins) {
    Optional<Path> dir = plugins.directory("off").map(d -> d.toAbsolutePath().normalize());
    if (dir.isEmpty()) {
      plugins.parent.err.println("laminar: no plugins directory: give --plugins DIR or set LAMINAR_PLUGINS");
    }
    return dir;
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      Files.copy(from, to);
      return;
    }
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path out = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(out);
        } else {
          Files.copy(p, out);
        }
      }
    }
  }

  static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot delete " + root, e);
    }
  }

  /** {@code laminar plugins remove ID}. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Delete an installed plugin (whatever its state) from the plugins directory; takes effect at the"
          + " next start of the server.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:removed", "1:the delete failed", "2:no such plugin, or no plugins directory"})
  static final class Remove implements Callable<Integer> {
    @ParentCommand PluginsCommand plugins;

    @Parameters(index = "0", paramLabel = "ID", description = "The plugin id, as `laminar plugins list` shows it.")
    String id;

    @Override
    public Integer call() {
      PrintStream err = plugins.parent.err;
      Optional<Path> dir = pluginsDirectory(plugins);
      if (dir.isEmpty()) {
        return ExitCode.USAGE;
      }
      Path pluginsDir = dir.get();
      List<PluginInfo> installed;
      try (PluginHost host = PluginHost.load(pluginsDir)) {
        installed = host.plugins();
      }
      Optional<PluginInfo> match = installed.stream().filter(p -> p.id().equals(id)).findFirst();
      if (match.isEmpty() || !match.get().location().startsWith(pluginsDir)) {
        List<String> ids = installed.stream().map(PluginInfo::id).toList();
        err.println("laminar: no plugin '" + id + "' in " + pluginsDir + "." + Suggestions.didYouMean(id, ids)
            + " Installed: " + (ids.isEmpty() ? "none" : String.join(", ", ids)));
        return ExitCode.USAGE;
      }
      Path location = match.get().location();
      try {
        delete(location);
      } catch (java.io.UncheckedIOException e) {
        err.println("laminar: plugin " + id + " not removed: " + e.getMessage() + ": " + e.getCause());
        return ExitCode.RUNTIME;
      }
      plugins.parent.out.println("removed plugin " + id + " (" + location + "); the server drops it at the next start");
      return ExitCode.OK;
    }
  }
}
