package io.laminar.plugins;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The class loader of one plugin. The isolation scheme, in full:
 *
 * <ul>
 *   <li><b>JDK</b>: every class the <em>platform</em> class loader can load comes from it, first
 *       (Trino's rule). That is {@code java.*} and {@code javax.*}, but also the JDK's packages
 *       outside those namespaces — {@code org.ietf.jgss} (Kafka SASL/GSSAPI), {@code org.w3c.dom},
 *       {@code org.xml.sax}, … — which a fixed prefix list would hide. Only then the plugin's own
 *       jars (for libraries that live in such namespaces, such as {@code javax.inject}).</li>
 *   <li><b>Host-shared</b> ({@link #SHARED_PACKAGES}: the SPI, PF4J, Arrow, SLF4J): parent-first
 *       from the host's loader, so a plugin that bundles its own copy still links against the
 *       host's classes and its extensions keep the host's {@code Class} identity; the plugin's own
 *       copy is used only for classes the host does not have.</li>
 *   <li><b>Everything else</b>: only the plugin's own {@code classes/} and {@code lib/*.jar}.
 *       There is no fallback to the application class path: a class the plugin does not ship is
 *       a {@link ClassNotFoundException} even when the host has it.</li>
 * </ul>
 *
 * Resources follow the same rules, except that {@code META-INF/services/*} comes from the plugin
 * only, so {@code ServiceLoader} with this loader as context class loader finds exactly the
 * plugin's own services (and the JDK's, through the platform loader's modules).
 *
 * <p>Thread safety: the loader is registered as parallel-capable; {@link #loadClass(String, boolean)}
 * locks per class name through {@link #getClassLoadingLock(String)}.
 */
public final class PluginClassLoader extends URLClassLoader {
  /** Package prefixes that every plugin takes from the host. */
  public static final List<String> SHARED_PACKAGES =
      List.of("io.laminar.api.", "org.pf4j.", "org.apache.arrow.", "org.slf4j.");

  /** Package prefixes of the Java platform whose resources come from the platform loader first. */
  private static final List<String> JDK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

  private static final String SERVICES = "META-INF/services/";
  private static final List<String> SHARED_PATHS = toPaths(SHARED_PACKAGES);
  private static final List<String> JDK_PATHS = toPaths(JDK_PACKAGES);

  /**
   * Every package of the modules the platform and bootstrap loaders define: exactly the classes the
   * platform class loader can load, whatever their names.
   */
  private static final Set<String> PLATFORM_PACKAGES = platformPackages();

  static {
    ClassLoader.registerAsParallelCapable();
  }

  private static Set<String> platformPackages() {
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    Set<String> packages = new HashSet<>();
    for (Module module : ModuleLayer.boot().modules()) {
      ClassLoader loader = module.getClassLoader();
      if (loader == null || loader == platform) {
        packages.addAll(module.getPackages());
      }
    }
    return Set.copyOf(packages);
  }

  private static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  private final String pluginId;
  private final ClassLoader hostLoader;

  /**
   * Creates the loader of plugin {@code pluginId} over its own class path entries.
   *
   * @param hostLoader where the {@link #SHARED_PACKAGES} come from (the loader of the SPI)
   */
  public PluginClassLoader(String pluginId, List<URL> classPath, ClassLoader hostLoader) {
    // The parent is the platform loader: plugins must not see the application class path.
    super("plugin:" + pluginId, classPath.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
    this.hostLoader = Objects.requireNonNull(hostLoader, "hostLoader");
  }

  /** The id of the plugin this loader belongs to. */
  public String pluginId() {
    return pluginId;
  }

  /** Whether {@code className} is in a package every plugin takes from the host. */
  public static boolean isShared(String className) {
    return startsWithAny(className, SHARED_PACKAGES);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        if (isShared(name)) {
          c = firstThenOwn(hostLoader, name);
        } else if (PLATFORM_PACKAGES.contains(packageOf(name))) {
          c = firstThenOwn(getParent(), name);
        } else {
          c = findClass(name); // no JDK class: no detour through a ClassNotFoundException
        }
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  private Class<?> firstThenOwn(ClassLoader first, String name) throws ClassNotFoundException {
    try {
      return first.loadClass(name);
    } catch (ClassNotFoundException notThere) {
      return findClass(name);
    }
  }

  @Override
  public URL getResource(String name) {
    for (ClassLoader loader : resourceOrder(name)) {
      URL url = loader == this ? findResource(name) : loader.getResource(name);
      if (url != null) {
        return url;
      }
    }
    return null;
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> urls = new ArrayList<>();
    for (ClassLoader loader : resourceOrder(name)) {
      urls.addAll(Collections.list(loader == this ? findResources(name) : loader.getResources(name)));
    }
    return Collections.enumeration(urls);
  }

  /** The loaders asked for a resource, in order; {@code this} stands for the plugin's own entries. */
  private List<ClassLoader> resourceOrder(String name) {
    if (name.startsWith(SERVICES)) {
      return List.of(this);
    }
    if (startsWithAny(name, SHARED_PATHS)) {
      return List.of(hostLoader, this);
    }
    if (startsWithAny(name, JDK_PATHS)) {
      return List.of(getParent(), this);
    }
    return List.of(this, getParent());
  }

  private static boolean startsWithAny(String name, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> toPaths(List<String> packages) {
    List<String> paths = new ArrayList<>();
    for (String p : packages) {
      paths.add(p.replace('.', '/'));
    }
    return List.copyOf(paths);
  }

  @Override
  public String toString() {
    return getName();
  }
}
