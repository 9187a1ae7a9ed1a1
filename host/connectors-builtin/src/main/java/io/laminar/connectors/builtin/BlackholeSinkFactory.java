package io.laminar.connectors.builtin;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;

/** The {@code blackhole} sink: counts rows and discards them; for benchmarks and dry runs. */
public final class BlackholeSinkFactory implements SinkFactory {
  private static final ConnectorSpec SPEC = ConnectorSpec.builder("blackhole", ConnectorKind.SINK)
      .description("Counts rows (metric rows_discarded_total) and discards them.")
      .build();

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Sink create(ConnectorContext context) {
    ConnectorMetrics.Counter rows = context.metrics().counter("rows_discarded_total", "Rows received and discarded");
    return new Sink() {
      @Override
      public DeliveryGuarantee maxGuarantee() {
        return DeliveryGuarantee.EXACTLY_ONCE; // nothing is ever visible, so nothing can repeat
      }

      @Override
      public ChangelogMode acceptedChangelogMode() {
        // counts and discards: any kind of row is fine
        return ChangelogMode.ALL;
      }

      @Override
      public boolean acceptsWritesWhileCommitting() {
        return true; // commit and abort do nothing, so they cannot race a write
      }

      @Override
      public void open(long lastCommittedEpoch) {
      }

      @Override
      public void write(Batch batch) {
        rows.increment(batch.rowCount());
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
