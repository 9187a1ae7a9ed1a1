package io.laminar.mysql;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import org.pf4j.Extension;

/** The {@code mysql} sink: multi-row INSERT (append) or ON DUPLICATE KEY UPDATE upserts and deletes by key, exactly-once per epoch. */
@Extension
public final class MysqlSinkFactory implements SinkFactory {
  private static final ConnectorSpec SPEC;

  static {
    ConnectorSpec.Builder b = ConnectorSpec.builder("mysql", ConnectorKind.SINK)
        .description("Writes a pipeline into a MySQL / MariaDB table: append with multi-row INSERT, or upsert (INSERT"
            + " … ON DUPLICATE KEY UPDATE) / delete by primary key; exactly-once through XA transactions and"
            + " laminar_sink_epochs");
    SinkSettings.specs().forEach(b::property);
    SPEC = b.build();
  }

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Sink create(ConnectorContext context) throws ConnectorException {
    return new MysqlSink(context, SinkSettings.from(context));
  }
}
