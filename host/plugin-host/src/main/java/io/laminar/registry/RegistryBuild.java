package io.laminar.registry;

import java.util.List;

/**
 * The result of {@link ConnectorRegistry#build}: a usable registry, plus the problems found among
 * the providers (a factory whose spec cannot be read or disagrees with its kind, a provider that
 * offers one type twice, a provider id used twice). The registry holds every connector that had no
 * problem.
 */
public record RegistryBuild(ConnectorRegistry registry, List<String> problems) {

  /** Copies the problem list. */
  public RegistryBuild {
    problems = List.copyOf(problems);
  }
}
