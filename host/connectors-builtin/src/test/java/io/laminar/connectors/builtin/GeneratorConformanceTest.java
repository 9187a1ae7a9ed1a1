package io.laminar.connectors.builtin;

import io.laminar.api.SourceFactory;
import io.laminar.testkit.conformance.SourceConformance;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;

/** The source suite over a bounded, seeded generator with every column type it generates. */
class GeneratorConformanceTest extends SourceConformance {
  @Override
  protected SourceFactory factory() {
    return new GeneratorSourceFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("max_rows", 300, "seed", 42, "start_time", "2026-01-01T00:00:00Z",
        "fields.qty.kind", "sequence", "fields.symbol.values", "AAPL,MSFT,GOOG", "fields.price.null_rate", 0.2);
  }

  @Override
  protected Schema schema() {
    return GeneratorSourceTest.SCHEMA;
  }

  @Override
  protected int expectedRows() {
    return 300;
  }

  @Override
  protected boolean bounded() {
    return true;
  }
}
