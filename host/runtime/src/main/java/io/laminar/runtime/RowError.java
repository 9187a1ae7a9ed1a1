package io.laminar.runtime;

import java.util.Map;

/**
 * One row a step could not compute.
 *
 * @param step the failing step ({@code Filter}, {@code Project} or {@code Filter+Project})
 * @param row the step's input row, column name → value (numbers, strings, booleans; TIMESTAMP as an
 *     ISO-8601 instant, DATE as {@code yyyy-mm-dd}; null for NULL), in column order
 * @param error what failed: the expression (with its place in the SQL) and the values
 */
public record RowError(String step, Map<String, Object> row, ExpressionError error) {
}
