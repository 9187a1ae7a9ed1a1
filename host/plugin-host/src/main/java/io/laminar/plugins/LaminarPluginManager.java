package io.laminar.plugins;

import io.laminar.api.SourceFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.Plugin;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginWrapper;
import org.pf4j.PropertiesPluginDescriptorFinder;

/**
 * PF4J's manager with laminar's pieces: descriptors only from {@code plugin.properties}, class loading
 * through {@link PluginClassLoader}, and no {@code plugin.class} needed. {@link PluginHost} drives it
 * one plugin at a time.
 */
final class LaminarPluginManager extends DefaultPluginManager {

  LaminarPluginManager(Path pluginsRoot) {
    super(pluginsRoot);
  }

  @Override
  protected PluginDescriptorFinder createPluginDescriptorFinder() {
    return new PropertiesPluginDescriptorFinder();
  }

  @Override
  protected PluginLoader createPluginLoader() {
    return new IsolatingLoader(SourceFactory.class.getClassLoader());
  }

  @Override
  protected PluginFactory createPluginFactory() {
    PluginFactory standard = super.createPluginFactory();
    // A connector plugin needs no lifecycle class: extensions are all it contributes.
    return wrapper -> {
      String pluginClass = wrapper.getDescriptor().getPluginClass();
      return pluginClass == null || pluginClass.isBlank() ? new Plugin() : standard.create(wrapper);
    };
  }

  /**
   * PF4J's own check of {@code plugin.requires}, on the expression {@link ApiRange} makes of it
   * (PF4J would reject {@code >=0.2 <1.0} and read a bare version as "exactly"). {@link PluginHost}
   * has already refused a plugin whose range does not hold, with the reason.
   */
  @Override
  protected boolean isPluginValid(PluginWrapper wrapper) {
    String requires = ApiRange.expression(wrapper.getDescriptor().getRequires());
    return getVersionManager().checkVersionConstraint(getSystemVersion(), requires);
  }

  /** Whether the plugins directory's {@code disabled.txt} (or {@code enabled.txt}) turns this plugin off. */
  boolean disabled(String pluginId) {
    return isPluginDisabled(pluginId);
  }

  /**
   * A plugin's class path: {@code classes/} and {@code lib/*.jar} (sorted by name) of a directory
   * plugin, or the jar itself.
   */
  static List<Path> classPath(Path plugin) {
    List<Path> entries = new ArrayList<>();
    if (!Files.isDirectory(plugin)) {
      entries.add(plugin);
      return entries;
    }
    Path classes = plugin.resolve("classes");
    if (Files.isDirectory(classes)) {
      entries.add(classes);
    }
    Path lib = plugin.resolve("lib");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> jars = Files.list(lib)) {
        jars.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(entries::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + lib, e);
      }
    }
    return entries;
  }

  /** Builds a {@link PluginClassLoader} over a plugin directory or jar. */
  private static final class IsolatingLoader implements PluginLoader {
    private final ClassLoader hostLoader;

    IsolatingLoader(ClassLoader hostLoader) {
      this.hostLoader = hostLoader;
    }

    @Override
    public boolean isApplicable(Path pluginPath) {
      return Files.isDirectory(pluginPath) || pluginPath.getFileName().toString().endsWith(".jar");
    }

    @Override
    public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
      List<URL> urls = new ArrayList<>();
      for (Path entry : classPath(pluginPath)) {
        try {
          urls.add(entry.toUri().toURL());
        } catch (MalformedURLException e) {
          throw new IllegalArgumentException("bad class path entry " + entry, e);
        }
      }
      return new PluginClassLoader(descriptor.getPluginId(), urls, hostLoader);
    }
  }
}
