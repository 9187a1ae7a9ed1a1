package io.laminar.iceberg;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * Fills one reused Iceberg {@link GenericRecord} (in the table's column order) from a row of an
 * Arrow batch; table columns the pipeline does not write stay null. Iceberg's writers consume a
 * record before the next row is read, so one record serves every row.
 */
final class RowConverter {
  /** Reads one column of the current row as the Java value Iceberg's generic writers take. */
  private interface Reader {
    Object read(FieldVector v, int row);
  }

  private final GenericRecord record;
  private final int[] tablePosition;
  private final Reader[] readers;
  private final String[] names;
  private final boolean[] required;

  RowConverter(Schema table, List<Field> pipeline) {
    this.record = GenericRecord.create(table);
    this.tablePosition = new int[pipeline.size()];
    this.readers = new Reader[pipeline.size()];
    this.names = new String[pipeline.size()];
    this.required = new boolean[pipeline.size()];
    List<Types.NestedField> columns = table.columns();
    for (int i = 0; i < pipeline.size(); i++) {
      String name = pipeline.get(i).getName();
      int pos = -1;
      for (int c = 0; c < columns.size(); c++) {
        if (columns.get(c).name().equals(name)) {
          pos = c;
        }
      }
      if (pos < 0) {
        throw new IllegalArgumentException("column '" + name + "' is not in the table");
      }
      tablePosition[i] = pos;
      names[i] = name;
      required[i] = columns.get(pos).isRequired();
      readers[i] = reader(columns.get(pos).type());
    }
  }

  /** Epoch microseconds of a TIMESTAMP(6) (µs) or TIMESTAMP / TIMESTAMP_LTZ (ms) value: by the vector's unit. */
  private static long micros(TimeStampVector v, int row) {
    return v instanceof TimeStampMicroVector ? v.get(row) : Math.multiplyExact(v.get(row), 1000L);
  }

  private static Reader reader(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> (v, r) -> ((BitVector) v).get(r) != 0;
      case INTEGER -> (v, r) -> ((IntVector) v).get(r);
      case LONG -> (v, r) -> v instanceof IntVector i ? (long) i.get(r) : ((BigIntVector) v).get(r);
      case FLOAT -> (v, r) -> ((Float4Vector) v).get(r);
      case DOUBLE -> (v, r) -> v instanceof Float4Vector f ? (double) f.get(r) : ((Float8Vector) v).get(r);
      case STRING -> (v, r) -> new String(((VarCharVector) v).get(r), StandardCharsets.UTF_8);
      case DATE -> (v, r) -> DateTimeUtil.dateFromDays(((DateDayVector) v).get(r));
      case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC()
          ? (v, r) -> DateTimeUtil.timestamptzFromMicros(micros((TimeStampVector) v, r))
          : (v, r) -> DateTimeUtil.timestampFromMicros(micros((TimeStampVector) v, r));
      // the schema check admits only a decimal column of the vector's scale
      case DECIMAL -> (v, r) -> ((DecimalVector) v).getObject(r);
      default -> throw new IllegalArgumentException("cannot write " + type);
    };
  }

  /** The record holding row {@code row} of {@code batch} (valid until the next call). */
  GenericRecord convert(VectorSchemaRoot batch, int row) {
    List<FieldVector> vectors = batch.getFieldVectors();
    for (int i = 0; i < readers.length; i++) {
      FieldVector v = vectors.get(i);
      if (v.isNull(row)) {
        if (required[i]) {
          throw new IllegalArgumentException("column '" + names[i] + "' is required in the table, but the pipeline"
              + " sent a NULL");
        }
        record.set(tablePosition[i], null);
      } else {
        record.set(tablePosition[i], readers[i].read(v, row));
      }
    }
    return record;
  }
}
