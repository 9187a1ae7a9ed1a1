package io.laminar.testplugins.guavanew;

import com.google.common.base.Objects;
import com.google.common.base.Strings;
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
 * {@code Strings.lenientFormat}: an API added in Guava 25.1, so this only works with the new jar.
 */
@Extension
public final class GuavaNewSourceFactory implements SourceFactory {

  @Override
  public ConnectorSpec spec() {
    String description = Strings.lenientFormat("guava_new{guava=%s}", guavaJar());
    return ConnectorSpec.builder("guava_new", ConnectorKind.SOURCE).description(description).build();
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    throw ConnectorException.runtime("guava_new only describes itself", null);
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
