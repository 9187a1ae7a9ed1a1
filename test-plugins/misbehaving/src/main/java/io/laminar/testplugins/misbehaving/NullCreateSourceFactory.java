package io.laminar.testplugins.misbehaving;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import org.pf4j.Extension;

/** A factory whose {@code create()} returns null. */
@Extension
public final class NullCreateSourceFactory implements SourceFactory {
  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("null_create", ConnectorKind.SOURCE).description("create() returns null").build();
  }

  @Override
  public Source create(ConnectorContext context) {
    return null;
  }
}
