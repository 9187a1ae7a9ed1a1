package io.laminar.api;

/** The value types a connector property can declare; the host parses and checks each one. */
public enum PropertyType {
  /** Any string. */
  STRING,
  /** A 32-bit signed integer (TOML integer, or a string of digits). */
  INT,
  /** A 64-bit signed integer. */
  LONG,
  /** A double-precision number (TOML float or integer). */
  DOUBLE,
  /** {@code true} or {@code false}. */
  BOOLEAN,
  /** A duration such as {@code "250ms"}, {@code "10s"}, {@code "5m"}, {@code "1h"} or {@code "1.5s"}. */
  DURATION,
  /** One of the spec's {@link PropertySpec#allowedValues() allowed values} (case-insensitive). */
  ENUM,
  /** A secret string: never printed, logged or returned by the HTTP API. */
  PASSWORD,
  /**
   * A file system path. The host resolves a relative one against the directory of the configuration
   * file that sets it (a default against the first file's directory), so the connector always gets
   * an absolute, normalized path as a {@link String}, whatever the working directory.
   */
  PATH
}
