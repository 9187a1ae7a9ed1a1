package io.laminar.testkit.conformance;

import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.testkit.TestConnectorContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What one conformance test runs in, as the engine would give it: a root allocator with one child
 * per connector instance (closed, and checked to be at zero, when the instance is closed), a
 * server name unique to the test and stable across the restarts inside it, a data directory per
 * connector name that survives restarts, and the class loader the host sets as the thread context
 * class loader of every call into the connector.
 *
 * <p>Suites make one per test and close it at the end; closing reports every instance left open
 * and every allocator not at zero.
 */
public final class Harness implements AutoCloseable {
  private final BufferAllocator root = new RootAllocator();
  private final Path dir;
  private final String serverName = "conformance-" + UUID.randomUUID().toString().substring(0, 8);
  private final ClassLoader pluginLoader;
  private final List<Instance> open = new ArrayList<>();
  private int instances;

  /**
   * @param dir a directory private to the test: data directories and the pretend config file live
   *     there
   * @param factoryLoader the loader of the connector's factory, parent of the plugin loader
   */
  public Harness(Path dir, ClassLoader factoryLoader) {
    this.dir = dir;
    this.pluginLoader = new PluginLoader(factoryLoader);
  }

  /**
   * The class loader the host's {@code Isolated*} wrappers set as the thread context class loader
   * around every call into the connector: a loader of its own (delegating to the factory's), so a
   * connector that relies on the wrong loader is seen.
   */
  public ClassLoader pluginLoader() {
    return pluginLoader;
  }

  /** The server name contexts carry. */
  public String serverName() {
    return serverName;
  }

  /** The config file properties are said to come from (relative paths resolve next to it). */
  public Path configFile() {
    return dir.resolve("laminar.toml");
  }

  /** The test's private directory. */
  public Path dir() {
    return dir;
  }

  /** Allocations the test makes itself (input batches, lookup keys); checked at close. */
  public BufferAllocator testAllocator() {
    return root;
  }

  /**
   * A fresh context for a new instance of connector {@code name}, with its own child allocator and
   * the data directory every instance of that name shares.
   */
  public TestConnectorContext context(String name, ConnectorKind kind, ConnectorProperties properties,
      Schema schema, List<String> primaryKey, DeliveryGuarantee delivery, ChangelogMode inputChangelogMode) {
    BufferAllocator child = root.newChildAllocator(kind.label() + ":" + name + "#" + (++instances), 0, Long.MAX_VALUE);
    TestConnectorContext.Builder b = TestConnectorContext.builder(name, kind)
        .properties(properties.asMap())
        .schema(schema)
        .primaryKey(primaryKey)
        .allocator(child)
        .serverName(serverName)
        .inputChangelogMode(inputChangelogMode)
        .dataDir(dir.resolve("data").resolve(kind.label() + "-" + name));
    if (delivery != null) {
      b.delivery(delivery);
    }
    return b.build();
  }

  /** Starts tracking {@code connector}, whose context is {@code context}. */
  public <T extends AutoCloseable> T track(T connector, TestConnectorContext context) {
    open.add(new Instance(connector, context));
    return connector;
  }

  /**
   * Closes {@code connector} (once), then its allocator, and fails if the allocator was not at zero:
   * every Arrow buffer a connector allocates must be released by the time {@code close()} returns.
   */
  public void close(AutoCloseable connector) throws Exception {
    Instance instance = null;
    for (Instance i : open) {
      if (i.connector == connector) {
        instance = i;
      }
    }
    if (instance == null) {
      return;
    }
    open.remove(instance);
    try {
      connector.close();
    } finally {
      String leak = release(instance.context);
      if (leak != null) {
        throw new AssertionError(leak);
      }
    }
  }

  /**
   * Closes what is still open and checks every allocator; fails with all problems found. Call it
   * in a {@code finally}.
   */
  @Override
  public void close() {
    List<String> all = new ArrayList<>();
    for (Instance i : List.copyOf(open)) {
      open.remove(i);
      try {
        i.connector.close();
      } catch (Exception | LinkageError e) {
        all.add(i.context.kind().label() + " '" + i.context.name() + "': close() failed: " + e);
      }
      String leak = release(i.context);
      if (leak != null) {
        all.add(leak);
      }
    }
    long test = root.getAllocatedMemory();
    if (test != 0) {
      all.add(test + " bytes allocated by the test itself are still held (a batch handed to the test was not"
          + " closed, or the connector kept one)");
    }
    try {
      root.close();
    } catch (IllegalStateException e) {
      all.add("the root allocator does not close cleanly: " + e.getMessage());
    }
    if (!all.isEmpty()) {
      throw new AssertionError(String.join("\n", all));
    }
  }

  /** Closes a context's allocator; the leak report when it was not at zero. */
  private static String release(TestConnectorContext context) {
    BufferAllocator a = context.allocator();
    long held = a.getAllocatedMemory();
    String leak = held == 0 ? null
        : context.kind().label() + " '" + context.name() + "' still holds " + held
            + " bytes of Arrow memory after close() (every buffer it allocated must be released by then):\n"
            + a.toVerboseString();
    try {
      a.close();
    } catch (IllegalStateException e) {
      return leak != null ? leak : context.kind().label() + " '" + context.name() + "': " + e.getMessage();
    }
    return leak;
  }

  private record Instance(AutoCloseable connector, TestConnectorContext context) {
  }

  /** The stand-in for a plugin's class loader: delegates everything to the factory's loader. */
  static final class PluginLoader extends ClassLoader {
    static {
      registerAsParallelCapable();
    }

    PluginLoader(ClassLoader parent) {
      super("conformance-plugin", parent);
    }
  }
}
