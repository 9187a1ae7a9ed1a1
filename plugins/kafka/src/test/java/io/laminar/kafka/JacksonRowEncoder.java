package io.laminar.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The kafka sink's previous {@link RowEncoder} (one Jackson generator writing each row into a
 * stream), kept as the reference the new one is checked against ({@code RowEncoderTest}) and
 * measured against ({@code CodecThroughput}). Renders rows as JSON objects (column names as keys; timestamps as ISO-8601 UTC strings, dates as
 * ISO dates, non-finite floats as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}),
 * and a key column's value as UTF-8 text. The source's decoder reads all of these back.
 */
final class JacksonRowEncoder {
  /** Shortest round-tripping doubles (Schubfach) instead of {@code Double.toString}'s slower digits. */
  private static final JsonFactory JSON = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  /** One generator for every row (rows are root values with no separator), flushed into the buffer per row. */
  private JsonGenerator generator;
  /** The root whose vectors and quoted field names are bound, to bind once per batch, not per row. */
  private VectorSchemaRoot bound;
  private FieldVector[] vectors = new FieldVector[0];
  private SerializedString[] names = new SerializedString[0];
  private final byte[] instant = new byte[40];

  JacksonRowEncoder() {
    generator = newGenerator();
  }

  private JsonGenerator newGenerator() {
    try {
      JsonGenerator g = JSON.createGenerator(buffer);
      g.setRootValueSeparator(null);
      return g;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
  }

  /** Row {@code row} of {@code root} as one JSON object. */
  byte[] json(VectorSchemaRoot root, int row) {
    if (root != bound) {
      List<FieldVector> list = root.getFieldVectors();
      vectors = list.toArray(FieldVector[]::new);
      names = new SerializedString[vectors.length];
      for (int c = 0; c < vectors.length; c++) {
        names[c] = new SerializedString(vectors[c].getName());
      }
      bound = root;
    }
    buffer.reset();
    JsonGenerator g = generator;
    try {
      g.writeStartObject();
      for (int c = 0; c < vectors.length; c++) {
        g.writeFieldName(names[c]);
        writeValue(g, vectors[c], row);
      }
      g.writeEndObject();
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    } catch (RuntimeException e) {
      generator = newGenerator(); // the failed row left the old one inside an object
      throw e;
    }
    return buffer.toByteArray();
  }

  private void writeValue(JsonGenerator g, FieldVector v, int row) throws IOException {
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
    } else if (v instanceof TimeStampVector tv) {
      long t = tv.get(row);
      boolean micros = v instanceof org.apache.arrow.vector.TimeStampMicroVector;
      int n = micros ? Values.formatInstant(Math.floorDiv(t, 1_000_000L), (int) Math.floorMod(t, 1_000_000L) * 1000,
          instant) : Values.formatInstant(Math.floorDiv(t, 1000L), (int) Math.floorMod(t, 1000L) * 1_000_000, instant);
      if (n > 0) {
        g.writeRawUTF8String(instant, 0, n); // ASCII digits and separators: nothing to escape
      } else {
        g.writeString(RowEncoder.textOf(v, row));
      }
    } else {
      g.writeString(RowEncoder.textOf(v, row));
    }
  }

  private static void writeDouble(JsonGenerator g, double d) throws IOException {
    if (Double.isFinite(d)) {
      g.writeNumber(d);
    } else {
      g.writeString(Double.toString(d)); // JSON numbers have no NaN or Infinity
    }
  }
}
