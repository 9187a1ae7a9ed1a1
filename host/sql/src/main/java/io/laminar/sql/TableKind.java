package io.laminar.sql;

/** What a catalog table stands for. */
public enum TableKind {
  /** An unbounded (or bounded) stream of rows from a source connector. */
  SOURCE,
  /** A keyed table queried row by row through a lookup connector. */
  LOOKUP
}
