package io.laminar.connectors.builtin;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

/** Renders one Arrow cell as JSON or text: timestamps as ISO-8601 UTC, dates as ISO dates. */
final class Cells {
  /** ISO-8601 UTC with milliseconds always present, so a column of timestamps has one width. */
  private static final DateTimeFormatter FIXED_WIDTH_INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  /** The same with microseconds, for TIMESTAMP(6). */
  private static final DateTimeFormatter FIXED_WIDTH_INSTANT_MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Cells() {
  }

  static void writeJson(JsonGenerator g, FieldVector v, int row) throws IOException {
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
    } else if (v instanceof DecimalVector dv) {
      // the exact digits, as a JSON number (never in exponent form)
      g.writeNumber(dv.getObject(row).toPlainString());
    } else if (v instanceof BitVector bv) {
      g.writeBoolean(bv.get(row) != 0);
    } else if (v instanceof VarCharVector sv) {
      byte[] bytes = sv.get(row);
      g.writeUTF8String(bytes, 0, bytes.length);
    } else {
      g.writeString(text(v, row));
    }
  }

  private static void writeDouble(JsonGenerator g, double d) throws IOException {
    if (Double.isFinite(d)) {
      g.writeNumber(d);
    } else {
      g.writeString(Double.toString(d)); // JSON has no NaN/Infinity
    }
  }

  /**
   * As {@link #text}, for aligned tables: timestamps at a fixed width, and line breaks and tabs in
   * strings escaped ({@code \n}, {@code \r}, {@code \t}) so that a row stays on one line.
   */
  static String tableText(FieldVector v, int row) {
    if (v instanceof TimeStampVector tv && !v.isNull(row)) {
      return v instanceof TimeStampMicroVector ? FIXED_WIDTH_INSTANT_MICROS.format(instant(tv, row))
          : FIXED_WIDTH_INSTANT.format(instant(tv, row));
    }
    String text = text(v, row);
    if (v instanceof VarCharVector && (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\t') >= 0)) {
      return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
    return text;
  }

  /** A timestamp cell as an instant: TIMESTAMP(6) vectors hold microseconds, the others milliseconds. */
  static Instant instant(TimeStampVector v, int row) {
    return v instanceof TimeStampMicroVector ? Instant.EPOCH.plus(v.get(row), java.time.temporal.ChronoUnit.MICROS)
        : Instant.ofEpochMilli(v.get(row));
  }

  static String text(FieldVector v, int row) {
    if (v.isNull(row)) {
      return "NULL";
    }
    if (v instanceof TimeStampVector tv) {
      return instant(tv, row).toString();
    }
    if (v instanceof DateDayVector dv) {
      return LocalDate.ofEpochDay(dv.get(row)).toString();
    }
    if (v instanceof VarCharVector sv) {
      return new String(sv.get(row), java.nio.charset.StandardCharsets.UTF_8);
    }
    if (v instanceof DecimalVector dv) {
      return dv.getObject(row).toPlainString();
    }
    return String.valueOf(v.getObject(row));
  }
}
