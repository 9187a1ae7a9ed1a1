package io.laminar.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a connector factory offers: its type name (the {@code connector = "…"} value), its
 * {@link ConnectorKind kind}, a description and the {@link PropertySpec properties} it accepts.
 */
public final class ConnectorSpec {
  private final String type;
  private final ConnectorKind kind;
  private final String description;
  private final List<PropertySpec> properties;

  private ConnectorSpec(String type, ConnectorKind kind, String description, List<PropertySpec> properties) {
    this.type = Objects.requireNonNull(type, "type");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.description = description == null ? "" : description;
    this.properties = List.copyOf(properties);
    if (!type.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("connector type must be lower_snake_case: '" + type + "'");
    }
  }

  /** Starts a spec for the given type name and kind. */
  public static Builder builder(String type, ConnectorKind kind) {
    return new Builder(type, kind);
  }

  /** The type name users write in {@code connector = "…"}. */
  public String type() {
    return type;
  }

  /** Source, lookup or sink. */
  public ConnectorKind kind() {
    return kind;
  }

  /** A one-line description for listings. */
  public String description() {
    return description;
  }

  /** Every declared property, in declaration order. */
  public List<PropertySpec> properties() {
    return properties;
  }

  /** The spec of an exact key, or of the prefix spec that covers it. */
  public Optional<PropertySpec> property(String key) {
    for (PropertySpec p : properties) {
      if (!p.isPrefix() && p.name().equals(key)) {
        return Optional.of(p);
      }
    }
    for (PropertySpec p : properties) {
      if (p.isPrefix() && key.startsWith(p.prefix()) && key.length() > p.prefix().length()) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return kind.label() + " " + type;
  }

  /** Fluent builder for {@link ConnectorSpec}. */
  public static final class Builder {
    private final String type;
    private final ConnectorKind kind;
    private String description;
    private final List<PropertySpec> properties = new ArrayList<>();

    private Builder(String type, ConnectorKind kind) {
      this.type = type;
      this.kind = kind;
    }

    /** Sets the description. */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** Adds a property. */
    public Builder property(PropertySpec spec) {
      for (PropertySpec p : properties) {
        if (p.name().equals(spec.name())) {
          throw new IllegalArgumentException("duplicate property '" + spec.name() + "' in " + type);
        }
      }
      properties.add(spec);
      return this;
    }

    /** Builds the immutable spec. */
    public ConnectorSpec build() {
      return new ConnectorSpec(type, kind, description, properties);
    }
  }
}
