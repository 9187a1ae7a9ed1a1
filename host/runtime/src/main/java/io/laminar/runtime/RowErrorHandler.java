package io.laminar.runtime;

/**
 * What a pipeline does with a row whose expression fails at run time (overflow, division by zero, a
 * failed CAST). The executor calls it once per bad row, on its own thread, after isolating the row
 * from the rest of its batch; returning drops the row and lets the batch go on, throwing fails the
 * pipeline. Without a handler, the first bad row fails the pipeline with its {@link ExpressionError}.
 */
@FunctionalInterface
public interface RowErrorHandler {
  /** Handles one bad row; the rest of its batch goes on once this returns. */
  void onRowError(RowError error);
}
