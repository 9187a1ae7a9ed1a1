package io.laminar.engine;

/**
 * One source, lookup, pipeline or sink of a running engine, as readiness checks and the HTTP API see
 * it.
 *
 * @param kind source, lookup, pipeline or sink
 * @param name the config name
 * @param connector the connector type (empty for pipelines)
 * @param state CREATED, RUNNING, RESTARTING (failed, being restarted from the last checkpoint), FINISHED
 *     (bounded input done), STOPPING, STOPPED or FAILED
 */
public record ComponentStatus(String kind, String name, String connector, String state) {
  /** Whether this component counts as ready. */
  public boolean ready() {
    return state.equals("RUNNING") || state.equals("FINISHED");
  }
}
