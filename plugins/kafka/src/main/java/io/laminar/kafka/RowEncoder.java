package io.laminar.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Renders rows as JSON objects (column names as keys; timestamps as ISO-8601 UTC strings, dates as
 * ISO dates, non-finite floats as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}),
 * and a key column's value as UTF-8 text. The source's decoder reads all of these back.
 */
final class RowEncoder {
  private static final JsonFactory JSON = new JsonFactory();

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

  /** Row {@code row} of {@code root} as one JSON object. */
  byte[] json(VectorSchemaRoot root, int row) {
    buffer.reset();
    List<FieldVector> vectors = root.getFieldVectors();
    try (JsonGenerator g = JSON.createGenerator(buffer)) {
      g.writeStartObject();
      for (FieldVector v : vectors) {
        g.writeFieldName(v.getName());
        writeValue(g, v, row);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return buffer.toByteArray();
  }

  /** A cell as UTF-8 text, or null when the cell is null. */
  static byte[] text(FieldVector v, int row) {
    if (v.isNull(row)) {
      return null;
    }
    if (v instanceof VarCharVector s) {
      return s.get(row);
    }
    return textOf(v, row).getBytes(StandardCharsets.UTF_8);
  }

  private static void writeValue(JsonGenerator g, FieldVector v, int row) throws IOException {
    if (v.isNull(row)) {
      g.writeNull();
    } else if (v instanceof IntVector iv) {
      g.writeNumber(iv.get(row));
    } else if (v instanceof BigIntVector bv) {
      g.writeNumber(bv.get(row));
    } else if (v instanceof Float8Vector fv) {
      writeDouble(g, fv.get(row));
    } else if (v instanceof Float4Vector fv) {
      writeDouble(g, fv.get(row));
    } else if (v instanceof org.apache.arrow.vector.DecimalVector dv) {
      // the exact digits as a JSON number, never in exponent form
      g.writeNumber(dv.getObject(row).toPlainString());
    } else if (v instanceof BitVector bv) {
      g.writeBoolean(bv.get(row) != 0);
    } else if (v instanceof VarCharVector sv) {
      byte[] bytes = sv.get(row);
      g.writeUTF8String(bytes, 0, bytes.length);
    } else {
      g.writeString(textOf(v, row));
    }
  }

  private static void writeDouble(JsonGenerator g, double d) throws IOException {
    if (Double.isFinite(d)) {
      g.writeNumber(d);
    } else {
      g.writeString(Double.toString(d)); // JSON numbers have no NaN or Infinity
    }
  }

  private static String textOf(FieldVector v, int row) {
    if (v instanceof TimeStampVector tv) {
      // TIMESTAMP(6) vectors hold microseconds: all of them are written
      return v instanceof org.apache.arrow.vector.TimeStampMicroVector
          ? Instant.EPOCH.plus(tv.get(row), java.time.temporal.ChronoUnit.MICROS).toString()
          : Instant.ofEpochMilli(tv.get(row)).toString();
    }
    if (v instanceof DateDayVector dv) {
      return LocalDate.ofEpochDay(dv.get(row)).toString();
    }
    if (v instanceof org.apache.arrow.vector.DecimalVector dv) {
      return dv.getObject(row).toPlainString();
    }
    return String.valueOf(v.getObject(row));
  }
}
