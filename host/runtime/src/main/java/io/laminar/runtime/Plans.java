package io.laminar.runtime;

import io.laminar.plan.SqlType;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Small helpers over plan schemas. */
final class Plans {
  private Plans() {
  }

  static SqlType[] types(Schema schema) {
    List<Field> fields = schema.getFields();
    SqlType[] types = new SqlType[fields.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = SqlType.fromArrow(fields.get(i).getType());
      if (types[i] == null) {
        throw new IllegalArgumentException("unsupported column type " + fields.get(i));
      }
    }
    return types;
  }

  static List<SqlType> typeList(Schema schema) {
    return List.of(types(schema));
  }
}
