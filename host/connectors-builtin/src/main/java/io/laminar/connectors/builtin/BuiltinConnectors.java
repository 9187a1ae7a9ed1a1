package io.laminar.connectors.builtin;

import io.laminar.api.LookupFactory;
import io.laminar.api.SinkFactory;
import io.laminar.api.SourceFactory;
import java.util.List;

/** The connectors that ship inside the host, so the quickstart runs with an empty plugins directory. */
public final class BuiltinConnectors {
  /** Provider id shown in listings for these connectors. */
  public static final String PROVIDER_ID = "builtin";

  private BuiltinConnectors() {
  }

  /** {@code generator}. */
  public static List<SourceFactory> sources() {
    return List.of(new GeneratorSourceFactory());
  }

  /** {@code csv}. */
  public static List<LookupFactory> lookups() {
    return List.of(new CsvLookupFactory());
  }

  /** {@code stdout}, {@code blackhole}. */
  public static List<SinkFactory> sinks() {
    return List.of(new StdoutSinkFactory(), new BlackholeSinkFactory());
  }
}
