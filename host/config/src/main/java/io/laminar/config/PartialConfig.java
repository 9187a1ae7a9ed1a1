package io.laminar.config;

import java.util.Set;

/**
 * What could still be checked when the configuration has errors: the entries that are valid on
 * their own, and the names of those that were skipped because their own structure is broken. Later
 * phases (connector resolution, SQL, topology) run over {@code config} so that one run reports every
 * error, while the skipped names keep them from reporting follow-on errors ("no such table") about
 * entries that are already reported.
 *
 * @param config the valid entries and the settings (defaults where a setting was invalid)
 * @param skippedTables names of sources and lookups left out, lower-case
 * @param skippedPipelines names of pipelines left out, lower-case
 */
public record PartialConfig(LaminarConfig config, Set<String> skippedTables, Set<String> skippedPipelines) {
  /** Copies the sets. */
  public PartialConfig {
    skippedTables = Set.copyOf(skippedTables);
    skippedPipelines = Set.copyOf(skippedPipelines);
  }
}
