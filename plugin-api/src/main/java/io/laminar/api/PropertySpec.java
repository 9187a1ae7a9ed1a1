package io.laminar.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Declares one property a connector accepts: its name, {@link PropertyType type}, whether it is
 * required, its default, the allowed values of an enum, and a one-line doc for
 * {@code laminar plugins describe}.
 *
 * <p>A name ending in {@code ".*"} (for example {@code "kafka.*"} or {@code "fields.*"}) declares a
 * <em>prefix</em>: every key starting with the part before the {@code *} is accepted as a string and
 * handed to the connector, which may still reject a value with
 * {@link ConnectorException#invalidProperty(String, String, String)}.
 */
public final class PropertySpec {
  private final String name;
  private final PropertyType type;
  private final boolean required;
  private final String defaultValue;
  private final List<String> allowedValues;
  private final String doc;
  private final boolean tuning;

  private PropertySpec(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    this.type = Objects.requireNonNull(b.type, "type");
    this.required = b.required;
    this.defaultValue = b.defaultValue;
    this.allowedValues = List.copyOf(b.allowedValues);
    this.doc = b.doc == null ? "" : b.doc;
    this.tuning = b.tuning;
    if (type == PropertyType.ENUM && allowedValues.isEmpty()) {
      throw new IllegalArgumentException("ENUM property '" + name + "' needs allowed values");
    }
    if (required && defaultValue != null) {
      throw new IllegalArgumentException("property '" + name + "' cannot be required and have a default");
    }
  }

  /** Starts a spec for a property of the given name and type. */
  public static Builder builder(String name, PropertyType type) {
    return new Builder(name, type);
  }

  /** A required string property. */
  public static PropertySpec requiredString(String name, String doc) {
    return builder(name, PropertyType.STRING).required().doc(doc).build();
  }

  /** The property key as written in {@code [source.properties]} and friends. */
  public String name() {
    return name;
  }

  /** The declared type. */
  public PropertyType type() {
    return type;
  }

  /** Whether a configuration without this property is rejected. */
  public boolean required() {
    return required;
  }

  /** The default value, in its configuration (string) form, if there is one. */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The accepted values of an {@link PropertyType#ENUM ENUM} property; empty for other types. */
  public List<String> allowedValues() {
    return allowedValues;
  }

  /** One line of user documentation. */
  public String doc() {
    return doc;
  }

  /** Whether this spec declares a key prefix ({@code "kafka.*"}) rather than one key. */
  public boolean isPrefix() {
    return name.endsWith(".*");
  }

  /** For a prefix spec, the prefix including its trailing dot ({@code "kafka."}). */
  public String prefix() {
    return isPrefix() ? name.substring(0, name.length() - 1) : name;
  }

  /**
   * Whether this property only changes how a source reads (rate, batch size, timeouts, client
   * tuning), not what it reads. Every other property of a source, except secrets, is part of its
   * identity: the host saves it with each checkpoint and refuses to resume the source's offsets
   * when it changed (a new topic, table, seed or start time means other data).
   */
  public boolean isTuning() {
    return tuning;
  }

  /** Whether this property selects what a source reads: neither {@link #isTuning tuning} nor secret. */
  public boolean isIdentity() {
    return !tuning && !isSecret();
  }

  /** Whether a value of this property must be redacted in output. */
  public boolean isSecret() {
    return type == PropertyType.PASSWORD;
  }

  @Override
  public String toString() {
    return name + ":" + type + (required ? " (required)" : "")
        + (defaultValue != null ? " = " + (isSecret() ? "****" : defaultValue) : "");
  }

  /** Fluent builder for {@link PropertySpec}. */
  public static final class Builder {
    private final String name;
    private final PropertyType type;
    private boolean required;
    private String defaultValue;
    private List<String> allowedValues = List.of();
    private String doc;
    private boolean tuning;

    private Builder(String name, PropertyType type) {
      this.name = name;
      this.type = type;
    }

    /** Marks the property as required. */
    public Builder required() {
      this.required = true;
      return this;
    }

    /** Sets the default, written as it would be in a config file ({@code "10s"}, {@code "42"}). */
    public Builder defaultValue(String value) {
      this.defaultValue = value;
      return this;
    }

    /** Sets the allowed values of an enum property. */
    public Builder allowedValues(String... values) {
      this.allowedValues = List.of(values);
      return this;
    }

    /** Sets the one-line documentation. */
    public Builder doc(String doc) {
      this.doc = doc;
      return this;
    }

    /**
     * Marks the property as tuning: changing it does not change what a source reads, so saved
     * offsets stay valid (see {@link PropertySpec#isTuning()}).
     */
    public Builder tuning() {
      this.tuning = true;
      return this;
    }

    /** Builds the immutable spec. */
    public PropertySpec build() {
      return new PropertySpec(this);
    }
  }
}
