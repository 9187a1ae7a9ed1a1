package io.laminar.testplugins.changelog;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import io.laminar.testkit.ChangelogSourceFactory;
import org.pf4j.Extension;

/** The testkit's {@code test_changelog} source as a plugin extension, for servers in end-to-end tests. */
@Extension
public final class TestChangelogSourceFactory implements SourceFactory {
  private final ChangelogSourceFactory delegate = new ChangelogSourceFactory();

  @Override
  public ConnectorSpec spec() {
    return delegate.spec();
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    return delegate.create(context);
  }
}
