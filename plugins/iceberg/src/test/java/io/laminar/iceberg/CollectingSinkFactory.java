package io.laminar.iceberg;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.util.Text;

/** A test sink that keeps the pipeline's rows (column → value, timestamps as ms) and its committed epochs. */
final class CollectingSinkFactory implements SinkFactory {
  static final Map<String, List<Map<String, Object>>> ROWS = new ConcurrentHashMap<>();
  static final Map<String, List<Long>> COMMITS = new ConcurrentHashMap<>();
  /** The committed epochs that carried rows. */
  static final Map<String, List<Long>> EPOCHS_WITH_ROWS = new ConcurrentHashMap<>();

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("collect", ConnectorKind.SINK).description("keeps rows for assertions").build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    List<Map<String, Object>> rows = ROWS.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>()));
    List<Long> commits = COMMITS.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>()));
    List<Long> withRows = EPOCHS_WITH_ROWS.computeIfAbsent(context.name(),
        k -> Collections.synchronizedList(new ArrayList<>()));
    return new Sink() {
      private boolean rowsSincePrepare;
      private final java.util.Set<Long> preparedWithRows = new java.util.HashSet<>();

      @Override
      public DeliveryGuarantee maxGuarantee() {
        return DeliveryGuarantee.EXACTLY_ONCE;
      }

      @Override
      public ChangelogMode acceptedChangelogMode() {
        return ChangelogMode.APPEND_ONLY;
      }

      @Override
      public void open(long lastCommittedEpoch) {
      }

      @Override
      public void write(Batch batch) {
        var root = batch.data();
        for (int i = 0; i < root.getRowCount(); i++) {
          Map<String, Object> row = new HashMap<>();
          for (FieldVector v : root.getFieldVectors()) {
            Object o = v.isNull(i) ? null : v instanceof TimeStampVector t ? (Object) t.get(i) : v.getObject(i);
            row.put(v.getName(), o instanceof Text t ? t.toString() : o);
          }
          rows.add(row);
          rowsSincePrepare = true;
        }
      }

      @Override
      public void prepareCommit(long epoch) {
        if (rowsSincePrepare) {
          preparedWithRows.add(epoch);
        }
        rowsSincePrepare = false;
      }

      @Override
      public void commit(long epoch) {
        commits.add(epoch);
        if (preparedWithRows.remove(epoch)) {
          withRows.add(epoch);
        }
      }

      @Override
      public void close() {
      }
    };
  }
}
