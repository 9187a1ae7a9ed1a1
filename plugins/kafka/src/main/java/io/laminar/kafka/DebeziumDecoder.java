package io.laminar.kafka;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.laminar.api.RowKind;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Turns a Debezium change event ({@code format = "debezium-json"}) into row changes: the envelope
 * {@code {"before": {…}, "after": {…}, "op": "c|r|u|d", …}}, bare or inside the JSON converter's
 * {@code {"schema": …, "payload": {…}}} wrapper. {@code c} (insert) and {@code r} (snapshot read)
 * give an INSERT of {@code after}; {@code u} an UPDATE_BEFORE of {@code before} and an UPDATE_AFTER
 * of {@code after}; {@code d} a DELETE of {@code before}. A {@code u} or {@code d} without
 * {@code before} is a decode error (the source names topic, partition and offset; {@code on.error}
 * applies): a lone UPDATE_AFTER would retract nothing, so an updating GROUP BY would count the
 * row's old and new version both. A record
 * without a value (the tombstone Debezium writes after a delete) and a wrapper whose payload is null
 * give no row. The {@code before} and {@code after} rows are decoded like {@code json} records
 * ({@link RowDecoder}); the envelope's other fields ({@code source}, {@code ts_ms}, …) are ignored.
 */
final class DebeziumDecoder {
  private final RowDecoder before;
  private final RowDecoder after;
  private final RowDecoder[] rows = new RowDecoder[2];
  private final byte[] kinds = new byte[2];
  private int count;

  DebeziumDecoder(List<Field> fields, List<ColumnKind> columnKinds, RowDecoder.TimestampTarget timestampTarget) {
    this.before = new RowDecoder(RowDecoder.Format.JSON, fields, columnKinds, timestampTarget);
    this.after = new RowDecoder(RowDecoder.Format.JSON, fields, columnKinds, timestampTarget);
  }

  /** What one envelope held. */
  private static final class Envelope {
    boolean hasBefore;
    boolean hasAfter;
    String op;
    boolean nullPayload;
  }

  /**
   * Decodes {@code value} (null for a tombstone); returns the number of rows it gives (0 to 2), which
   * {@link #writeTo} then writes.
   */
  int decode(byte[] value, long recordTimestamp) throws DecodeException {
    return decode(value, 0, value == null ? 0 : value.length, recordTimestamp);
  }

  /** {@link #decode(byte[], long)} of a record value as the consumer hands it out (null for a tombstone). */
  int decode(java.nio.ByteBuffer value, long recordTimestamp) throws DecodeException {
    if (value == null) {
      return decode(null, 0, 0, recordTimestamp);
    }
    if (value.hasArray()) {
      return decode(value.array(), value.arrayOffset() + value.position(), value.remaining(), recordTimestamp);
    }
    byte[] copy = new byte[value.remaining()];
    value.duplicate().get(copy);
    return decode(copy, 0, copy.length, recordTimestamp);
  }

  private int decode(byte[] value, int offset, int length, long recordTimestamp) throws DecodeException {
    count = 0;
    if (value == null) {
      return 0;
    }
    Envelope e = new Envelope();
    try (JsonParser p = RowDecoder.JSON.createParser(value, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DecodeException("expected a Debezium change event (a JSON object), got "
            + RowDecoder.describe(p.currentToken()));
      }
      envelope(p, e, true, recordTimestamp);
      if (p.nextToken() != null) {
        throw new DecodeException("unexpected content after the JSON object");
      }
    } catch (JsonProcessingException x) {
      throw RowDecoder.malformed(x);
    } catch (IOException x) {
      throw new DecodeException("unreadable JSON: " + x.getMessage());
    }
    if (e.op == null) {
      if (e.nullPayload) {
        return 0; // the JSON converter's tombstone: {"schema": null, "payload": null}
      }
      throw new DecodeException("not a Debezium change event: it has no 'op' field");
    }
    switch (e.op) {
      case "c", "r" -> add(RowKind.INSERT, after, e.hasAfter, "after");
      case "u" -> {
        // without the old row a +U alone would be counted as one more row by an updating aggregate
        // (it retracts nothing): refused like a delete without it
        add(RowKind.UPDATE_BEFORE, before, e.hasBefore, "before");
        add(RowKind.UPDATE_AFTER, after, e.hasAfter, "after");
      }
      case "d" -> add(RowKind.DELETE, before, e.hasBefore, "before");
      case "t" -> throw new DecodeException("op 't' (a truncate) removes rows the event does not list, so it "
          + "cannot be turned into deletes");
      case "m" -> {
        // a logical decoding message, not a row change
      }
      default -> throw new DecodeException("unknown Debezium op '" + e.op + "' (expected c, r, u or d)");
    }
    return count;
  }

  private void add(RowKind kind, RowDecoder row, boolean present, String field) throws DecodeException {
    if (!present) {
      count = 0;
      throw new DecodeException("op '" + opOf(kind) + "' needs its '" + field + "' row, but it is "
          + (field.equals("before") ? "null (" + (kind == RowKind.UPDATE_BEFORE ? "an update without it cannot take"
          + " the old row back, so an aggregate would count both; " : "") + "for PostgreSQL set REPLICA IDENTITY FULL"
          + " on the table, for MySQL binlog_row_image = FULL)" : "null"));
    }
    rows[count] = row;
    kinds[count] = kind.code();
    count++;
  }

  private static String opOf(RowKind kind) {
    return switch (kind) {
      case INSERT -> "c";
      case UPDATE_BEFORE, UPDATE_AFTER -> "u";
      case DELETE -> "d";
    };
  }

  private void envelope(JsonParser p, Envelope e, boolean top, long recordTimestamp)
      throws IOException, DecodeException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      switch (name) {
        case "payload" -> {
          if (!top) {
            p.skipChildren();
          } else if (token == JsonToken.VALUE_NULL) {
            e.nullPayload = true;
          } else if (token == JsonToken.START_OBJECT) {
            envelope(p, e, false, recordTimestamp);
          } else {
            throw new DecodeException("'payload' must be an object, got " + RowDecoder.describe(token));
          }
        }
        case "before" -> e.hasBefore = row(p, token, before, "before", recordTimestamp);
        case "after" -> e.hasAfter = row(p, token, after, "after", recordTimestamp);
        case "op" -> {
          if (token != JsonToken.VALUE_STRING) {
            throw new DecodeException("'op' must be a string, got " + RowDecoder.describe(token));
          }
          e.op = p.getText();
        }
        default -> p.skipChildren();
      }
    }
  }

  private static boolean row(JsonParser p, JsonToken token, RowDecoder decoder, String field, long recordTimestamp)
      throws IOException, DecodeException {
    if (token == JsonToken.VALUE_NULL) {
      return false;
    }
    if (token != JsonToken.START_OBJECT) {
      throw new DecodeException("'" + field + "' must be an object or null, got " + RowDecoder.describe(token));
    }
    try {
      decoder.decodeObject(p, recordTimestamp);
    } catch (DecodeException x) {
      throw new DecodeException("'" + field + "': " + x.getMessage());
    }
    return true;
  }

  /** Writes the rows of the last {@link #decode} from row {@code row} on: values to {@code root}, kinds to {@code rowKinds}. */
  void writeTo(VectorSchemaRoot root, TinyIntVector rowKinds, int row) {
    for (int i = 0; i < count; i++) {
      rows[i].writeTo(root, row + i);
      rowKinds.setSafe(row + i, kinds[i]);
    }
  }
}
