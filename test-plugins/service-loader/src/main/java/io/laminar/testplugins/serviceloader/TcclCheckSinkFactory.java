package io.laminar.testplugins.serviceloader;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;
import org.pf4j.Extension;

/** A sink that discards rows and checks the context class loader in every call. */
@Extension
public final class TcclCheckSinkFactory implements SinkFactory {

  @Override
  public ConnectorSpec spec() {
    ContextCheck.require("spec");
    return ConnectorSpec.builder("tccl_check", ConnectorKind.SINK).description("discards rows").build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    ContextCheck.require("create");
    return new Sink() {
      @Override
      public DeliveryGuarantee maxGuarantee() {
        ContextCheck.require("maxGuarantee");
        return DeliveryGuarantee.AT_LEAST_ONCE;
      }

      @Override
      public List<String> validateSchema(Schema input) {
        ContextCheck.require("validateSchema");
        return List.of();
      }

      @Override
      public void check() {
        ContextCheck.require("check");
      }

      @Override
      public void open(long lastCommittedEpoch) {
        ContextCheck.require("open");
      }

      @Override
      public void write(Batch batch) {
        ContextCheck.require("write");
      }

      @Override
      public void prepareCommit(long epoch) {
        ContextCheck.require("prepareCommit");
      }

      @Override
      public void commit(long epoch) {
        ContextCheck.require("commit");
      }

      @Override
      public void abort(long epoch) {
        ContextCheck.require("abort");
      }

      @Override
      public void close() {
        ContextCheck.require("close");
      }
    };
  }
}
