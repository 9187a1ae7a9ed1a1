package io.laminar.plugins;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.DeliveryGuarantee;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A minimal connector context for calling plugin factories from tests. */
record TestContext(String name, ConnectorKind kind, Schema schema, BufferAllocator allocator)
    implements ConnectorContext {

  @Override
  public String serverName() {
    return "test";
  }

  @Override
  public ConnectorProperties properties() {
    return ConnectorProperties.empty();
  }

  @Override
  public List<String> primaryKey() {
    return List.of();
  }

  @Override
  public Optional<DeliveryGuarantee> delivery() {
    return Optional.empty();
  }

  @Override
  public ConnectorMetrics metrics() {
    return ConnectorMetrics.noop();
  }

  @Override
  public Logger logger() {
    return LoggerFactory.getLogger("test." + name);
  }

  @Override
  public Path dataDir() {
    return Path.of("target", "test-data", name);
  }
}
