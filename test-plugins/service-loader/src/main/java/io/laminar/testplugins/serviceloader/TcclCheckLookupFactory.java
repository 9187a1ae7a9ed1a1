package io.laminar.testplugins.serviceloader;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.pf4j.Extension;

/** A lookup that finds nothing and checks the context class loader in every call. */
@Extension
public final class TcclCheckLookupFactory implements LookupFactory {

  @Override
  public ConnectorSpec spec() {
    ContextCheck.require("spec");
    return ConnectorSpec.builder("tccl_check", ConnectorKind.LOOKUP).description("finds nothing").build();
  }

  @Override
  public LookupSource create(ConnectorContext context) {
    ContextCheck.require("create");
    return new LookupSource() {
      @Override
      public void check() {
        ContextCheck.require("check");
      }

      @Override
      public void open() {
        ContextCheck.require("open");
      }

      @Override
      public VectorSchemaRoot lookup(VectorSchemaRoot keys) {
        ContextCheck.require("lookup");
        VectorSchemaRoot none = VectorSchemaRoot.create(context.schema(), context.allocator());
        none.setRowCount(0);
        return none;
      }

      @Override
      public void close() {
        ContextCheck.require("close");
      }
    };
  }
}
