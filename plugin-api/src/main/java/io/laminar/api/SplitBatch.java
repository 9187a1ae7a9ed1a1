package io.laminar.api;

import java.util.Objects;

/**
 * Rows of exactly one split, as {@link SplitReader#poll} returns them: the split's id (one of those
 * the reader was given) and the batch. Ownership of the batch moves to the caller.
 *
 * @param split the id of the split every row of {@code batch} comes from
 * @param batch the rows
 */
public record SplitBatch(String split, Batch batch) {

  /** Checks that both parts are present. */
  public SplitBatch {
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(batch, "batch");
  }
}
