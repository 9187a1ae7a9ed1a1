package io.laminar.config;

import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * One {@code [[source.schema]]} / {@code [[lookup.schema]]} entry.
 *
 * @param name column name
 * @param type column type
 * @param nullable whether the column may hold nulls (default true)
 * @param position where the column's table starts
 * @param precision a DECIMAL's digits, a timestamp's fraction digits (3 or 6), 0 for other types
 * @param scale a DECIMAL's digits after the point (0 for other types)
 */
public record ColumnDef(String name, ColumnType type, boolean nullable, Position position, int precision, int scale) {
  /** A column of a type without parameters (a DECIMAL gets its default, DECIMAL(10, 0)). */
  public ColumnDef(String name, ColumnType type, boolean nullable, Position position) {
    this(name, type, nullable, position, type == ColumnType.DECIMAL ? ColumnType.DEFAULT_DECIMAL_PRECISION
        : type == ColumnType.TIMESTAMP || type == ColumnType.TIMESTAMP_LTZ ? 3 : 0, 0);
  }

  /** The Arrow type of the column's vectors. */
  public ArrowType arrowType() {
    return new ColumnType.Spec(type, precision, scale, null).arrowType();
  }

  /** The type as SQL writes it: {@code DECIMAL(10, 2)}, {@code INT}. */
  public String typeName() {
    return new ColumnType.Spec(type, precision, scale, null).sql();
  }
}
