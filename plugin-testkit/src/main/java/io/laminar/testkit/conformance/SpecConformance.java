package io.laminar.testkit.conformance;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.SinkFactory;
import io.laminar.api.SourceFactory;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The spec checks alone, for a factory of any kind ({@link SourceFactory}, {@link LookupFactory} or
 * {@link SinkFactory}): type name rules, every property documented, defaults the host can read,
 * credentials typed as passwords, a stable spec, and {@link #properties()} (default: none) passing
 * the host's validation. The kind suites run these too; use this one for a factory whose instances
 * cannot be exercised in a test.
 */
public abstract class SpecConformance extends ConnectorConformance<Object> {

  /** For subclasses. */
  protected SpecConformance() {
  }

  /** Properties the host must accept (default none: every property optional). */
  @Override
  protected Map<String, Object> properties() {
    return Map.of();
  }

  /** Not used by the spec checks. */
  @Override
  protected final Schema schema() {
    return new Schema(List.of());
  }

  @Override
  final ConnectorKind kind() {
    Object f = factory();
    if (f instanceof SourceFactory) {
      return ConnectorKind.SOURCE;
    }
    if (f instanceof LookupFactory) {
      return ConnectorKind.LOOKUP;
    }
    if (f instanceof SinkFactory) {
      return ConnectorKind.SINK;
    }
    throw new AssertionError(f.getClass().getName() + " is none of SourceFactory, LookupFactory, SinkFactory");
  }

  @Override
  final ConnectorSpec specOf(Object factory) {
    if (factory instanceof SourceFactory f) {
      return f.spec();
    }
    if (factory instanceof LookupFactory f) {
      return f.spec();
    }
    if (factory instanceof SinkFactory f) {
      return f.spec();
    }
    throw new AssertionError(factory.getClass().getName() + " is none of SourceFactory, LookupFactory, SinkFactory");
  }
}
