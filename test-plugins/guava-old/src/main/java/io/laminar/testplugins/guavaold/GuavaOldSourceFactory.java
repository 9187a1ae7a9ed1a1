package io.laminar.testplugins.guavaold;

import com.google.common.base.Objects;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.pf4j.Extension;

/**
 * Reports, in its spec description, which Guava jar it was linked against, through
 * {@code Objects.toStringHelper}: an API removed in Guava 21, so this only works with the old jar.
 */
@Extension
public final class GuavaOldSourceFactory implements SourceFactory {

  @Override
  @SuppressWarnings("deprecation") // the removed-later API is the point of this plugin
  public ConnectorSpec spec() {
    String description = Objects.toStringHelper("guava_old").add("guava", guavaJar()).toString();
    return ConnectorSpec.builder("guava_old", ConnectorKind.SOURCE).description(description).build();
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    throw ConnectorException.runtime("guava_old only describes itself", null);
  }

  private static String guavaJar() {
    try {
      Path jar = Paths.get(Objects.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.getFileName().toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
