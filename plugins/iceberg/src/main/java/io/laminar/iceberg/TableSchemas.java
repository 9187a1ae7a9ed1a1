package io.laminar.iceberg;

import io.laminar.api.SchemaMismatchException.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Laminar's column types as Iceberg types, and the check of an existing table against the pipeline.
 *
 * <p>A laminar TIMESTAMP (epoch milliseconds, no zone) becomes Iceberg {@code timestamp} (without
 * zone, microseconds): the value is multiplied by 1000, and the wall-clock reading is UTC, as laminar
 * computes it. An existing {@code timestamptz} column takes it too (the same instant, in UTC).
 */
final class TableSchemas {
  private TableSchemas() {
  }

  /** The Iceberg type a created table gives a laminar column, or null if laminar has no such type. */
  static Type icebergType(ArrowType type) {
    if (type instanceof ArrowType.Bool) {
      return Types.BooleanType.get();
    }
    if (type instanceof ArrowType.Int i && i.getIsSigned() && (i.getBitWidth() == 32 || i.getBitWidth() == 64)) {
      return i.getBitWidth() == 64 ? Types.LongType.get() : Types.IntegerType.get();
    }
    if (type instanceof ArrowType.FloatingPoint f) {
      return f.getPrecision() == FloatingPointPrecision.SINGLE ? Types.FloatType.get()
          : f.getPrecision() == FloatingPointPrecision.DOUBLE ? Types.DoubleType.get() : null;
    }
    if (type instanceof ArrowType.Utf8) {
      return Types.StringType.get();
    }
    // TIMESTAMP, TIMESTAMP_LTZ (ms) and TIMESTAMP(6) (µs); RowConverter converts by the vector's unit
    if (type instanceof ArrowType.Timestamp t && (t.getUnit() == TimeUnit.MILLISECOND
        || t.getUnit() == TimeUnit.MICROSECOND && t.getTimezone() == null)) {
      return Types.TimestampType.withoutZone();
    }
    if (type instanceof ArrowType.Date) {
      return Types.DateType.get();
    }
    if (type instanceof ArrowType.Decimal d && d.getBitWidth() == 128) {
      return Types.DecimalType.of(d.getPrecision(), d.getScale());
    }
    return null;
  }

  /** The schema a created table gets: the pipeline's columns, in order, ids from 1. */
  static Schema fromArrow(org.apache.arrow.vector.types.pojo.Schema arrow) {
    List<Types.NestedField> fields = new ArrayList<>();
    int id = 1;
    for (Field f : arrow.getFields()) {
      Type t = icebergType(f.getType());
      if (t == null) {
        throw new IllegalArgumentException("column '" + f.getName() + "' has a type the iceberg sink cannot write: "
            + f.getType());
      }
      fields.add(f.isNullable() ? Types.NestedField.optional(id++, f.getName(), t)
          : Types.NestedField.required(id++, f.getName(), t));
    }
    return new Schema(fields);
  }

  /** Whether a table column of type {@code column} can hold the pipeline's {@code written} values. */
  static boolean writable(Type column, Type written) {
    if (column.equals(written)) {
      return true;
    }
    if (written.typeId() == Type.TypeID.INTEGER) {
      return column.typeId() == Type.TypeID.LONG;
    }
    if (written.typeId() == Type.TypeID.FLOAT) {
      return column.typeId() == Type.TypeID.DOUBLE;
    }
    if (written instanceof Types.DecimalType w && column instanceof Types.DecimalType c) {
      // Iceberg's own decimal promotion: the same scale, at least as many digits
      return c.scale() == w.scale() && c.precision() >= w.precision();
    }
    return written.typeId() == Type.TypeID.TIMESTAMP && column.typeId() == Type.TypeID.TIMESTAMP;
  }

  /**
   * Every difference between an existing table and what the sink writes: pipeline columns the table
   * lacks or cannot hold, required table columns the pipeline does not fill, and a partition spec
   * other than the one configured.
   */
  static List<Problem> differences(String table, Schema existing, PartitionSpec existingSpec, Schema pipeline,
      PartitionSpec wanted) {
    List<Problem> problems = new ArrayList<>();
    List<String> names = existing.columns().stream().map(Types.NestedField::name).toList();
    for (Types.NestedField f : pipeline.columns()) {
      Types.NestedField col = existing.findField(f.name());
      if (col == null) {
        problems.add(new Problem(f.name(), "column '" + f.name() + "' (" + f.type() + ") is not in table " + table
            + Names.didYouMean(f.name(), names)));
      } else if (!col.type().isPrimitiveType() || !writable(col.type(), f.type())) {
        problems.add(new Problem(f.name(), "column '" + f.name() + "' is " + col.type() + " in table " + table
            + " and cannot hold the pipeline's " + f.type()));
      }
    }
    for (Types.NestedField col : existing.columns()) {
      if (col.isRequired() && pipeline.findField(col.name()) == null) {
        problems.add(new Problem(col.name(), "table " + table + " has the required column '" + col.name() + "' ("
            + col.type() + "), which the pipeline does not write"));
      }
    }
    if (wanted != null && !describe(wanted, pipeline).equals(describe(existingSpec, existing))) {
      problems.add(new Problem("", "table " + table + " is partitioned by [" + describe(existingSpec, existing)
          + "], but partition.spec asks for [" + describe(wanted, pipeline) + "]"));
    }
    return problems;
  }

  /** A spec as {@code day(ts), bucket[16](id)}, by column name (so specs of two schemas compare). */
  static String describe(PartitionSpec spec, Schema schema) {
    return spec.fields().stream().map((PartitionField f) -> {
      String source = schema.findColumnName(f.sourceId());
      String transform = f.transform().toString();
      return transform.equals("identity") ? source : transform + "(" + source + ")";
    }).collect(Collectors.joining(", "));
  }
}
