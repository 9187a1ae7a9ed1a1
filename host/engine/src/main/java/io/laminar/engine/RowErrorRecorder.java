package io.laminar.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.laminar.config.PipelineConfig;
import io.laminar.config.RowErrorPolicy;
import io.laminar.plan.Expr;
import io.laminar.runtime.RowError;
import io.laminar.runtime.RowErrorHandler;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline worker's {@code on.error} policy for rows whose expression fails, groups whose
 * aggregate does not fit its type and rows a sink rejects: {@code skip} logs the row (the first 10,
 * then every 10,000th) and drops it; {@code dead_letter} also writes it as one JSON line to the
 * pipeline's {@link DeadLetterFile}:
 *
 * <pre>{"time":"…","pipeline":"p","step":"Project","expression":"CAST(s AS INT)",
 * "position":"laminar.toml:14:11","error":"cannot cast 'x' to INT (…)","row":{"id":3,"s":"x"}}</pre>
 *
 * (an aggregate: step {@code Aggregate}, the aggregate as expression, the group's key and window
 * bounds as row; a sink: step {@code sink 'name'}, the sink's position, its {@code column}, the row
 * the sink was given). The runtime counts the rows ({@code ExecutorMetrics.rowErrors()}).
 */
final class RowErrorRecorder implements RowErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RowErrorRecorder.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LOG_FIRST = 10;
  private static final int LOG_EVERY = 10_000;

  private final PipelineConfig pipeline;
  private final DeadLetterFile deadLetters;
  private final LongSupplier clock;
  private long seen;

  private RowErrorRecorder(PipelineConfig pipeline, DeadLetterFile deadLetters, LongSupplier clock) {
    this.pipeline = pipeline;
    this.deadLetters = deadLetters;
    this.clock = clock;
  }

  /** The recorder of a pipeline's policy; null for {@code fail} (the runtime's default). */
  static RowErrorRecorder of(PipelineConfig pipeline, EngineBuilder builder) {
    if (pipeline == null || pipeline.onError() == RowErrorPolicy.FAIL) {
      return null;
    }
    DeadLetterFile file = pipeline.onError() == RowErrorPolicy.DEAD_LETTER
        ? builder.deadLetterFile(pipeline.deadLetterPath().orElseThrow()) : null;
    return new RowErrorRecorder(pipeline, file, builder.processingClock());
  }

  @Override
  public void onRowError(RowError error) {
    Expr.Origin origin = error.error().origin();
    String position = origin == null ? null : pipeline.positionInFile(origin.line(), origin.column()).toString();
    record(error.step(), origin == null ? null : origin.text(), position, null, error.error().problem(), error.row());
  }

  /** A row sink {@code sink} (configured at {@code position}) rejected: {@code column}'s value, {@code reason}. */
  void onSinkRejection(String sink, String position, String column, String reason, Map<String, Object> row) {
    record("sink '" + sink + "'", null, position, column, reason, row);
  }

  private void record(String step, String expression, String position, String column, String problem,
      Map<String, Object> row) {
    seen++;
    if (seen <= LOG_FIRST || seen % LOG_EVERY == 0) {
      LOG.warn("pipeline '{}': {} a row ({} so far in this worker): {}{} {}", pipeline.name(),
          deadLetters == null ? "skipped" : "dead-lettered", seen,
          position == null ? "" : position + ": ", (step.startsWith("sink") ? step + ": " : "")
              + (column == null ? "" : "column '" + column + "': ") + problem
              + (expression == null ? "" : " in `" + expression + "`"), row);
    }
    if (deadLetters == null) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", Instant.ofEpochMilli(clock.getAsLong()).toString());
    line.put("pipeline", pipeline.name());
    line.put("step", step);
    line.put("expression", expression);
    line.put("position", position);
    if (column != null) {
      line.put("column", column);
    }
    line.put("error", problem);
    line.put("row", row);
    deadLetters.append(json(line));
  }

  /** {@code value} as JSON. */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a dead letter as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Makes this worker's dead letters durable (at a checkpoint barrier, and when the worker ends). */
  void sync() {
    if (deadLetters != null) {
      deadLetters.sync();
    }
  }
}
