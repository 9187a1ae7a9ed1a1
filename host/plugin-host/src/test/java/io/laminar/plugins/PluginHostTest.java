package io.laminar.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import io.laminar.registry.ConnectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** All five test plugins in one directory, loaded by one host. */
class PluginHostTest {
  private static PluginHost host;
  private BufferAllocator allocator;

  @BeforeAll
  static void loadTestPlugins() {
    host = PluginHost.load(TestPlugins.dir());
  }

  @AfterAll
  static void closeHost() {
    host.close();
  }

  @BeforeEach
  void newAllocator() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noArrowMemoryLeft() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory still allocated");
    allocator.close();
  }

  private static PluginInfo info(String id) {
    return host.plugins().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  private static ConnectorProvider provider(String id) {
    return host.providers().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void everyGoodPluginStartsAndTheBrokenOneFails() {
    Map<String, PluginState> states = host.plugins().stream()
        .collect(Collectors.toMap(PluginInfo::id, PluginInfo::state));
    assertEquals(Map.of("guava-old", PluginState.STARTED, "guava-new", PluginState.STARTED,
        "bundles-api", PluginState.STARTED, "service-loader", PluginState.STARTED,
        "missing-dep", PluginState.FAILED), states);
    assertEquals(List.of("bundles-api", "guava-new", "guava-old", "service-loader"),
        host.providers().stream().map(ConnectorProvider::id).sorted().toList());
  }

  @Test
  void twoPluginsUseTwoIncompatibleGuavaVersionsAtTheSameTime() {
    String oldDescription = provider("guava-old").sources().get(0).spec().description();
    String newDescription = provider("guava-new").sources().get(0).spec().description();
    assertEquals("guava_old{guava=guava-16.0.1.jar}", oldDescription);
    assertEquals("guava_new{guava=guava-33.5.0-jre.jar}", newDescription);
  }

  @Test
  void aClassThePluginDoesNotBundleFailsThePluginEvenWhenTheHostHasIt() throws Exception {
    // the host (this test class path) has Jackson databind; the plugin must not get it
    Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
    PluginInfo missing = info("missing-dep");
    assertEquals(PluginState.FAILED, missing.state());
    assertEquals("missing class com.fasterxml.jackson.databind.ObjectMapper: the plugin must bundle it in lib/"
        + " (needed by io.laminar.testplugins.missingdep.MissingDepSourceFactory)", missing.error().orElseThrow());
    assertTrue(missing.provides().isEmpty());
  }

  @Test
  void startedPluginsReportWhatTheirExtensionsProvide() {
    PluginInfo info = info("service-loader");
    assertEquals(List.of("lookup:tccl_check", "sink:tccl_check", "source:service_loader"), info.provides());
    assertEquals("0.1.0-SNAPSHOT", info.version());
    assertEquals(">=0.1 <1.0", info.requires());
    assertTrue(info.error().isEmpty());
    assertTrue(info.warnings().isEmpty(), info.warnings().toString());
  }

  @Test
  void aPluginThatBundlesTheApiStillGetsTheHostsClasses() throws Exception {
    SourceFactory factory = provider("bundles-api").sources().get(0);
    SourceFactory own = ((IsolatedSourceFactory) factory).delegate();
    assertTrue(own instanceof SourceFactory);
    assertSame(SourceFactory.class, own.getClass().getInterfaces()[0]);
    assertSame(VectorSchemaRoot.class, own.getClass().getClassLoader().loadClass(VectorSchemaRoot.class.getName()));

    Schema schema = new Schema(List.of(Field.nullable("value", new ArrowType.Int(32, true))));
    try (Source source = factory.create(new TestContext("bundled", ConnectorKind.SOURCE, schema, allocator))) {
      source.open(null);
      try (Batch batch = source.poll(10, Duration.ZERO)) {
        assertEquals(42, ((IntVector) batch.data().getVector("value")).get(0));
      }
    }
  }

  @Test
  void aPluginThatBundlesTheApiIsWarnedAboutIt() {
    List<String> warnings = info("bundles-api").warnings();
    assertTrue(warnings.contains("lib/laminar-plugin-api-0.1.0-SNAPSHOT.jar bundles classes of io.laminar.api;"
        + " the host's copies are used instead (declare the dependency with scope provided)"), warnings.toString());
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("lib/arrow-vector-19.0.0.jar bundles classes of"
        + " org.apache.arrow")), warnings.toString());
  }

  @Test
  void serviceLoaderInsidePluginCodeFindsThePluginsOwnService() throws Exception {
    SourceFactory factory = provider("service-loader").sources().get(0);
    assertEquals("emits: hello from the service-loader plugin", factory.spec().description());

    Schema schema = new Schema(List.of(Field.nullable("greeting", ArrowType.Utf8.INSTANCE)));
    try (Source source = factory.create(new TestContext("greeting", ConnectorKind.SOURCE, schema, allocator))) {
      source.open(null);
      try (Batch batch = source.poll(10, Duration.ZERO)) {
        assertEquals("hello from the service-loader plugin",
            ((VarCharVector) batch.data().getVector("greeting")).getObject(0).toString());
      }
    }
  }

  @Test
  void everySourceCallRunsWithThePluginContextLoaderAndRestoresIt() throws Exception {
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    SourceFactory factory = provider("service-loader").sources().get(0);
    Schema schema = new Schema(List.of(Field.nullable("greeting", ArrowType.Utf8.INSTANCE)));
    // the plugin's source throws from any call made without its context loader
    Source source = factory.create(new TestContext("tccl", ConnectorKind.SOURCE, schema, allocator));
    source.check();
    source.open(null);
    source.poll(1, Duration.ZERO).close();
    assertTrue(source.isExhausted());
    assertNotNull(source.snapshotOffsets());
    source.close();
    assertSame(before, Thread.currentThread().getContextClassLoader());
  }

  @Test
  void everyLookupCallRunsWithThePluginContextLoaderAndRestoresIt() throws Exception {
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    LookupFactory factory = provider("service-loader").lookups().get(0);
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(32, true))));
    factory.spec();
    LookupSource lookup = factory.create(new TestContext("tccl", ConnectorKind.LOOKUP, schema, allocator));
    lookup.check();
    lookup.open();
    try (VectorSchemaRoot keys = VectorSchemaRoot.create(schema, allocator);
        VectorSchemaRoot found = lookup.lookup(keys)) {
      assertEquals(0, found.getRowCount());
    }
    lookup.close();
    assertSame(before, Thread.currentThread().getContextClassLoader());
  }

  @Test
  void everySinkCallRunsWithThePluginContextLoaderAndRestoresIt() throws Exception {
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    SinkFactory factory = provider("service-loader").sinks().get(0);
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(32, true))));
    factory.spec();
    Sink sink = factory.create(new TestContext("tccl", ConnectorKind.SINK, schema, allocator));
    assertNotNull(sink.maxGuarantee());
    assertTrue(sink.validateSchema(schema).isEmpty());
    sink.check();
    sink.open(0);
    try (Batch batch = Batch.of(VectorSchemaRoot.create(schema, allocator))) {
      sink.write(batch);
    }
    sink.prepareCommit(1);
    sink.commit(1);
    sink.abort(2);
    sink.close();
    assertSame(before, Thread.currentThread().getContextClassLoader());
  }

  @Test
  void pluginCodeCalledWithoutTheWrapperSeesTheWrongContextLoader() {
    SinkFactory own = ((IsolatedSinkFactory) provider("service-loader").sinks().get(0)).delegate();
    IllegalStateException e = assertThrows(IllegalStateException.class, own::spec);
    assertTrue(e.getMessage().startsWith("spec ran with context class loader"), e.getMessage());
  }

  @Test
  void theContextLoaderIsRestoredWhenPluginCodeThrows() {
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    SourceFactory guavaOld = provider("guava-old").sources().get(0);
    assertThrows(Exception.class, () -> guavaOld.create(
        new TestContext("x", ConnectorKind.SOURCE, new Schema(List.of()), allocator)));
    assertSame(before, Thread.currentThread().getContextClassLoader());
  }

  @Test
  void closeStopsAndUnloadsEveryPlugin() throws Exception {
    PluginHost own = PluginHost.load(TestPlugins.dir());
    assertEquals(4, own.startedPluginIds().size());
    ClassLoader guavaLoader = ((IsolatedSourceFactory) own.providers().stream()
        .filter(p -> p.id().equals("guava-old")).findFirst().orElseThrow().sources().get(0)).classLoader();
    own.close();
    assertEquals(List.of(), own.startedPluginIds());
    // a closed plugin class loader can no longer load classes from its jars
    assertThrows(ClassNotFoundException.class, () -> guavaLoader.loadClass("com.google.common.base.Joiner"));
  }

  @Test
  void aMissingPluginsDirectoryMeansNoPlugins(@TempDir Path tmp) {
    try (PluginHost empty = PluginHost.load(tmp.resolve("absent"))) {
      assertTrue(empty.plugins().isEmpty());
      assertTrue(empty.providers().isEmpty());
    }
  }

  @Test
  void aPluginsDirectoryThatIsAFileIsReportedAsFailed(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("plugins"), "not a directory");
    try (PluginHost broken = PluginHost.load(file)) {
      assertEquals(1, broken.plugins().size());
      PluginInfo info = broken.plugins().get(0);
      assertEquals(PluginState.FAILED, info.state());
      assertEquals("the plugins directory " + file.toAbsolutePath() + " is a file, not a directory",
          info.error().orElseThrow());
      assertTrue(broken.providers().isEmpty());
    }
  }

  @Test
  void anEmptyPluginsDirectoryMeansNoPlugins(@TempDir Path tmp) {
    try (PluginHost empty = PluginHost.load(tmp)) {
      assertTrue(empty.plugins().isEmpty());
      assertFalse(empty.providers().iterator().hasNext());
    }
  }
}
