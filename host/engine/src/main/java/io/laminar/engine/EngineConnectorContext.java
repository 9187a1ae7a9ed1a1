package io.laminar.engine;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowRejections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context the engine hands each connector instance. Nothing here allocates until the connector
 * asks: the child allocator and the data directory are created on first use, so building (and
 * discarding) connectors during validation costs nothing.
 */
final class EngineConnectorContext implements ConnectorContext {
  private final String name;
  private final ConnectorKind kind;
  private final String serverName;
  private final ConnectorProperties properties;
  private final Schema schema;
  private final List<String> primaryKey;
  private final DeliveryGuarantee delivery;
  private final ChangelogMode inputChangelogMode;
  private final BufferAllocator parentAllocator;
  private final ConnectorMetrics metrics;
  private final Path dataDir;
  /** A sink's rejected rows go here (null for sources and lookups). */
  private final SinkRowRejections rejections;
  private BufferAllocator allocator;

  EngineConnectorContext(String name, ConnectorKind kind, String serverName, ConnectorProperties properties,
      Schema schema, List<String> primaryKey, DeliveryGuarantee delivery, ChangelogMode inputChangelogMode,
      BufferAllocator parentAllocator,
      ConnectorMetrics metrics, Path dataDir) {
    this.name = name;
    this.kind = kind;
    this.serverName = serverName;
    this.properties = properties;
    this.schema = schema;
    this.primaryKey = List.copyOf(primaryKey);
    this.delivery = delivery;
    this.inputChangelogMode = inputChangelogMode;
    this.parentAllocator = parentAllocator;
    this.metrics = metrics;
    this.dataDir = dataDir;
    this.rejections = kind == ConnectorKind.SINK ? new SinkRowRejections(name) : null;
  }

  /**
   * A fresh context for a new instance of the same connector (a restart): same settings, metrics
   * and data directory, its own allocator.
   */
  EngineConnectorContext fresh() {
    return new EngineConnectorContext(name, kind, serverName, properties, schema, primaryKey, delivery,
        inputChangelogMode, parentAllocator, metrics, dataDir);
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
  public ConnectorProperties properties() {
    return properties;
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public ChangelogMode inputChangelogMode() {
    return inputChangelogMode;
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
  public synchronized BufferAllocator allocator() {
    if (allocator == null) {
      allocator = parentAllocator.newChildAllocator(kind.label() + ":" + name, 0, Long.MAX_VALUE);
    }
    return allocator;
  }

  /** Closes the child allocator if one was made; Arrow reports leaked buffers by throwing. */
  synchronized void closeAllocator() {
    if (allocator != null) {
      allocator.close();
      allocator = null;
    }
  }

  @Override
  public RowRejections rowRejections() {
    return rejections == null ? ConnectorContext.super.rowRejections() : rejections;
  }

  /** A sink's rejection channel, which its pipeline's workers bind during each write; null for other kinds. */
  SinkRowRejections sinkRejections() {
    return rejections;
  }

  @Override
  public ConnectorMetrics metrics() {
    return metrics;
  }

  @Override
  public Logger logger() {
    return LoggerFactory.getLogger("laminar." + kind.label() + "." + name);
  }

  @Override
  public Path dataDir() {
    try {
      return Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + dataDir, e);
    }
  }
}
