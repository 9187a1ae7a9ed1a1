package io.laminar.delta;

import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * laminar's column types as Delta types. TIMESTAMP (epoch milliseconds, an instant) is written as
 * Delta {@code timestamp} — microseconds since the epoch in UTC, which Spark, delta-rs and Trino read
 * as an instant — not {@code timestamp_ntz}, which would need a table feature (writer version 7).
 * DECIMAL(p, s) is Delta {@code decimal(p,s)} (p ≤ 38, as in Delta).
 */
final class DeltaTypes {
  private DeltaTypes() {
  }

  /** The Delta type of an Arrow type laminar produces, if it has one. */
  static Optional<DataType> of(ArrowType type) {
    if (type instanceof ArrowType.Bool) {
      return Optional.of(BooleanType.BOOLEAN);
    }
    if (type instanceof ArrowType.Int i && i.getIsSigned() && (i.getBitWidth() == 32 || i.getBitWidth() == 64)) {
      return Optional.of(i.getBitWidth() == 32 ? IntegerType.INTEGER : LongType.LONG);
    }
    if (type instanceof ArrowType.FloatingPoint f) {
      return f.getPrecision() == FloatingPointPrecision.SINGLE ? Optional.of(FloatType.FLOAT)
          : f.getPrecision() == FloatingPointPrecision.DOUBLE ? Optional.of(DoubleType.DOUBLE) : Optional.empty();
    }
    if (type instanceof ArrowType.Utf8) {
      return Optional.of(StringType.STRING);
    }
    // TIMESTAMP, TIMESTAMP_LTZ (ms) and TIMESTAMP(6) (µs); Delta stores µs, ArrowBatch converts by unit
    if (type instanceof ArrowType.Timestamp t && (t.getUnit() == TimeUnit.MILLISECOND
        || t.getUnit() == TimeUnit.MICROSECOND && t.getTimezone() == null)) {
      return Optional.of(TimestampType.TIMESTAMP);
    }
    if (type instanceof ArrowType.Date d && d.getUnit() == DateUnit.DAY) {
      return Optional.of(DateType.DATE);
    }
    if (type instanceof ArrowType.Decimal d && d.getBitWidth() == 128) {
      return Optional.of(new DecimalType(d.getPrecision(), d.getScale()));
    }
    return Optional.empty();
  }

  /** One message per column whose type has no Delta type (empty = every column can be written). */
  static List<String> unsupported(Schema schema) {
    List<String> problems = new ArrayList<>();
    for (Field f : schema.getFields()) {
      if (of(f.getType()).isEmpty()) {
        problems.add("column '" + f.getName() + "' has a type the delta_lake sink cannot write: " + f.getType());
      }
    }
    return problems;
  }

  /** The Delta schema of a table created from the pipeline's output. */
  static StructType structOf(Schema schema) {
    StructType struct = new StructType();
    for (Field f : schema.getFields()) {
      struct = struct.add(f.getName(), of(f.getType()).orElseThrow(), f.isNullable());
    }
    return struct;
  }

  /** A type as users read it ({@code long}, {@code timestamp}). */
  static String show(DataType type) {
    return type.toString().toLowerCase(Locale.ROOT);
  }

  /**
   * Every difference between the pipeline's output and an existing table, one message per column:
   * columns missing on either side, other types, a nullable column into a NOT NULL one, and other
   * partition columns. Column order does not matter (rows are written in the table's order).
   */
  static List<String[]> differences(Schema output, List<String> partitionColumns, StructType table,
      List<String> tablePartitions, String tableName) {
    List<String[]> problems = new ArrayList<>();
    Map<String, StructField> byName = table.fields().stream()
        .collect(Collectors.toMap(StructField::getName, Function.identity(), (a, b) -> a));
    List<String> tableNames = table.fields().stream().map(StructField::getName).toList();
    for (Field f : output.getFields()) {
      StructField column = byName.get(f.getName());
      Optional<DataType> type = of(f.getType());
      if (column == null) {
        problems.add(new String[] {f.getName(), "column '" + f.getName() + "' of the pipeline's output is not in table "
            + tableName + DeltaSettings.didYouMean(f.getName(), tableNames)});
      } else if (type.isPresent() && !type.get().equivalent(column.getDataType())) {
        problems.add(new String[] {f.getName(), "column '" + f.getName() + "' is " + show(column.getDataType())
            + " in table " + tableName + " but " + show(type.get()) + " in the pipeline's output"});
      } else if (!column.isNullable() && f.isNullable()) {
        problems.add(new String[] {f.getName(), "column '" + f.getName() + "' is NOT NULL in table " + tableName
            + " but nullable in the pipeline's output"});
      }
    }
    List<String> outputNames = output.getFields().stream().map(Field::getName).toList();
    for (StructField c : table.fields()) {
      if (!outputNames.contains(c.getName())) {
        problems.add(new String[] {c.getName(), "column '" + c.getName() + "' (" + show(c.getDataType()) + ") of table "
            + tableName + " is not in the pipeline's output"});
      }
    }
    if (!partitionColumns.isEmpty() && !partitionColumns.equals(tablePartitions)) {
      problems.add(new String[] {DeltaSettings.PARTITION_COLUMNS, "table " + tableName + " is partitioned by "
          + (tablePartitions.isEmpty() ? "nothing" : "(" + String.join(", ", tablePartitions) + ")") + ", not by ("
          + String.join(", ", partitionColumns) + ") as partition.columns says"});
    }
    return problems;
  }
}
