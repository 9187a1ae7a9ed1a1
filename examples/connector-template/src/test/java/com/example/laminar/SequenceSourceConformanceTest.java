package com.example.laminar;

import io.laminar.api.SourceFactory;
import io.laminar.testkit.conformance.SourceConformance;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The testkit's source suite: the spec's rules, properties through the server's own validation, every
 * row read once, honest isExhausted, batches of the configured schema, restarts at random stop
 * points without loss or repeat, every buffer released.
 */
class SequenceSourceConformanceTest extends SourceConformance {
  @Override
  protected SourceFactory factory() {
    return new SequenceSourceFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("start", 10L, "count", 300L, "batch_size", 17L);
  }

  @Override
  protected Schema schema() {
    return new Schema(List.of(Field.notNullable("n", new ArrowType.Int(64, true))));
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
