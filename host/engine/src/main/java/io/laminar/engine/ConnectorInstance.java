package io.laminar.engine;

import io.laminar.config.Position;
import io.laminar.registry.RegisteredConnector;
import java.util.Map;

/**
 * One created connector: the config name, which registered connector made it, the instance and the
 * context it was given, and where each configured schema column is (to report schema mismatches
 * found by {@code check()} at the column).
 *
 * @param <T> {@code Source}, {@code LookupSource} or {@code Sink}
 */
public record ConnectorInstance<T>(String name, RegisteredConnector connector, T instance,
    EngineConnectorContext context, Position position, Map<String, Position> columnPositions) {
  /** An instance whose schema columns have no positions of their own (sinks). */
  public ConnectorInstance(String name, RegisteredConnector connector, T instance, EngineConnectorContext context,
      Position position) {
    this(name, connector, instance, context, position, Map.of());
  }
}
