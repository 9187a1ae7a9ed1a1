package io.laminar.testkit.conformance;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.ConnectorSpec;
import io.laminar.config.ValidatedProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every conformance suite shares: the spec checks ({@link SpecChecks}), the properties going
 * through the host's own validation ({@link HostValidation}), and a {@link Harness} per test.
 *
 * <p>An author extends {@link SourceConformance}, {@link SinkConformance} or
 * {@link LookupConformance} (or {@link SpecConformance} for the spec alone), never this class.
 *
 * @param <F> the factory type
 */
public abstract class ConnectorConformance<F> {
  /** A directory private to each test (data directories, files the connector reads). */
  @TempDir
  protected Path testDir;

  ConnectorConformance() {
  }

  /** The factory under test, as the plugin registers it (the suite wraps it as the host does). */
  protected abstract F factory();

  /**
   * Properties of a working instance, as a user would write them in the config's properties table
   * (see {@link HostValidation} for the value types). Called after the test's {@code @BeforeEach}
   * methods, so it may name what they set up (a topic, a table, a file in {@link #testDir}).
   */
  protected abstract Map<String, Object> properties();

  /** The configured schema of the instance ({@code [[source.schema]]} and friends). */
  protected abstract Schema schema();

  /** The instance name contexts carry (default {@code "conformance"}). */
  protected String instanceName() {
    return "conformance";
  }

  abstract ConnectorKind kind();

  abstract ConnectorSpec specOf(F factory);

  /** A harness for one test; close it in a {@code finally} (try-with-resources). */
  protected Harness harness() {
    return new Harness(testDir, factory().getClass().getClassLoader());
  }

  /** {@link #properties()} as the host validates and converts them; fails with the host's errors. */
  protected ConnectorProperties hostProperties(Harness h) {
    return HostValidation.require(specOf(factory()), properties(), h.configFile());
  }

  /**
   * {@code properties} as the host validates them, errors included: for an author's own tests of
   * what a user sees for a wrong value.
   */
  protected ValidatedProperties validate(Map<String, ?> properties) {
    return HostValidation.validate(specOf(factory()), properties, testDir.resolve("laminar.toml"));
  }

  @Test
  public void specTypeNameFollowsTheRules() {
    report(SpecChecks.typeName(specOf(factory()), kind()));
  }

  @Test
  public void specDocumentsEveryProperty() {
    report(SpecChecks.documented(specOf(factory())));
  }

  @Test
  public void specDefaultsAreValidForTheirOwnType() {
    report(SpecChecks.defaults(specOf(factory()), testDir.resolve("laminar.toml")));
  }

  @Test
  public void specTypesSecretsAsPasswords() {
    report(SpecChecks.secrets(specOf(factory())));
  }

  @Test
  public void specIsStable() {
    F f = factory();
    report(SpecChecks.stable(specOf(f), specOf(f)));
  }

  @Test
  public void propertiesPassTheHostsValidation() {
    ValidatedProperties v = validate(properties());
    List<String> problems = new ArrayList<>(HostValidation.messages(v.errors()));
    for (String key : properties().keySet()) {
      if (v.ok() && !v.properties().has(key)) {
        problems.add("property '" + key + "' was accepted but does not reach the connector");
      }
    }
    report(problems);
  }

  /** Fails with every problem, one per line. */
  static void report(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new AssertionError(problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }
  }
}
