package io.laminar.connectors.builtin;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.io.OutputStream;

/** The {@code stdout} sink: JSON lines (default) or an aligned text table on standard output. */
public final class StdoutSinkFactory implements SinkFactory {
  static final String FORMAT = "format";

  private static final ConnectorSpec SPEC = ConnectorSpec.builder("stdout", ConnectorKind.SINK)
      .description("Prints rows to standard output as JSON lines or a text table; logs go to stderr.")
      .property(PropertySpec.builder(FORMAT, PropertyType.ENUM).allowedValues("json", "table")
          .defaultValue("json").doc("json = one JSON object per row; table = aligned columns with a header").build())
      .build();

  private final StdoutWriter out;

  /** Writes to the process's standard output, through the one writer every stdout sink shares. */
  public StdoutSinkFactory() {
    this.out = StdoutWriter.PROCESS;
  }

  /** Writes to the given stream (tests); sinks of this factory share one writer. */
  public StdoutSinkFactory(OutputStream out) {
    this.out = new StdoutWriter(out);
  }

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Sink create(ConnectorContext context) {
    boolean table = context.properties().string(FORMAT).orElse("json").equals("table");
    return new StdoutSink(out, context.schema(), table,
        context.inputChangelogMode() != io.laminar.api.ChangelogMode.APPEND_ONLY);
  }
}
