package io.laminar.sql;

import io.laminar.plan.CompiledPipeline;
import java.util.List;

/** The outcome of compiling one pipeline: its plan, or every error found. */
public sealed interface CompileResult permits CompileResult.Success, CompileResult.Failure {

  /** Whether compilation succeeded. */
  default boolean isSuccess() {
    return this instanceof Success;
  }

  /** The compiled pipeline; throws if compilation failed. */
  default CompiledPipeline pipeline() {
    if (this instanceof Success s) {
      return s.compiled();
    }
    throw new IllegalStateException("compilation failed: " + errors());
  }

  /** The errors; empty on success. */
  List<SqlError> errors();

  /** A compiled pipeline. */
  record Success(CompiledPipeline compiled) implements CompileResult {
    @Override
    public List<SqlError> errors() {
      return List.of();
    }
  }

  /** One or more compile errors. */
  record Failure(List<SqlError> errors) implements CompileResult {
    /** Copies the list; it must not be empty. */
    public Failure {
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("a failure needs at least one error");
      }
      errors = List.copyOf(errors);
    }
  }
}
