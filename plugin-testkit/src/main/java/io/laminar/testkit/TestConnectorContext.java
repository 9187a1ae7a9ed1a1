package io.laminar.testkit;

import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.DeliveryGuarantee;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConnectorContext} for a connector's unit tests: typed properties given directly, an
 * allocator the test owns (and checks for leaks), no-op metrics.
 */
public final class TestConnectorContext implements ConnectorContext {
  private final String name;
  private final ConnectorKind kind;
  private final ConnectorProperties properties;
  private final Schema schema;
  private final List<String> primaryKey;
  private final DeliveryGuarantee delivery;
  private final BufferAllocator allocator;
  private final Path dataDir;
  private final String serverName;
  private final ChangelogMode inputChangelogMode;

  private TestConnectorContext(Builder b) {
    this.name = b.name;
    this.kind = b.kind;
    this.properties = new ConnectorProperties(b.properties);
    this.schema = Objects.requireNonNull(b.schema, "schema");
    this.primaryKey = List.copyOf(b.primaryKey);
    this.delivery = b.delivery;
    this.allocator = Objects.requireNonNull(b.allocator, "allocator");
    this.dataDir = b.dataDir;
    this.serverName = b.serverName;
    this.inputChangelogMode = b.inputChangelogMode;
  }

  /** Starts a context for an instance of the given kind. */
  public static Builder builder(String name, ConnectorKind kind) {
    return new Builder(name, kind);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ConnectorKind kind() {
    return kind;
  }

  @Override
  public String serverName() {
    return serverName;
  }

  @Override
  public ChangelogMode inputChangelogMode() {
    return inputChangelogMode;
  }

  @Override
  public ConnectorProperties properties() {
    return properties;
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public List<String> primaryKey() {
    return primaryKey;
  }

  @Override
  public Optional<DeliveryGuarantee> delivery() {
    return Optional.ofNullable(delivery);
  }

  @Override
  public BufferAllocator allocator() {
    return allocator;
  }

  @Override
  public ConnectorMetrics metrics() {
    return ConnectorMetrics.noop();
  }

  @Override
  public Logger logger() {
    return LoggerFactory.getLogger("io.laminar.connector." + name);
  }

  @Override
  public Path dataDir() {
    if (dataDir == null) {
      throw new IllegalStateException("test context for '" + name + "' has no data dir");
    }
    return dataDir;
  }

  /** Builder for {@link TestConnectorContext}. */
  public static final class Builder {
    private final String name;
    private final ConnectorKind kind;
    private Map<String, ?> properties = Map.of();
    private Schema schema;
    private List<String> primaryKey = List.of();
    private DeliveryGuarantee delivery;
    private BufferAllocator allocator;
    private Path dataDir;
    private String serverName = "test";
    private ChangelogMode inputChangelogMode = ChangelogMode.APPEND_ONLY;

    private Builder(String name, ConnectorKind kind) {
      this.name = name;
      this.kind = kind;
    }

    /** Typed property values, as the host would pass them after validation. */
    public Builder properties(Map<String, ?> properties) {
      this.properties = properties;
      return this;
    }

    /** The instance's Arrow schema. */
    public Builder schema(Schema schema) {
      this.schema = schema;
      return this;
    }

    /** A lookup's key columns. */
    public Builder primaryKey(List<String> primaryKey) {
      this.primaryKey = primaryKey;
      return this;
    }

    /** A sink's requested guarantee. */
    public Builder delivery(DeliveryGuarantee delivery) {
      this.delivery = delivery;
      return this;
    }

    /** The allocator batches come from; the test closes it. */
    public Builder allocator(BufferAllocator allocator) {
      this.allocator = allocator;
      return this;
    }

    /** The instance's private data directory. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** The server's name (default {@code "test"}). */
    public Builder serverName(String serverName) {
      this.serverName = Objects.requireNonNull(serverName, "serverName");
      return this;
    }

    /** For a sink: which changes the pipeline's output carries (default append-only). */
    public Builder inputChangelogMode(ChangelogMode mode) {
      this.inputChangelogMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Builds the context. */
    public TestConnectorContext build() {
      return new TestConnectorContext(this);
    }
  }
}
