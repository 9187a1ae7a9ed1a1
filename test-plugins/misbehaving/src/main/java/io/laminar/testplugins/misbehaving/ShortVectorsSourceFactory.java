package io.laminar.testplugins.misbehaving;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.pf4j.Extension;

/** Returns a batch that claims 1,000,000 rows while its columns hold one value each. */
@Extension
public final class ShortVectorsSourceFactory implements SourceFactory {
  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("short_vectors", ConnectorKind.SOURCE)
        .description("returns a batch whose row count exceeds its vectors' value counts").build();
  }

  @Override
  public Source create(ConnectorContext context) {
    return new Misbehaviour(context) {
      @Override
      VectorSchemaRoot batch() {
        VectorSchemaRoot root = VectorSchemaRoot.create(context.schema(), context.allocator());
        root.allocateNew();
        for (FieldVector v : root.getFieldVectors()) {
          v.setNull(0);
          v.setValueCount(1);
        }
        // setRowCount would also set every vector's value count: set the root's count alone
        try {
          java.lang.reflect.Field rowCount = VectorSchemaRoot.class.getDeclaredField("rowCount");
          rowCount.setAccessible(true);
          rowCount.setInt(root, 1_000_000);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        return root;
      }
    };
  }
}
