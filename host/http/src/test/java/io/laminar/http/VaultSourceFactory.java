package io.laminar.http;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.time.Duration;

/**
 * A test source with PASSWORD properties (one required, one defaulted) that never produces a row:
 * it exists so the API's redaction can be checked against a real, running connector instance. With
 * {@code fail = true} its first poll fails, which fails the engine.
 */
final class VaultSourceFactory implements SourceFactory {
  static final String TYPE = "vault";

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder(TYPE, ConnectorKind.SOURCE)
        .description("test source guarded by a password")
        .property(PropertySpec.builder("password", PropertyType.PASSWORD).required().doc("the vault password").build())
        .property(PropertySpec.builder("api_key", PropertyType.PASSWORD).defaultValue("default-api-key-value")
            .doc("a defaulted secret").build())
        .property(PropertySpec.builder("region", PropertyType.STRING).defaultValue("eu-west").doc("where").build())
        .property(PropertySpec.builder("fail", PropertyType.BOOLEAN).defaultValue("false")
            .doc("true = the first poll fails (to test a failed engine)").build())
        .property(PropertySpec.builder("extra.*", PropertyType.STRING).doc("pass-through settings").build())
        .build();
  }

  @Override
  public Source create(ConnectorContext context) {
    boolean fail = context.properties().bool("fail").orElse(false);
    return new Source() {
      @Override
      public void open(byte[] restoredOffsets) {
      }

      @Override
      public Batch poll(int maxRows, Duration timeout) throws ConnectorException {
        if (fail) {
          throw ConnectorException.runtime("the vault is sealed", null);
        }
        try {
          Thread.sleep(Math.min(timeout.toMillis(), 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      }

      @Override
      public byte[] snapshotOffsets() {
        return new byte[0];
      }

      @Override
      public void close() {
      }
    };
  }
}
