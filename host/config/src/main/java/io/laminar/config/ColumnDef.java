package io.laminar.config;

/**
 * One {@code [[source.schema]]} / {@code [[lookup.schema]]} entry.
 *
 * @param name column name
 * @param type column type
 * @param nullable whether the column may hold nulls (default true)
 * @param position where the column's table starts
 */
public record ColumnDef(String name, ColumnType type, boolean nullable, Position position) {
}
