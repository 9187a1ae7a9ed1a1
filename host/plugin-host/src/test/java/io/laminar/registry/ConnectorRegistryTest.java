package io.laminar.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Registration, lookup and resolution messages, with tiny in-test providers. */
class ConnectorRegistryTest {

  /** A source factory that only describes itself. */
  record TestSource(String type, ConnectorKind declared) implements SourceFactory {
    TestSource(String type) {
      this(type, ConnectorKind.SOURCE);
    }

    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder(type, declared).description("test " + type).build();
    }

    @Override
    public Source create(ConnectorContext context) {
      throw new UnsupportedOperationException("not needed");
    }
  }

  /** A lookup factory that only describes itself. */
  record TestLookup(String type) implements LookupFactory {
    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder(type, ConnectorKind.LOOKUP).build();
    }

    @Override
    public LookupSource create(ConnectorContext context) {
      throw new UnsupportedOperationException("not needed");
    }
  }

  /** A sink factory that only describes itself. */
  record TestSink(String type) implements SinkFactory {
    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder(type, ConnectorKind.SINK).build();
    }

    @Override
    public Sink create(ConnectorContext context) {
      throw new UnsupportedOperationException("not needed");
    }
  }

  private static final ConnectorProvider BUILTIN = new ConnectorProvider("builtin", "0.1.0",
      List.of(new TestSource("generator")), List.of(new TestLookup("csv")),
      List.of(new TestSink("stdout"), new TestSink("blackhole")));
  private static final ConnectorProvider KAFKA = new ConnectorProvider("kafka", "0.1.0",
      List.of(new TestSource("kafka")), List.of(), List.of(new TestSink("kafka")));
  private static final ConnectorProvider OTHER_KAFKA = new ConnectorProvider("my-kafka", "2.0.0",
      List.of(new TestSource("kafka")), List.of(), List.of());

  private static ConnectorRegistry registry(ConnectorProvider... providers) {
    RegistryBuild build = ConnectorRegistry.build(List.of(providers));
    assertEquals(List.of(), build.problems());
    return build.registry();
  }

  @Test
  void findReturnsBuiltins() {
    RegisteredConnector generator = registry(BUILTIN).find(ConnectorKind.SOURCE, "generator").orElseThrow();
    assertEquals("builtin", generator.providerId());
    assertTrue(generator.isBuiltin());
    assertSame(BUILTIN.sources().get(0), generator.sourceFactory());
    assertEquals("test generator", generator.spec().description());
  }

  @Test
  void findKeepsKindsApart() {
    ConnectorRegistry registry = registry(BUILTIN, KAFKA);
    assertSame(KAFKA.sources().get(0), registry.find(ConnectorKind.SOURCE, "kafka").orElseThrow().factory());
    assertSame(KAFKA.sinks().get(0), registry.find(ConnectorKind.SINK, "kafka").orElseThrow().factory());
    assertTrue(registry.find(ConnectorKind.LOOKUP, "kafka").isEmpty());
  }

  @Test
  void unknownTypeSuggestsTheClosestAndListsTheInstalledTypes() {
    Resolution r = registry(BUILTIN, KAFKA).resolve(ConnectorKind.SOURCE, "kafa", Optional.empty());
    assertEquals("Unknown connector type 'kafa' for a source. Did you mean 'kafka'? Installed source types:"
        + " generator (builtin), kafka (plugin kafka 0.1.0)", r.error().orElseThrow());
  }

  @Test
  void aTypeOfAnotherKindIsNamedAsSuch() {
    Resolution r = registry(BUILTIN, KAFKA).resolve(ConnectorKind.SOURCE, "stdout", Optional.empty());
    assertEquals("Unknown connector type 'stdout' for a source. 'stdout' is a sink connector, not a source."
        + " Installed source types: generator (builtin), kafka (plugin kafka 0.1.0)", r.error().orElseThrow());
  }

  @Test
  void noInstalledTypesOfAKindSaysNone() {
    Resolution r = registry(KAFKA).resolve(ConnectorKind.LOOKUP, "redis", Optional.empty());
    assertEquals("Unknown connector type 'redis' for a lookup. Installed lookup types: none", r.error().orElseThrow());
  }

  @Test
  void aTypeOfferedTwiceIsAnErrorNamingBothProviders() {
    ConnectorRegistry registry = registry(BUILTIN, KAFKA, OTHER_KAFKA);
    Resolution r = registry.resolve(ConnectorKind.SOURCE, "kafka", Optional.empty());
    assertEquals("Connector type 'kafka' for a source is provided by 2 providers: plugin kafka 0.1.0, plugin"
        + " my-kafka 2.0.0. Pick one with connector = \"kafka@kafka\" or connector = \"kafka@my-kafka\"",
        r.error().orElseThrow());
    assertTrue(registry.find(ConnectorKind.SOURCE, "kafka").isEmpty());
    // the sink type is still unique
    assertTrue(registry.find(ConnectorKind.SINK, "kafka").isPresent());
  }

  @Test
  void aPluginIdPicksOneOfSeveralProviders() {
    ConnectorRegistry registry = registry(BUILTIN, KAFKA, OTHER_KAFKA);
    RegisteredConnector picked =
        registry.resolve(ConnectorKind.SOURCE, "kafka", Optional.of("my-kafka")).found().orElseThrow();
    assertSame(OTHER_KAFKA.sources().get(0), picked.factory());
    assertEquals("2.0.0", picked.providerVersion());
    assertSame(picked.factory(), registry.resolve(ConnectorKind.SOURCE, "kafka@my-kafka").found().orElseThrow()
        .factory());
  }

  @Test
  void anUnknownPluginIdListsTheProvidersOfThatType() {
    Resolution r = registry(BUILTIN, KAFKA, OTHER_KAFKA).resolve(ConnectorKind.SOURCE, "kafka", Optional.of("kfka"));
    assertEquals("No provider 'kfka' offers source type 'kafka'. Providers of 'kafka': plugin kafka 0.1.0,"
        + " plugin my-kafka 2.0.0", r.error().orElseThrow());
  }

  @Test
  void allIsSortedByKindThenType() {
    List<String> all = registry(KAFKA, BUILTIN).all().stream()
        .map(c -> c.kind().label() + ":" + c.type() + "@" + c.providerId()).toList();
    assertEquals(List.of("source:generator@builtin", "source:kafka@kafka", "lookup:csv@builtin",
        "sink:blackhole@builtin", "sink:kafka@kafka", "sink:stdout@builtin"), all);
  }

  @Test
  void aSpecOfTheWrongKindIsAProblemAndIsLeftOut() {
    ConnectorProvider odd = new ConnectorProvider("odd", "1.0.0",
        List.of(new TestSource("generator2", ConnectorKind.SINK)), List.of(), List.of());
    RegistryBuild build = ConnectorRegistry.build(List.of(BUILTIN, odd));
    assertEquals(List.of("plugin odd 1.0.0: source factory " + TestSource.class.getName()
        + " declares type 'generator2' as a sink"), build.problems());
    assertTrue(build.registry().named("generator2").isEmpty());
  }

  @Test
  void aProviderOfferingOneTypeTwiceIsAProblem() {
    ConnectorProvider twice = new ConnectorProvider("twice", "1.0.0",
        List.of(new TestSource("dup"), new TestSource("dup")), List.of(), List.of());
    RegistryBuild build = ConnectorRegistry.build(List.of(twice));
    assertEquals(List.of("plugin twice 1.0.0 offers source type 'dup' twice; the first one is used"),
        build.problems());
    assertSame(twice.sources().get(0), build.registry().find(ConnectorKind.SOURCE, "dup").orElseThrow().factory());
  }

  @Test
  void aSpecThatThrowsIsAProblem() {
    SourceFactory broken = new SourceFactory() {
      @Override
      public ConnectorSpec spec() {
        throw new IllegalStateException("boom");
      }

      @Override
      public Source create(ConnectorContext context) {
        throw new UnsupportedOperationException("not needed");
      }
    };
    RegistryBuild build = ConnectorRegistry.build(List.of(
        new ConnectorProvider("broken", "1.0.0", List.of(broken), List.of(), List.of())));
    assertEquals(1, build.problems().size());
    assertTrue(build.problems().get(0).endsWith("java.lang.IllegalStateException: boom"), build.problems().get(0));
  }

  @Test
  void aTypedAccessorOfTheWrongKindExplainsItself() {
    RegisteredConnector stdout = registry(BUILTIN).find(ConnectorKind.SINK, "stdout").orElseThrow();
    IllegalStateException e = assertThrows(IllegalStateException.class, stdout::sourceFactory);
    assertEquals("stdout (builtin) is a sink connector, not a source", e.getMessage());
  }
}
