package io.laminar.mysql;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import org.pf4j.Extension;

/** The {@code mysql_cdc} source: initial snapshot, then the table's row events from the binlog. */
@Extension
public final class MysqlCdcSourceFactory implements SourceFactory {
  private static final ConnectorSpec SPEC;

  static {
    ConnectorSpec.Builder b = ConnectorSpec.builder("mysql_cdc", ConnectorKind.SOURCE)
        .description("Change data capture of one MySQL / MariaDB table (Debezium, binlog in ROW format): snapshot,"
            + " then inserts, updates and deletes as row kinds; offsets and schema history in laminar checkpoints."
            + " Metadata columns: $op, $commit_ts, $binlog_file, $binlog_pos, $gtid");
    CdcSettings.specs().forEach(b::property);
    SPEC = b.build();
  }

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    return new MysqlCdcSource(context, CdcSettings.from(context));
  }
}
