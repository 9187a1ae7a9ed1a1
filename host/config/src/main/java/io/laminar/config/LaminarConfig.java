package io.laminar.config;

import java.util.List;

/**
 * The validated configuration of one server, merged from all its files.
 *
 * @param server {@code [server]}
 * @param state {@code [state]}
 * @param checkpoint {@code [checkpoint]}
 * @param sources {@code [[source]]} entries in file order (a same-named entry in a later file replaces
 *     the earlier one in place)
 * @param lookups {@code [[lookup]]} entries
 * @param pipelines {@code [[pipeline]]} entries
 * @param sinks {@code [[sink]]} entries
 */
public record LaminarConfig(ServerSettings server, StateSettings state, CheckpointSettings checkpoint,
    List<SourceConfig> sources, List<LookupConfig> lookups, List<PipelineConfig> pipelines, List<SinkConfig> sinks) {
  /** Copies the lists. */
  public LaminarConfig {
    sources = List.copyOf(sources);
    lookups = List.copyOf(lookups);
    pipelines = List.copyOf(pipelines);
    sinks = List.copyOf(sinks);
  }

  /**
   * SHA-256 (lower-case hex) of a canonical rendering of the whole model: every setting, including
   * defaults and secrets, but no file positions, so re-formatting a file or moving a section between
   * files does not change it while any change of meaning does. Checkpoints record it.
   */
  public String canonicalHash() {
    return CanonicalForm.sha256(CanonicalForm.render(this));
  }
}
