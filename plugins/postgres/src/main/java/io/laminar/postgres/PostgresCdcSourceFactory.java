package io.laminar.postgres;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import org.pf4j.Extension;

/** The {@code postgres_cdc} source: initial snapshot, then the table's changes from a replication slot. */
@Extension
public final class PostgresCdcSourceFactory implements SourceFactory {
  private static final ConnectorSpec SPEC;

  static {
    ConnectorSpec.Builder b = ConnectorSpec.builder("postgres_cdc", ConnectorKind.SOURCE)
        .description("Change data capture of one PostgreSQL table (Debezium, pgoutput): snapshot, then inserts,"
            + " updates and deletes as row kinds; offsets in laminar checkpoints. Metadata columns: $op, $lsn,"
            + " $commit_ts");
    CdcSettings.specs().forEach(b::property);
    SPEC = b.build();
  }

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    return new PostgresCdcSource(context, CdcSettings.from(context));
  }
}
