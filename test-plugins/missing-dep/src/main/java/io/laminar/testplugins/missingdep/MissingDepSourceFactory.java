package io.laminar.testplugins.missingdep;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import org.pf4j.Extension;

/**
 * Needs Jackson databind, which this plugin deliberately does not bundle: creating it must fail
 * with a missing-class error even though the host itself has Jackson.
 */
@Extension
public final class MissingDepSourceFactory implements SourceFactory {
  private final ObjectMapper mapper = new ObjectMapper();

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("missing_dep", ConnectorKind.SOURCE)
        .description("uses " + mapper.getClass().getName())
        .build();
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    throw ConnectorException.runtime("missing_dep only describes itself", null);
  }
}
