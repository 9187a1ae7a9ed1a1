package io.laminar.api;

import org.pf4j.ExtensionPoint;

/**
 * Extension point for sink connectors. Annotate an implementation with {@code @org.pf4j.Extension}
 * in a plugin (or register it in the host's built-ins) and it becomes available under
 * {@code spec().type()}.
 */
public interface SinkFactory extends ExtensionPoint {

  /** The type name, kind ({@link ConnectorKind#SINK}), description and properties. */
  ConnectorSpec spec();

  /**
   * Creates an instance. Properties are already validated against {@link #spec()}. Do no I/O here:
   * connections belong in {@code check()} and {@code open()}.
   */
  Sink create(ConnectorContext context) throws ConnectorException;
}
