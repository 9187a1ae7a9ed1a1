package io.laminar.api;

/**
 * Which changes a stream carries (Flink calls this the changelog mode). A {@link Source} says what it
 * produces; a {@link Sink} says what it can consume, and the host refuses, before anything starts, a
 * pipeline whose output a sink cannot take.
 */
public enum ChangelogMode {
  /** Only {@link RowKind#INSERT}s: an event log. Batches need no row-kind vector. */
  APPEND_ONLY,
  /**
   * Changes to rows identified by a key (the sink's own, e.g. a table's primary key): the sink writes
   * the row of each {@link RowKind#INSERT} and {@link RowKind#UPDATE_AFTER} over the one with its key
   * and removes the row with the key of a {@link RowKind#DELETE} or {@link RowKind#UPDATE_BEFORE}
   * (an update that moves a row to another key retracts the old key that way). The host may leave
   * out an UPDATE_BEFORE whose following UPDATE_AFTER has the same key, so an upsert sink must not
   * depend on seeing them.
   */
  UPSERT,
  /** Every row kind, including each update's {@link RowKind#UPDATE_BEFORE} image. */
  ALL;

  /** Whether a consumer declaring this mode can take a stream of {@code produced} changes. */
  public boolean accepts(ChangelogMode produced) {
    return produced == APPEND_ONLY || this != APPEND_ONLY;
  }
}
