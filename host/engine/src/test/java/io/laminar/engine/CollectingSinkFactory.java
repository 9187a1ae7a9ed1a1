package io.laminar.engine;

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
import org.apache.arrow.vector.FieldVector;

/** A test sink that keeps rows (as text) per instance name, and records commits. */
final class CollectingSinkFactory implements SinkFactory {
  static final Map<String, List<String>> ROWS = new ConcurrentHashMap<>();
  static final Map<String, List<Long>> COMMITS = new ConcurrentHashMap<>();
  static final Map<String, List<Long>> OPENED_AT = new ConcurrentHashMap<>();

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("collect", ConnectorKind.SINK).description("keeps rows for assertions").build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    List<String> rows = ROWS.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>()));
    List<Long> commits = COMMITS.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>()));
    return new Sink() {
      @Override
      public DeliveryGuarantee maxGuarantee() {
        return DeliveryGuarantee.EXACTLY_ONCE;
      }

      @Override
      public void open(long lastCommittedEpoch) {
        OPENED_AT.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>()))
            .add(lastCommittedEpoch);
      }

      @Override
      public void write(Batch batch) {
        for (int r = 0; r < batch.rowCount(); r++) {
          List<String> cells = new ArrayList<>();
          for (FieldVector v : batch.data().getFieldVectors()) {
            cells.add(String.valueOf(v.getObject(r)));
          }
          rows.add(String.join(",", cells));
        }
      }

      @Override
      public void prepareCommit(long epoch) {
      }

      @Override
      public void commit(long epoch) {
        commits.add(epoch);
      }

      @Override
      public void close() {
      }
    };
  }
}
