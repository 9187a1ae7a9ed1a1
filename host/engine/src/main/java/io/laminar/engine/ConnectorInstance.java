package io.laminar.engine;

import io.laminar.config.Position;
import io.laminar.registry.RegisteredConnector;

/**
 * One created connector: the config name, which registered connector made it, the instance and the
 * context it was given.
 *
 * @param <T> {@code Source}, {@code LookupSource} or {@code Sink}
 */
public record ConnectorInstance<T>(String name, RegisteredConnector connector, T instance,
    EngineConnectorContext context, Position position) {
}
