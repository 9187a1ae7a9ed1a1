package io.laminar.engine;

import io.laminar.config.Position;
import io.laminar.registry.RegisteredConnector;
import java.util.Map;

/**
 * One created connector: the config name, which registered connector made it, the instance and the
 * context it was given, where each configured schema column is (to report schema mismatches found
 * by {@code check()} at the column) and where each configured property is (to report a property
 * that {@code check()} finds unusable, such as a table that does not exist, at its key).
 *
 * @param <T> {@code Source}, {@code LookupSource} or {@code Sink}
 */
public record ConnectorInstance<T>(String name, RegisteredConnector connector, T instance,
    EngineConnectorContext context, Position position, Map<String, Position> columnPositions,
    Map<String, Position> propertyPositions) {
  /** An instance whose properties have no positions of their own. */
  public ConnectorInstance(String name, RegisteredConnector connector, T instance, EngineConnectorContext context,
      Position position, Map<String, Position> columnPositions) {
    this(name, connector, instance, context, position, columnPositions, Map.of());
  }

  /** An instance whose schema columns and properties have no positions of their own. */
  public ConnectorInstance(String name, RegisteredConnector connector, T instance, EngineConnectorContext context,
      Position position) {
    this(name, connector, instance, context, position, Map.of(), Map.of());
  }
}
