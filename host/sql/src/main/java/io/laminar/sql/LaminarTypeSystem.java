package io.laminar.sql;

import io.laminar.plan.SqlType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's default type system, except that SUM of an integer type is BIGINT (no silent overflow),
 * TIMESTAMP up to 6 fraction digits, DECIMAL holds up to 38 digits (a 128-bit unscaled value, Arrow's Decimal128) and SUM of
 * DECIMAL(p, s) is DECIMAL(38, s), as in Flink and SQL Server. The result precision and scale of
 * DECIMAL arithmetic are Calcite's {@code deriveDecimal*Type} rules with these limits; the runtime
 * computes each result at exactly the derived scale (HALF_UP where the scale is cut) and fails on a
 * value beyond the derived precision.
 */
final class LaminarTypeSystem extends RelDataTypeSystemImpl {
  static final LaminarTypeSystem INSTANCE = new LaminarTypeSystem();

  private LaminarTypeSystem() {
  }

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return switch (typeName) {
      case DECIMAL -> SqlType.MAX_DECIMAL_PRECISION;
      // TIMESTAMP(6) holds microseconds (TIMESTAMP WITH LOCAL TIME ZONE milliseconds: planning refuses more)
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 6;
      default -> super.getMaxPrecision(typeName);
    };
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? SqlType.MAX_DECIMAL_PRECISION : super.getMaxScale(typeName);
  }

  @Override
  public RelDataType deriveSumType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    SqlTypeName name = argumentType.getSqlTypeName();
    if (name == SqlTypeName.TINYINT || name == SqlTypeName.SMALLINT || name == SqlTypeName.INTEGER) {
      return typeFactory.createTypeWithNullability(typeFactory.createSqlType(SqlTypeName.BIGINT),
          argumentType.isNullable());
    }
    if (name == SqlTypeName.DECIMAL) {
      return typeFactory.createTypeWithNullability(typeFactory.createSqlType(SqlTypeName.DECIMAL,
          SqlType.MAX_DECIMAL_PRECISION, argumentType.getScale()), argumentType.isNullable());
    }
    return super.deriveSumType(typeFactory, argumentType);
  }
}
