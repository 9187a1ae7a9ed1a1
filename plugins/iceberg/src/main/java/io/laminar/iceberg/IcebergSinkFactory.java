package io.laminar.iceberg;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import org.pf4j.Extension;

/** The {@code iceberg} sink: Parquet files per epoch, one Iceberg commit per checkpoint, exactly-once. */
@Extension
public final class IcebergSinkFactory implements SinkFactory {
  private static final ConnectorSpec SPEC;

  static {
    ConnectorSpec.Builder b = ConnectorSpec.builder("iceberg", ConnectorKind.SINK)
        .description("Writes a pipeline into an Apache Iceberg table (hadoop, jdbc or rest catalog): Parquet data"
            + " files, one commit per checkpoint (append, or upsert with equality deletes), exactly-once through"
            + " the snapshot summary");
    IcebergSettings.specs().forEach(b::property);
    SPEC = b.build();
  }

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Sink create(ConnectorContext context) throws ConnectorException {
    return new IcebergSink(context, IcebergSettings.from(context));
  }
}
