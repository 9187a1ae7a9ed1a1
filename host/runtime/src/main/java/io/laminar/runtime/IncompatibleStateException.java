package io.laminar.runtime;

import java.io.IOException;

/**
 * Saved pipeline state that cannot be restored into this executor: it was taken from a different
 * plan (the pipeline's SQL, or the schema or watermark settings of a source it reads, changed since
 * the checkpoint) or written in a state format this version does not read.
 */
public final class IncompatibleStateException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An incompatibility described by {@code message}, which names the pipeline. */
  public IncompatibleStateException(String message) {
    super(message);
  }
}
