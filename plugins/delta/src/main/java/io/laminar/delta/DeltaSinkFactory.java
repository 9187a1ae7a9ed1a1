package io.laminar.delta;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import org.pf4j.Extension;

/** The {@code delta_lake} sink: Parquet files per epoch, one Delta commit (with a txn identifier) per checkpoint. */
@Extension
public final class DeltaSinkFactory implements SinkFactory {
  private static final ConnectorSpec SPEC;

  static {
    ConnectorSpec.Builder b = ConnectorSpec.builder("delta_lake", ConnectorKind.SINK)
        .description("Appends a pipeline's rows to a Delta Lake table (Delta Kernel); exactly-once through txn"
            + " identifiers, one Delta commit per checkpoint");
    DeltaSettings.specs().forEach(b::property);
    SPEC = b.build();
  }

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Sink create(ConnectorContext context) throws ConnectorException {
    return new DeltaSink(context, DeltaSettings.from(context));
  }
}
