package io.laminar.testplugins.misbehaving;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.pf4j.Extension;

/** Returns a batch of one BIGINT column {@code surprise}, whatever its configured schema. */
@Extension
public final class WrongSchemaSourceFactory implements SourceFactory {
  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("wrong_schema", ConnectorKind.SOURCE)
        .description("returns a batch with a schema other than the configured one").build();
  }

  @Override
  public Source create(ConnectorContext context) {
    return new Misbehaviour(context) {
      @Override
      VectorSchemaRoot batch() {
        Schema other = new Schema(List.of(Field.nullable("surprise", new ArrowType.Int(64, true))));
        VectorSchemaRoot root = VectorSchemaRoot.create(other, context.allocator());
        ((BigIntVector) root.getVector(0)).setSafe(0, 42);
        root.setRowCount(1);
        return root;
      }
    };
  }
}
