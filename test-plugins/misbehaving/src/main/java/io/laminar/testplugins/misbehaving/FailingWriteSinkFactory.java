package io.laminar.testplugins.misbehaving;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import org.pf4j.Extension;

/** A sink whose {@code write()} throws an unchecked exception, as a plugin bug would. */
@Extension
public final class FailingWriteSinkFactory implements SinkFactory {
  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("failing_write", ConnectorKind.SINK).description("write() throws").build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    return new Sink() {
      @Override
      public DeliveryGuarantee maxGuarantee() {
        return DeliveryGuarantee.AT_LEAST_ONCE;
      }

      @Override
      public void open(long lastCommittedEpoch) {
      }

      @Override
      public void write(Batch batch) {
        throw new IllegalStateException("the disk is on fire");
      }

      @Override
      public void prepareCommit(long epoch) {
      }

      @Override
      public void commit(long epoch) {
      }

      @Override
      public void close() {
      }
    };
  }
}
