package io.laminar.http;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.time.Duration;
import java.util.Map;

/**
 * A test source with PASSWORD properties (one required, one defaulted) that never produces a row:
 * it exists so the API's redaction can be checked against a real, running connector instance. With
 * {@code fail = true} its first poll fails, which fails the engine. With {@code gauges = true} it
 * registers what a CDC source reports during its snapshot ({@code snapshot_progress},
 * {@code snapshot_rows}, {@code snapshot_rows_estimated}) and what the Kafka source reports as lag: a
 * total {@code lag_records} and one series per partition (tag {@code partition}), one of them
 * unknown (NaN).
 */
final class VaultSourceFactory implements SourceFactory {
  static final String TYPE = "vault";
  /** Lag per partition, as the Kafka source tags it; orders-2's is unknown. */
  static final Map<String, Double> LAG = Map.of("orders-0", 5.0, "orders-1", 7.0, "orders-10", 1.0,
      "orders-2", Double.NaN);
  static final double SNAPSHOT_ROWS = 400;
  static final double SNAPSHOT_ROWS_ESTIMATED = 1000;

  private static void registerGauges(ConnectorMetrics m) {
    m.gauge("snapshot_rows", "rows read by the snapshot so far", () -> SNAPSHOT_ROWS);
    m.gauge("snapshot_rows_estimated", "rows the snapshot is expected to read", () -> SNAPSHOT_ROWS_ESTIMATED);
    m.gauge("snapshot_progress", "share of the snapshot read", () -> SNAPSHOT_ROWS / SNAPSHOT_ROWS_ESTIMATED);
    m.gauge("lag_records", "records not yet read, all partitions",
        () -> LAG.values().stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).sum());
    LAG.forEach((partition, lag) -> m.gauge("lag_records", "records not yet read", Map.of("partition", partition),
        () -> lag));
  }

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
        .property(PropertySpec.builder("gauges", PropertyType.BOOLEAN).defaultValue("false")
            .doc("true = registers the gauges of a CDC snapshot and of Kafka lag (see GAUGES)").build())
        .property(PropertySpec.builder("extra.*", PropertyType.STRING).doc("pass-through settings").build())
        .build();
  }

  @Override
  public Source create(ConnectorContext context) {
    boolean fail = context.properties().bool("fail").orElse(false);
    if (context.properties().bool("gauges").orElse(false)) {
      registerGauges(context.metrics());
    }
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
