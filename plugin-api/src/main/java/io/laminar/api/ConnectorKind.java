package io.laminar.api;

/** The three roles a connector instance can play in a laminar configuration. */
public enum ConnectorKind {
  /** Produces an unbounded (or bounded) stream of rows: {@code [[source]]}. */
  SOURCE,
  /** Answers keyed point lookups for enrichment joins: {@code [[lookup]]}. */
  LOOKUP,
  /** Receives a pipeline's output: {@code [[sink]]}. */
  SINK;

  /** The lower-case name used in configuration files and messages ("source", "lookup", "sink"). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
