package io.laminar.testplugins.serviceloader;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ServiceLoader;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.pf4j.Extension;

/**
 * Looks up its {@link Greeting} with {@code ServiceLoader.load(Greeting.class)}, which reads the
 * thread context class loader, and emits the greeting as one VARCHAR row.
 */
@Extension
public final class ServiceLoaderSourceFactory implements SourceFactory {

  @Override
  public ConnectorSpec spec() {
    ContextCheck.require("spec");
    return ConnectorSpec.builder("service_loader", ConnectorKind.SOURCE)
        .description("emits: " + greeting().map(Greeting::greet).orElse("no Greeting service found"))
        .build();
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    ContextCheck.require("create");
    Greeting greeting = greeting().orElseThrow(() -> ConnectorException.runtime(
        "no Greeting service visible through the context class loader", null));
    return new GreetingSource(context, greeting.greet());
  }

  private static java.util.Optional<Greeting> greeting() {
    return ServiceLoader.load(Greeting.class).findFirst();
  }

  /** One row with the greeting, then exhausted; checks the context loader in every call. */
  private static final class GreetingSource implements Source {
    private final ConnectorContext context;
    private final String text;
    private boolean done;

    GreetingSource(ConnectorContext context, String text) {
      this.context = context;
      this.text = text;
    }

    @Override
    public void check() {
      ContextCheck.require("check");
    }

    @Override
    public void open(byte[] restoredOffsets) {
      ContextCheck.require("open");
    }

    @Override
    public Batch poll(int maxRows, Duration timeout) {
      ContextCheck.require("poll");
      if (done) {
        return null;
      }
      done = true;
      VectorSchemaRoot root = VectorSchemaRoot.create(context.schema(), context.allocator());
      VarCharVector column = (VarCharVector) root.getVector(0);
      column.allocateNew(1);
      column.setSafe(0, text.getBytes(StandardCharsets.UTF_8));
      root.setRowCount(1);
      return Batch.of(root);
    }

    @Override
    public boolean isExhausted() {
      ContextCheck.require("isExhausted");
      return done;
    }

    @Override
    public byte[] snapshotOffsets() {
      ContextCheck.require("snapshotOffsets");
      return new byte[0];
    }

    @Override
    public void close() {
      ContextCheck.require("close");
    }
  }
}
