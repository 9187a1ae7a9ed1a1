package io.laminar.sql;

import io.laminar.plan.SqlType;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/** Maps Arrow schemas to Calcite row types and Calcite types to plan types. */
final class ArrowTypes {
  private ArrowTypes() {
  }

  /** The Calcite row type of an Arrow schema; throws for a column type SQL cannot hold. */
  static RelDataType rowType(Schema schema, RelDataTypeFactory factory) {
    RelDataTypeFactory.Builder b = factory.builder();
    for (Field f : schema.getFields()) {
      SqlType t = SqlType.fromArrow(f.getType());
      if (t == null) {
        throw new IllegalArgumentException("column '" + f.getName() + "' has Arrow type " + f.getType()
            + ", which SQL does not support");
      }
      RelDataType type = switch (t.kind()) {
        case BOOLEAN -> factory.createSqlType(SqlTypeName.BOOLEAN);
        case INT -> factory.createSqlType(SqlTypeName.INTEGER);
        case BIGINT, INTERVAL -> factory.createSqlType(SqlTypeName.BIGINT);
        case FLOAT -> factory.createSqlType(SqlTypeName.REAL);
        case DOUBLE -> factory.createSqlType(SqlTypeName.DOUBLE);
        case DECIMAL -> factory.createSqlType(SqlTypeName.DECIMAL, t.precision(), t.scale());
        case VARCHAR -> factory.createSqlType(SqlTypeName.VARCHAR);
        case TIMESTAMP -> factory.createSqlType(SqlTypeName.TIMESTAMP, 3);
        case TIMESTAMP_MICROS -> factory.createSqlType(SqlTypeName.TIMESTAMP, 6);
        case TIMESTAMP_LTZ -> factory.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 3);
        case DATE -> factory.createSqlType(SqlTypeName.DATE);
      };
      b.add(f.getName(), factory.createTypeWithNullability(type, f.isNullable()));
    }
    return b.build();
  }

  /** The plan type of a Calcite type, or {@code null} if the runtime cannot hold it. */
  static SqlType planType(RelDataType type) {
    return switch (type.getSqlTypeName()) {
      case BOOLEAN -> SqlType.BOOLEAN;
      case TINYINT, SMALLINT, INTEGER -> SqlType.INT;
      case BIGINT -> SqlType.BIGINT;
      case REAL, FLOAT -> SqlType.FLOAT;
      case DOUBLE -> SqlType.DOUBLE;
      case DECIMAL -> decimal(type);
      case CHAR, VARCHAR -> SqlType.VARCHAR;
      // TIMESTAMP(0) to (3) hold milliseconds, (4) to (6) microseconds; finer ones are refused
      case TIMESTAMP -> type.getPrecision() <= 3 ? SqlType.TIMESTAMP
          : type.getPrecision() <= 6 ? SqlType.TIMESTAMP_MICROS : null;
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> type.getPrecision() <= 3 ? SqlType.TIMESTAMP_LTZ : null;
      case DATE -> SqlType.DATE;
      case INTERVAL_DAY, INTERVAL_DAY_HOUR, INTERVAL_DAY_MINUTE, INTERVAL_DAY_SECOND, INTERVAL_HOUR,
          INTERVAL_HOUR_MINUTE, INTERVAL_HOUR_SECOND, INTERVAL_MINUTE, INTERVAL_MINUTE_SECOND, INTERVAL_SECOND ->
          SqlType.INTERVAL;
      default -> null;
    };
  }

  /**
   * The plan type of a Calcite DECIMAL; null beyond 38 digits or for a negative scale (which the
   * type system does not derive).
   */
  private static SqlType decimal(RelDataType type) {
    int p = type.getPrecision();
    int s = type.getScale();
    if (p < 1 || p > SqlType.MAX_DECIMAL_PRECISION || s < 0 || s > p) {
      return null;
    }
    return SqlType.decimal(p, s);
  }

  /** The Arrow schema of a Calcite row type whose fields all have plan types. */
  static Schema schema(RelDataType rowType) {
    List<Field> fields = new ArrayList<>();
    for (RelDataTypeField f : rowType.getFieldList()) {
      SqlType t = planType(f.getType());
      fields.add(new Field(f.getName(), new FieldType(f.getType().isNullable(), t.arrowType(), null), null));
    }
    return new Schema(fields);
  }
}
