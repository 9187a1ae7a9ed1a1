package io.laminar.engine;

import io.laminar.api.ConnectorException;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.config.ConfigError;
import io.laminar.config.ConnectorRef;
import io.laminar.config.Position;
import io.laminar.config.PropertyValidator;
import io.laminar.config.RawProperties;
import io.laminar.config.RawProperty;
import io.laminar.config.ValidatedProperties;
import io.laminar.registry.ConnectorRegistry;
import io.laminar.registry.RegisteredConnector;
import io.laminar.registry.Resolution;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Phase 1: resolve each instance's connector type, validate its properties against the factory's
 * spec and call the factory. Every failure becomes a {@link ServerError} at the most precise position
 * (the {@code connector = …} value, the offending property key, or the section).
 */
final class ConnectorFactoryPhase {
  private final ConnectorRegistry registry;
  private final String serverName;
  private final BufferAllocator allocator;
  private final EngineMetrics metrics;
  private final Path stateDir;
  private final List<ServerError> errors;

  ConnectorFactoryPhase(ConnectorRegistry registry, String serverName, BufferAllocator allocator,
      EngineMetrics metrics, Path stateDir, List<ServerError> errors) {
    this.registry = registry;
    this.serverName = serverName;
    this.allocator = allocator;
    this.metrics = metrics;
    this.stateDir = stateDir;
    this.errors = errors;
  }

  /** What an instance needs besides its connector reference and properties. */
  record InstanceSpec(ConnectorKind kind, String name, ConnectorRef connector, RawProperties properties,
      Schema schema, List<String> primaryKey, DeliveryGuarantee delivery, ChangelogMode inputChangelogMode,
      Position position, Map<String, Position> columnPositions) {
    InstanceSpec(ConnectorKind kind, String name, ConnectorRef connector, RawProperties properties,
        Schema schema, List<String> primaryKey, DeliveryGuarantee delivery, ChangelogMode inputChangelogMode,
        Position position) {
      this(kind, name, connector, properties, schema, primaryKey, delivery, inputChangelogMode, position, Map.of());
    }

    String label() {
      return kind.label() + " '" + name + "'";
    }
  }

  @FunctionalInterface
  interface Creator<T> {
    T create(RegisteredConnector connector, EngineConnectorContext context) throws ConnectorException;
  }

  <T> Optional<ConnectorInstance<T>> create(InstanceSpec spec, Creator<T> creator) {
    Resolution resolution = registry.resolve(spec.kind(), spec.connector().type(), spec.connector().pluginId());
    if (resolution instanceof Resolution.Failed failed) {
      errors.add(ServerError.at(ServerError.Kind.CONNECTOR_CREATION, spec.connector().position(),
          failed.message() + " (" + spec.label() + ")"));
      return Optional.empty();
    }
    RegisteredConnector connector = ((Resolution.Found) resolution).connector();
    ValidatedProperties validated =
        PropertyValidator.validate(connector.spec(), spec.label(), spec.properties());
    for (ConfigError e : validated.errors()) {
      errors.add(ServerError.of(e));
    }
    if (!validated.errors().isEmpty()) {
      return Optional.empty();
    }
    EngineConnectorContext context = context(spec, validated.properties());
    try {
      T instance = creator.create(connector, context);
      return Optional.of(new ConnectorInstance<>(spec.name(), connector, instance, context, spec.position(),
          spec.columnPositions(), propertyPositions(spec)));
    } catch (ConnectorException e) {
      errors.add(ServerError.at(ServerError.Kind.CONNECTOR_CREATION, positionOf(e, spec),
          spec.label() + " (" + connector.type() + "): " + e.getMessage()));
    } catch (RuntimeException | LinkageError e) {
      // A connector bug is still reported as a value: the user needs the instance and the plugin.
      errors.add(ServerError.at(ServerError.Kind.CONNECTOR_CREATION, spec.connector().position(),
          spec.label() + ": connector '" + connector.type() + "' from " + connector.providerLabel()
              + " failed while being created: " + e));
    }
    context.closeAllocator();
    return Optional.empty();
  }

  private EngineConnectorContext context(InstanceSpec spec, ConnectorProperties properties) {
    return new EngineConnectorContext(spec.name(), spec.kind(), serverName, properties, spec.schema(),
        spec.primaryKey(), spec.delivery(), spec.inputChangelogMode(), allocator, metrics.forConnector(spec.kind().label(), spec.name()),
        stateDir.resolve("connectors").resolve(spec.kind().label() + "-" + spec.name()));
  }

  /** Where each configured property's key is, for errors {@code check()} finds later. */
  private static Map<String, Position> propertyPositions(InstanceSpec spec) {
    Map<String, Position> out = new java.util.HashMap<>();
    spec.properties().entries().forEach((key, p) -> {
      if (p.position() != null) {
        out.put(key, p.position());
      }
    });
    return Map.copyOf(out);
  }

  private static Position positionOf(ConnectorException e, InstanceSpec spec) {
    if (e.property().isPresent()) {
      RawProperty p = spec.properties().entries().get(e.property().get());
      if (p != null) {
        return p.position();
      }
      if (spec.properties().tablePosition() != null) {
        return spec.properties().tablePosition();
      }
    }
    return spec.position();
  }
}
