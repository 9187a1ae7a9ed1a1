package io.laminar.postgres;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import org.pf4j.Extension;

/** The {@code postgres} sink: COPY (append) or ON CONFLICT upserts and deletes by key, exactly-once per epoch. */
@Extension
public final class PostgresSinkFactory implements SinkFactory {
  private static final ConnectorSpec SPEC;

  static {
    ConnectorSpec.Builder b = ConnectorSpec.builder("postgres", ConnectorKind.SINK)
        .description("Writes a pipeline into a PostgreSQL table: append with COPY, or upsert/delete by primary key;"
            + " exactly-once through prepared transactions and laminar_sink_epochs");
    SinkSettings.specs().forEach(b::property);
    SPEC = b.build();
  }

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Sink create(ConnectorContext context) throws ConnectorException {
    return new PostgresSink(context, SinkSettings.from(context));
  }
}
