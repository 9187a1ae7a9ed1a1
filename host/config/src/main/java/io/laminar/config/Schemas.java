package io.laminar.config;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Turns configured columns into the Arrow schema connectors receive. */
public final class Schemas {
  private Schemas() {
  }

  /** One Arrow field per column, in order, with the column's nullability. */
  public static Schema toArrow(List<ColumnDef> columns) {
    List<Field> fields = new ArrayList<>(columns.size());
    for (ColumnDef c : columns) {
      fields.add(new Field(c.name(), new FieldType(c.nullable(), c.arrowType(), null), null));
    }
    return new Schema(fields);
  }
}
