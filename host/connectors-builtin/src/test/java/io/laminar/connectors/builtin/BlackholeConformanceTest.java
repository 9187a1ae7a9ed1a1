package io.laminar.connectors.builtin;

import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.SinkFactory;
import io.laminar.testkit.conformance.SinkConformance;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;

/** The sink suite over blackhole (nothing to read back: the epoch calls and the memory are checked). */
class BlackholeConformanceTest extends SinkConformance {
  @Override
  protected SinkFactory factory() {
    return new BlackholeSinkFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of();
  }

  @Override
  protected Schema schema() {
    return new Schema(List.of(GeneratorSourceTest.field("id", new ArrowType.Int(64, true), false)));
  }

  @Override
  protected DeliveryGuarantee delivery() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }
}
