package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConnectivityCheck}: a check that finds a property unusable (a table that does not exist) is
 * the configuration's mistake, reported at that property's key; a server it cannot reach is not.
 */
class ConnectivityCheckTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  /** A source whose check() fails as its {@code fails} property says. */
  static final class CheckingFactory implements SourceFactory {
    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder("check_probe", ConnectorKind.SOURCE).description("fails its check")
          .property(PropertySpec.requiredString("table", "a table"))
          .property(PropertySpec.requiredString("fails", "missing_table, unreachable or nothing"))
          .build();
    }

    @Override
    public Source create(ConnectorContext context) {
      String table = context.properties().requireString("table");
      String fails = context.properties().requireString("fails");
      return new Source() {
        @Override
        public void check() throws ConnectorException {
          switch (fails) {
            case "missing_table" -> throw new ConnectorException(ConnectorException.Kind.INVALID_PROPERTY, "table",
                "table " + table + " does not exist", null);
            case "unreachable" -> throw ConnectorException.connectionFailed("127.0.0.1:1", null);
            default -> { }
          }
        }

        @Override
        public void open(byte[] restoredOffsets) {
        }

        @Override
        public Batch poll(int maxRows, Duration timeout) {
          return null;
        }

        @Override
        public byte[] snapshotOffsets() {
          return new byte[0];
        }

        @Override
        public void close() {
        }
      };
    }
  }

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private List<ServerError> check(String... fails) throws Exception {
    ConnectorRegistry registry = ConnectorRegistry.build(List.of(
        new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
            BuiltinConnectors.sinks()),
        new ConnectorProvider("test", "test", List.of(new CheckingFactory()), List.of(), List.of()))).registry();
    StringBuilder toml = new StringBuilder("[state]\npath = \"" + dir.resolve("state") + "\"\n");
    for (int n = 0; n < fails.length; n++) {
      toml.append("""

          [[source]]
          name = "s%1$d"
          connector = "check_probe"
          [source.properties]
          fails = "%2$s"
          table = "public.t%1$d"
          [[source.schema]]
          name = "n"
          type = "BIGINT"
          """.formatted(n, fails[n]));
    }
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, toml);
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), registry, allocator, new EngineMetrics());
    try {
      assertTrue(b.construct().ok());
      return b.allInstances().isEmpty() ? List.of()
          : ConnectivityCheck.run(b.allInstances(), Duration.ofSeconds(30)).stream().sorted().toList();
    } finally {
      b.closeCreated();
    }
  }

  @Test
  void aMissingTableIsAConfigErrorAtTheTablePropertyNamingTheTable() throws Exception {
    List<ServerError> errors = check("missing_table");
    assertEquals(1, errors.size(), errors.toString());
    ServerError e = errors.get(0);
    assertEquals(ServerError.Kind.CONFIG, e.kind());
    // line 9 of the file is `table = "public.t0"`
    assertTrue(e.format().startsWith(dir.resolve("laminar.toml") + ":9:1: error: source 's0' (check_probe): table"
        + " public.t0 does not exist"), e.format());
  }

  @Test
  void anUnreachableServerStaysAConnectivityErrorAtTheSection() throws Exception {
    List<ServerError> errors = check("missing_table", "unreachable", "nothing");
    assertEquals(List.of(ServerError.Kind.CONFIG, ServerError.Kind.CONNECTION_FAILED),
        errors.stream().map(ServerError::kind).toList(), errors.toString());
    assertTrue(errors.get(1).format().contains("source 's1' (check_probe): cannot connect to 127.0.0.1:1"),
        errors.get(1).format());
  }
}
