package io.laminar.plugins;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LaminarApi;
import io.laminar.api.LookupFactory;
import io.laminar.api.SinkFactory;
import io.laminar.api.SourceFactory;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.UnloadedConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pf4j.IndexedExtensionFinder;
import org.pf4j.PluginWrapper;
import org.pf4j.processor.ExtensionStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the connector plugins of one directory, each in its own {@link PluginClassLoader}, and
 * hands out their factories as {@link ConnectorProvider}s whose every call runs with the plugin's
 * context class loader.
 *
 * <p>Accepted plugin forms: a directory with {@code plugin.properties} and {@code lib/*.jar} and/or
 * {@code classes/}; the same as a {@code .zip} (unpacked into a private temporary directory); a
 * {@code .jar} with {@code plugin.properties} at its root. Ids listed in the directory's
 * {@code disabled.txt} are {@link PluginState#DISABLED}.
 *
 * <p>Plugins are handled one at a time and every failure stays with its plugin: a broken or missing
 * {@code plugin.properties}, an unsatisfied or malformed {@code plugin.requires}, an extension that
 * cannot be loaded or created (typically a class the plugin does not bundle) each mark that plugin
 * {@link PluginState#FAILED} with a reason, and the other plugins load normally.
 *
 * <p>{@link #load(Path, Needed)} starts only the plugins a configuration may use: a plugin whose
 * {@code plugin.provides} declares connector types, none of them used, is {@link PluginState#NOT_NEEDED}
 * and costs no class loading (its descriptor is still read and checked). A plugin that declares
 * nothing loads as always; a started plugin's declaration is checked against its extensions.
 */
public final class PluginHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

  private final LaminarPluginManager manager;
  private final List<PluginInfo> plugins;
  private final List<ConnectorProvider> providers;
  private final List<String> startedIds;
  private final Path unpackDir;
  private boolean closed;

  private PluginHost(LaminarPluginManager manager, List<PluginInfo> plugins, List<ConnectorProvider> providers,
      List<String> startedIds, Path unpackDir) {
    this.manager = manager;
    this.plugins = List.copyOf(plugins);
    this.providers = List.copyOf(providers);
    this.startedIds = List.copyOf(startedIds);
    this.unpackDir = unpackDir;
  }

  /**
   * What a run needs from its plugins: the connector types its configuration uses (without
   * {@code @plugin-id}) and the plugin ids it names ({@code plugins_required}, {@code type@plugin-id}).
   */
  public record Needed(Set<String> types, Set<String> pluginIds) {
    /** Copies the sets. */
    public Needed {
      types = Set.copyOf(types);
      pluginIds = Set.copyOf(pluginIds);
    }
  }

  /**
   * Loads every plugin in {@code pluginsDir}. A directory that does not exist means no plugins; a
   * path that is a file yields one {@link PluginState#FAILED} entry saying so.
   */
  public static PluginHost load(Path pluginsDir) {
    return load(pluginsDir, Optional.empty());
  }

  /**
   * As {@link #load(Path)}, but a plugin whose {@code plugin.provides} is a list of
   * {@code kind:type} entries none of whose types is in {@code needed.types()}, and whose id is not in
   * {@code needed.pluginIds()}, is not loaded: it is listed as {@link PluginState#NOT_NEEDED} with the
   * declared types (see {@link #notLoaded()}). Its descriptor is read and checked as usual, so a
   * broken, duplicate or unsatisfiable plugin is still {@link PluginState#FAILED}.
   */
  public static PluginHost load(Path pluginsDir, Needed needed) {
    return load(pluginsDir, Optional.of(needed));
  }

  private static PluginHost load(Path pluginsDir, Optional<Needed> needed) {
    Path dir = pluginsDir.toAbsolutePath().normalize();
    if (Files.notExists(dir)) {
      LOG.info("Plugins directory {} does not exist: no plugins loaded", dir);
      return new PluginHost(null, List.of(), List.of(), List.of(), null);
    }
    if (!Files.isDirectory(dir)) {
      String reason = "the plugins directory " + dir + " is a file, not a directory";
      LOG.error("Plugins not loaded: {}", reason);
      PluginInfo info = new PluginInfo(dir.getFileName().toString(), "", PluginState.FAILED, List.of(), dir,
          Optional.of(reason), "", "", List.of());
      return new PluginHost(null, List.of(info), List.of(), List.of(), null);
    }
    long start = System.nanoTime();
    Loading loading = new Loading(dir);
    loading.needed = needed;
    loading.loadAll();
    LOG.info("Plugins: {} started, {} failed, {} disabled, {} not needed from {} in {} ms",
        loading.count(PluginState.STARTED), loading.count(PluginState.FAILED), loading.count(PluginState.DISABLED),
        loading.count(PluginState.NOT_NEEDED), dir, millisSince(start));
    return new PluginHost(loading.manager, loading.infos, loading.providers, loading.startedIds, loading.unpackDir);
  }

  /**
   * Checks one plugin exactly as {@link #load} would load it, without installing it: its
   * {@code plugin.properties}, {@code plugin.requires} against this host's API version, its
   * {@code lib/*.jar}, {@code plugin.class}, every extension created and its spec read. A plugin
   * that would load is then compared with what is already there: the plugins of {@code pluginsDir}
   * (those that load and those that fail) and {@code others} (the host's built-ins); it may reuse
   * neither a plugin id nor a connector type.
   *
   * @return the plugin as {@link #load} would list it: {@link PluginState#STARTED} with what it
   *     provides, or {@link PluginState#FAILED} with the reason
   */
  public static PluginInfo check(Path candidate, Path pluginsDir, List<ConnectorProvider> others) {
    return check(candidate, pluginsDir, others, spec -> List.of());
  }

  /**
   * As {@link #check(Path, Path, List)}, and each spec the plugin's extensions declare must also
   * pass {@code specProblems} (problems with it, none if it is fine): the CLI checks the defaults
   * with the config's own property validator, which this module does not see.
   */
  public static PluginInfo check(Path candidate, Path pluginsDir, List<ConnectorProvider> others,
      java.util.function.Function<ConnectorSpec, List<String>> specProblems) {
    Path location = candidate.toAbsolutePath().normalize();
    String name = location.getFileName() == null ? location.toString() : location.getFileName().toString();
    if (!Files.exists(location)) {
      return failed(name, location, location + " does not exist");
    }
    if (!Loading.isPluginCandidate(location)) {
      return failed(name, location, location + " is not a plugin: give a plugin directory, a .zip or a .jar");
    }
    Path root;
    try {
      root = Files.createTempDirectory("laminar-plugin-check-");
    } catch (IOException e) {
      return failed(name, location, "cannot create a temporary directory to check the plugin in: " + e.getMessage());
    }
    Loading loading = new Loading(root);
    try {
      loading.loadOne(location);
      PluginInfo info = loading.infos.get(0);
      if (info.state() != PluginState.STARTED) {
        return info;
      }
      List<String> problems = new ArrayList<>();
      for (ConnectorSpec spec : specs(loading.providers.get(0))) {
        specProblems.apply(spec).forEach(p -> problems.add(spec.kind().label() + " " + spec.type() + ": " + p));
      }
      Optional<String> conflict = problems.isEmpty() ? conflict(info, pluginsDir, others)
          : Optional.of(String.join("; ", problems));
      return conflict.isEmpty() ? info : new PluginInfo(info.id(), info.version(), PluginState.FAILED, List.of(),
          location, conflict, info.description(), info.requires(), info.warnings());
    } finally {
      // unloads the checked plugin (closing its class loader); the unpacked copy goes below
      new PluginHost(loading.manager, List.of(), List.of(), loading.startedIds, null).close();
      if (loading.unpackDir != null) {
        deleteRecursively(loading.unpackDir);
      }
      deleteRecursively(root);
    }
  }

  /** A plugin id or connector type of {@code info} that the plugins directory or {@code others} already has. */
  private static Optional<String> conflict(PluginInfo info, Path pluginsDir, List<ConnectorProvider> others) {
    try (PluginHost installed = load(pluginsDir)) {
      for (PluginInfo p : installed.plugins()) {
        if (p.id().equals(info.id())) {
          return Optional.of("plugin id '" + info.id() + "' is already installed at " + p.location()
              + " (remove it first: laminar plugins remove " + info.id() + ")");
        }
      }
      List<ConnectorProvider> providers = new ArrayList<>(others);
      providers.addAll(installed.providers());
      List<String> taken = new ArrayList<>();
      for (ConnectorProvider provider : providers) {
        for (String provided : provides(provider)) {
          if (info.provides().contains(provided)) {
            taken.add(provided.replace(":", " type '") + "' is already provided by " + provider.label());
          }
        }
      }
      return taken.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", taken));
    }
  }

  /** What a provider offers, as {@code "source:kafka"}. */
  private static List<String> provides(ConnectorProvider provider) {
    return specs(provider).stream().map(s -> s.kind().label() + ":" + s.type()).toList();
  }

  /** The specs of a provider's factories; a factory whose spec cannot be read has none. */
  private static List<ConnectorSpec> specs(ConnectorProvider provider) {
    List<java.util.function.Supplier<ConnectorSpec>> calls = new ArrayList<>();
    provider.sources().forEach(f -> calls.add(f::spec));
    provider.lookups().forEach(f -> calls.add(f::spec));
    provider.sinks().forEach(f -> calls.add(f::spec));
    List<ConnectorSpec> out = new ArrayList<>();
    for (var call : calls) {
      try {
        ConnectorSpec spec = call.get();
        if (spec != null) {
          out.add(spec);
        }
      } catch (RuntimeException | LinkageError e) {
        LOG.debug("spec not readable: {}", e.toString());
      }
    }
    return out;
  }

  private static PluginInfo failed(String id, Path location, String reason) {
    return new PluginInfo(id, "", PluginState.FAILED, List.of(), location, Optional.of(reason), "", "", List.of());
  }

  /** Every plugin found, in directory order, whatever its state. */
  public List<PluginInfo> plugins() {
    return plugins;
  }

  /** One provider per started plugin, with isolated factories. */
  public List<ConnectorProvider> providers() {
    return providers;
  }

  /** The connector types the {@link PluginState#NOT_NEEDED} plugins declare, for messages about unknown types. */
  public List<UnloadedConnector> notLoaded() {
    List<UnloadedConnector> out = new ArrayList<>();
    for (PluginInfo info : plugins) {
      if (info.state() == PluginState.NOT_NEEDED) {
        for (String provided : info.provides()) {
          Optional<ConnectorKind> kind = declaredKind(provided);
          kind.ifPresent(k -> out.add(new UnloadedConnector(k, provided.substring(provided.indexOf(':') + 1),
              info.id(), info.version())));
        }
      }
    }
    return out;
  }

  /** The kind of a {@code plugin.provides} entry {@code kind:type}; empty if it is not of that form. */
  private static Optional<ConnectorKind> declaredKind(String entry) {
    int colon = entry.indexOf(':');
    if (colon <= 0 || colon == entry.length() - 1 || entry.indexOf(':', colon + 1) >= 0) {
      return Optional.empty();
    }
    String label = entry.substring(0, colon);
    for (ConnectorKind kind : ConnectorKind.values()) {
      if (kind.label().equals(label)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** The ids of the plugins PF4J currently reports as started; empty after {@link #close()}. */
  List<String> startedPluginIds() {
    if (manager == null) {
      return List.of();
    }
    return manager.getStartedPlugins().stream().map(PluginWrapper::getPluginId).toList();
  }

  /** Stops and unloads the plugins one by one (closing their class loaders), then removes unpacked zips. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (manager != null) {
      List<String> reversed = new ArrayList<>(startedIds);
      Collections.reverse(reversed);
      for (String id : reversed) {
        unload(manager, id);
      }
    }
    if (unpackDir != null) {
      deleteRecursively(unpackDir);
    }
  }

  /** Stops and unloads one plugin, logging (not throwing) failures, so the others still stop. */
  private static void unload(LaminarPluginManager manager, String id) {
    try {
      if (manager.getPlugin(id) != null && manager.getPlugin(id).getPluginState().isStarted()) {
        manager.stopPlugin(id);
      }
      manager.unloadPlugin(id);
      LOG.debug("Plugin {} stopped and unloaded", id);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("Plugin {} did not stop cleanly: {}", id, e.toString());
    }
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("Cannot remove unpacked plugins in {}: {}", root, e.toString());
    }
  }

  /** The state of one {@link #load} run. */
  private static final class Loading {
    final Path dir;
    final LaminarPluginManager manager;
    final List<PluginInfo> infos = new ArrayList<>();
    final List<ConnectorProvider> providers = new ArrayList<>();
    final List<String> startedIds = new ArrayList<>();
    Optional<Needed> needed = Optional.empty();
    Path unpackDir;

    Loading(Path dir) {
      this.dir = dir;
      this.manager = new LaminarPluginManager(dir);
      manager.setSystemVersion(LaminarApi.VERSION);
    }

    long count(PluginState state) {
      return infos.stream().filter(i -> i.state() == state).count();
    }

    void loadAll() {
      List<Path> candidates;
      try (Stream<Path> entries = Files.list(dir)) {
        candidates = entries.filter(Loading::isPluginCandidate).sorted().toList();
      } catch (IOException e) {
        fail(dir.getFileName().toString(), dir, "cannot list the plugins directory " + dir + ": " + e.getMessage());
        return;
      }
      for (Path candidate : candidates) {
        loadOne(candidate);
      }
    }

    private static boolean isPluginCandidate(Path p) {
      String name = p.getFileName().toString();
      if (name.startsWith(".")) {
        return false;
      }
      return Files.isDirectory(p) || name.endsWith(".zip") || name.endsWith(".jar");
    }

    private void loadOne(Path location) {
      long start = System.nanoTime();
      String fileName = location.getFileName().toString();
      String fallbackId = Files.isDirectory(location) ? fileName : fileName.replaceFirst("\\.(zip|jar)$", "");
      Path pluginPath = location;
      if (fileName.endsWith(".zip") && !Files.isDirectory(location)) {
        try {
          pluginPath = unzip(location, fallbackId);
        } catch (IOException | RuntimeException e) {
          fail(fallbackId, location, "cannot unpack " + location + ": " + e.getMessage());
          return;
        }
      }
      PluginProperties.Read read = PluginProperties.read(pluginPath);
      if (read.properties() == null) {
        fail(fallbackId, location, String.join("; ", read.problems()));
        return;
      }
      PluginProperties props = read.properties();
      Optional<String> requiresProblem = requiresProblem(props.requires());
      if (requiresProblem.isPresent()) {
        fail(props, location, requiresProblem.get());
        return;
      }
      for (PluginInfo earlier : infos) {
        if (earlier.id().equals(props.id()) && earlier.state() != PluginState.FAILED) {
          fail(props, location, "plugin id '" + props.id() + "' is already used by " + earlier.location());
          return;
        }
      }
      if (manager.disabled(props.id())) {
        LOG.info("Plugin {} {} is disabled (listed in disabled.txt)", props.id(), props.version());
        infos.add(info(props, PluginState.DISABLED, List.of(), location, Optional.empty(), List.of()));
        return;
      }
      if (needed.isPresent() && !isNeeded(props, needed.get())) {
        List<String> declared = props.declaredProvides().stream().sorted().toList();
        LOG.info("Plugin {} {} not loaded: the configuration uses none of the types it declares {}", props.id(),
            props.version(), declared);
        infos.add(info(props, PluginState.NOT_NEEDED, declared, location, Optional.empty(), List.of()));
        return;
      }
      Optional<String> badJar = unreadableJar(pluginPath);
      if (badJar.isPresent()) {
        fail(props, location, badJar.get());
        return;
      }
      String id;
      try {
        id = manager.loadPlugin(pluginPath);
      } catch (RuntimeException | LinkageError e) {
        fail(props, location, "PF4J cannot load it: " + e.getMessage());
        return;
      }
      PluginWrapper wrapper = manager.getPlugin(id);
      Optional<String> badPluginClass = pluginClassProblem(wrapper);
      if (badPluginClass.isPresent()) {
        unload(manager, id);
        fail(props, location, badPluginClass.get());
        return;
      }
      try {
        org.pf4j.PluginState state = manager.startPlugin(id);
        if (state != org.pf4j.PluginState.STARTED) {
          Throwable why = wrapper.getFailedException();
          throw new IllegalStateException("it ended in state " + state + (why == null ? "" : ": " + why.getMessage()));
        }
      } catch (RuntimeException | LinkageError e) {
        unload(manager, id);
        fail(props, location, "cannot start: " + e.getMessage());
        return;
      }
      Extensions extensions;
      try {
        extensions = Extensions.create(manager, wrapper.getPluginClassLoader());
      } catch (ExtensionFailure e) {
        unload(manager, id);
        fail(props, location, e.getMessage());
        return;
      }
      List<String> warnings = new ArrayList<>(extensions.warnings);
      warnings.addAll(bundledHostClasses(pluginPath));
      providesMismatch(props, extensions.provides).ifPresent(warnings::add);
      for (String warning : warnings) {
        LOG.warn("Plugin {}: {}", id, warning);
      }
      providers.add(new ConnectorProvider(id, props.version(), extensions.sources, extensions.lookups, extensions.sinks));
      startedIds.add(id);
      infos.add(info(props, PluginState.STARTED, extensions.provides, location, Optional.empty(), warnings));
      LOG.info("Plugin loaded: {} {} provides {} ({} ms)", id, props.version(), extensions.provides,
          millisSince(start));
    }

    /**
     * Whether a run that needs {@code needed} must load the plugin: it is named, it declares no
     * {@code plugin.provides} or an entry that is not {@code kind:type}, or it declares a needed type
     * (of any kind: a type used as the wrong kind still gets the plugin's own message).
     */
    private static boolean isNeeded(PluginProperties props, Needed needed) {
      List<String> declared = props.declaredProvides();
      if (declared.isEmpty() || needed.pluginIds().contains(props.id())) {
        return true;
      }
      for (String entry : declared) {
        if (declaredKind(entry).isEmpty() || needed.types().contains(entry.substring(entry.indexOf(':') + 1))) {
          return true;
        }
      }
      return false;
    }

    /**
     * A class path jar that is not a zip file: the class loader would skip it silently and the
     * plugin would seem to declare no extensions.
     */
    private static Optional<String> unreadableJar(Path plugin) {
      for (Path jar : LaminarPluginManager.classPath(plugin)) {
        if (Files.isDirectory(jar) || jar.equals(plugin)) {
          continue;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          zip.size();
        } catch (IOException e) {
          return Optional.of(plugin.relativize(jar) + " is not a jar (zip) file: " + e.getMessage());
        }
      }
      return Optional.empty();
    }

    /**
     * Checks {@code plugin.class} before PF4J instantiates it: PF4J logs a missing or unsuitable
     * class with stack traces and then fails with a NullPointerException.
     */
    private static Optional<String> pluginClassProblem(PluginWrapper wrapper) {
      String pluginClass = wrapper.getDescriptor().getPluginClass();
      if (pluginClass == null || pluginClass.isBlank()) {
        return Optional.empty();
      }
      String hint = " (a connector plugin needs no plugin.class: remove it, or ship the class)";
      Class<?> type;
      try {
        type = Class.forName(pluginClass.trim(), false, wrapper.getPluginClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        return Optional.of("plugin.class " + pluginClass.trim() + " is not in the plugin's classes/ or lib/" + hint);
      }
      if (!org.pf4j.Plugin.class.isAssignableFrom(type)) {
        return Optional.of("plugin.class " + pluginClass.trim() + " does not extend org.pf4j.Plugin" + hint);
      }
      return Optional.empty();
    }

    private Optional<String> requiresProblem(String requires) {
      String range = ApiRange.expression(requires);
      boolean satisfied;
      try {
        satisfied = manager.getVersionManager().checkVersionConstraint(LaminarApi.VERSION, range);
      } catch (RuntimeException e) {
        return Optional.of("plugin.requires '" + requires + "' is not a valid version range: " + e.getMessage());
      }
      return satisfied ? Optional.empty() : Optional.of("plugin.requires '" + requires
          + "' is not satisfied by this server's laminar API " + LaminarApi.VERSION);
    }

    private Path unzip(Path zip, String name) throws IOException {
      if (unpackDir == null) {
        unpackDir = Files.createTempDirectory("laminar-plugins-");
      }
      Path target = unpackDir.resolve(name).normalize();
      Files.createDirectories(target);
      try (ZipFile archive = new ZipFile(zip.toFile())) {
        Enumeration<? extends ZipEntry> entries = archive.entries();
        while (entries.hasMoreElements()) {
          ZipEntry entry = entries.nextElement();
          Path out = target.resolve(entry.getName()).normalize();
          if (!out.startsWith(target)) {
            throw new IOException("entry '" + entry.getName() + "' points outside the plugin");
          }
          if (entry.isDirectory()) {
            Files.createDirectories(out);
          } else {
            Files.createDirectories(out.getParent());
            try (InputStream in = archive.getInputStream(entry)) {
              Files.copy(in, out);
            }
          }
        }
      }
      return target;
    }

    private void fail(PluginProperties props, Path location, String reason) {
      LOG.error("Plugin {} at {} FAILED: {}", props.id(), location, reason);
      infos.add(info(props, PluginState.FAILED, List.of(), location, Optional.of(reason), List.of()));
    }

    private void fail(String id, Path location, String reason) {
      LOG.error("Plugin {} at {} FAILED: {}", id, location, reason);
      infos.add(new PluginInfo(id, "", PluginState.FAILED, List.of(), location, Optional.of(reason), "", "",
          List.of()));
    }

    private static PluginInfo info(PluginProperties props, PluginState state, List<String> provides, Path location,
        Optional<String> error, List<String> warnings) {
      return new PluginInfo(props.id(), props.version(), state, provides, location, error, props.description(),
          props.requires(), warnings);
    }
  }

  /** One warning per jar of the plugin that bundles classes of a package the host shares. */
  private static List<String> bundledHostClasses(Path plugin) {
    List<String> warnings = new ArrayList<>();
    for (Path jar : LaminarPluginManager.classPath(plugin)) {
      if (Files.isDirectory(jar)) {
        continue;
      }
      Set<String> shared = new TreeSet<>();
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        zip.stream()
            .map(ZipEntry::getName)
            .filter(n -> n.endsWith(".class"))
            .map(n -> n.replace('/', '.'))
            .filter(PluginClassLoader::isShared)
            .forEach(n -> PluginClassLoader.SHARED_PACKAGES.stream().filter(n::startsWith).forEach(shared::add));
      } catch (IOException e) {
        warnings.add("cannot read " + jar.getFileName() + ": " + e.getMessage());
        continue;
      }
      if (!shared.isEmpty()) {
        List<String> packages = shared.stream().map(p -> p.substring(0, p.length() - 1)).toList();
        warnings.add("lib/" + jar.getFileName() + " bundles classes of " + String.join(", ", packages)
            + "; the host's copies are used instead (declare the dependency with scope provided)");
      }
    }
    return warnings;
  }

  private static Optional<String> providesMismatch(PluginProperties props, List<String> actual) {
    Set<String> declared = new TreeSet<>(props.declaredProvides());
    if (declared.equals(new TreeSet<>(actual))) {
      return Optional.empty();
    }
    return Optional.of("plugin.provides declares " + (declared.isEmpty() ? "nothing" : declared)
        + " but the extensions provide " + actual);
  }

  /** A plugin's extensions could not be loaded, created or described; the message is the reason. */
  private static final class ExtensionFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ExtensionFailure(String message) {
      super(message, null, false, false);
    }
  }

  /** The factories of one plugin, created by hand (PF4J's getExtensions logs and drops failures). */
  private static final class Extensions {
    final List<SourceFactory> sources = new ArrayList<>();
    final List<LookupFactory> lookups = new ArrayList<>();
    final List<SinkFactory> sinks = new ArrayList<>();
    final List<String> provides = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    static Extensions create(LaminarPluginManager manager, ClassLoader loader)
        throws ExtensionFailure {
      Set<String> classNames = extensionClassNames(loader);
      if (classNames.isEmpty()) {
        throw new ExtensionFailure("the plugin declares no extensions: META-INF/extensions.idx is missing or empty"
            + " (annotate factories with @org.pf4j.Extension and build with PF4J's annotation processor)");
      }
      Extensions out = new Extensions();
      for (String className : classNames) {
        try {
          ContextClassLoader.run(loader, () -> out.add(manager, className, Class.forName(className, true, loader)));
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
          throw new ExtensionFailure(reason(className, e));
        }
      }
      Collections.sort(out.provides);
      return out;
    }

    /**
     * The class names listed in every {@code META-INF/extensions.idx} of the plugin's own jars. PF4J
     * reads only the first index on the class path, so a bundled jar with an (empty) index of its
     * own would hide the plugin's extensions.
     */
    private static Set<String> extensionClassNames(ClassLoader loader) throws ExtensionFailure {
      Set<String> names = new TreeSet<>();
      try {
        for (URL index : Collections.list(loader.getResources(IndexedExtensionFinder.EXTENSIONS_RESOURCE))) {
          try (Reader in = new InputStreamReader(index.openStream(), StandardCharsets.UTF_8)) {
            ExtensionStorage.read(in, names);
          }
        }
      } catch (IOException e) {
        throw new ExtensionFailure("cannot read " + IndexedExtensionFinder.EXTENSIONS_RESOURCE + ": " + e);
      }
      return names;
    }

    private void add(LaminarPluginManager manager, String className, Class<?> type) {
      boolean any = false;
      Object instance = null;
      if (SourceFactory.class.isAssignableFrom(type)) {
        instance = manager.getExtensionFactory().create(type);
        IsolatedSourceFactory f = new IsolatedSourceFactory((SourceFactory) instance, type.getClassLoader());
        describe(className, ConnectorKind.SOURCE, f.spec());
        sources.add(f);
        any = true;
      }
      if (LookupFactory.class.isAssignableFrom(type)) {
        instance = instance != null ? instance : manager.getExtensionFactory().create(type);
        IsolatedLookupFactory f = new IsolatedLookupFactory((LookupFactory) instance, type.getClassLoader());
        describe(className, ConnectorKind.LOOKUP, f.spec());
        lookups.add(f);
        any = true;
      }
      if (SinkFactory.class.isAssignableFrom(type)) {
        instance = instance != null ? instance : manager.getExtensionFactory().create(type);
        IsolatedSinkFactory f = new IsolatedSinkFactory((SinkFactory) instance, type.getClassLoader());
        describe(className, ConnectorKind.SINK, f.spec());
        sinks.add(f);
        any = true;
      }
      if (!any) {
        warnings.add("extension " + className + " implements none of SourceFactory, LookupFactory, SinkFactory;"
            + " ignored");
      }
    }

    private void describe(String className, ConnectorKind kind, ConnectorSpec spec) {
      if (spec == null) {
        throw new IllegalStateException(className + ".spec() returned null");
      }
      if (spec.kind() != kind) {
        throw new IllegalStateException(className + " is a " + kind.label() + " factory but its spec says "
            + spec.kind().label());
      }
      provides.add(kind.label() + ":" + spec.type());
    }

    /** The user-facing reason an extension failed, naming a missing class when that is the cause. */
    static String reason(String className, Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        String message = t.getMessage();
        if (t instanceof NoClassDefFoundError && message != null && !message.startsWith("Could not initialize")) {
          return missing(message.replace('/', '.'), className);
        }
        if (t instanceof ClassNotFoundException && message != null) {
          return message.equals(className)
              ? "extension " + className + " is listed in META-INF/extensions.idx but is not in the plugin"
              : missing(message, className);
        }
        if (t.getCause() == t) {
          break;
        }
      }
      Throwable root = failure;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return "extension " + className + " failed: " + root;
    }

    private static String missing(String missingClass, String className) {
      return "missing class " + missingClass + ": the plugin must bundle it in lib/ (needed by " + className + ")";
    }
  }
}
