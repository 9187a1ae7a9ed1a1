package io.laminar.redis;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A test sink that keeps rows (column name → value) per instance name. */
final class CollectingSinkFactory implements SinkFactory {
  static final Map<String, List<Map<String, Object>>> ROWS = new ConcurrentHashMap<>();

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("collect", ConnectorKind.SINK).description("keeps rows for assertions").build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    List<Map<String, Object>> rows = ROWS.computeIfAbsent(context.name(),
        k -> Collections.synchronizedList(new ArrayList<>()));
    return new Sink() {
      @Override
      public DeliveryGuarantee maxGuarantee() {
        return DeliveryGuarantee.AT_LEAST_ONCE;
      }

      @Override
      public void open(long lastCommittedEpoch) {
      }

      @Override
      public void write(Batch batch) {
        rows.addAll(Fixtures.rows(batch.data()));
      }

      @Override
      public void prepareCommit(long epoch) {
      }

      @Override
      public void close() {
      }
    };
  }
}
