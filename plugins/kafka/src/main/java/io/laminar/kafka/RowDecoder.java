package io.laminar.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Turns one record value (a JSON object, or a CSV line whose fields follow the schema's column
 * order) into a row of the configured schema.
 *
 * <p>{@link #decodeInto} streams a JSON record straight into the batch's vectors: each field is
 * converted as Jackson's streaming parser reaches it and written to its column at once (strings
 * are UTF-8-encoded from the parser's characters into a reused buffer, ISO-8601 timestamps are
 * parsed from those characters without a {@code String}); no map, tree or per-record object is
 * built. Records in the common flat shape skip even the parser ({@link #fastJson}: bytes straight
 * to cells, written by address into the batch's buffers, see {@link #bindDirect}); anything else (escapes, non-ASCII text, exponents, nesting, errors) goes through Jackson,
 * which alone words the errors. A record that fails half-way may leave cells in row {@code row}: the caller does not count
 * that row, and the next record overwrites every column of it (each record writes every column, a
 * value or null), or it lies past the batch's row count. {@link #decode} + {@link #writeTo} stage
 * a whole row first instead (a Debezium event's {@code before} and {@code after}, whose rows are
 * only known once the envelope is read). Missing fields are null; unknown JSON fields are ignored;
 * a value of the wrong JSON type, a number out of range or malformed input is a
 * {@link DecodeException}.
 */
final class RowDecoder {
  /** Staging states of a column in the current row. */
  private static final byte ABSENT = 0;
  private static final byte NULL = 1;
  private static final byte VALUE = 2;

  /** Which column receives the Kafka record timestamp. */
  sealed interface TimestampTarget {
    /** The record timestamp is not used. */
    record None() implements TimestampTarget {
    }

    /** The first TIMESTAMP column the record does not supply ({@code $kafka.timestamp}). */
    record FirstAbsent() implements TimestampTarget {
    }

    /** The named TIMESTAMP column, when the record does not supply it. */
    record Column(int index) implements TimestampTarget {
    }
  }

  /** The record formats: plain rows as JSON or CSV, or Debezium change events ({@link DebeziumDecoder}). */
  enum Format {
    JSON, CSV, DEBEZIUM_JSON;

    /** The format named by a {@code format} property value ({@code debezium-json} → DEBEZIUM_JSON). */
    static Format parse(String value) {
      return valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  /** Exact (correctly rounded) and faster than {@code Double.parseDouble}. */
  static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
  /** Without a CSV schema and with WRAP_AS_ARRAY, {@code readValues} yields each line as strings. */
  private static final ObjectReader CSV = new CsvMapper().readerFor(String[].class)
      .with(CsvParser.Feature.WRAP_AS_ARRAY);

  private final Format format;
  private final String[] names;
  private final ColumnKind[] kinds;
  private final Map<String, Integer> index = new HashMap<>();
  private final TimestampTarget timestampTarget;

  private final byte[] state;
  private final long[] longs;
  private final double[] doubles;
  /** Each VARCHAR cell's UTF-8 bytes, in a buffer reused from record to record, and their length. */
  private final byte[][] strings;
  private final int[] stringLengths;
  private final java.math.BigDecimal[] decimals;
  /** Each DECIMAL column's type (null for other columns). */
  private final ArrowType.Decimal[] decimalTypes;
  /** The vectors of the batch {@link #decodeInto} writes to, and the row; null when staging. */
  private final FieldVector[] vectors;
  private VectorSchemaRoot boundRoot;
  private int targetRow = -1;
  /**
   * The short path's direct writes into the bound batch: per column its vector as fixed- or
   * variable-width (the other null), the buffers the addresses below were taken from (a vector that
   * grew since has others), and how many rows every vector holds without growing (0: not bound yet).
   */
  private final BaseFixedWidthVector[] fixedVectors;
  private final BaseVariableWidthVector[] variableVectors;
  private final ArrowBuf[] validityBuffers;
  private final ArrowBuf[] dataBuffers;
  private final ArrowBuf[] offsetBuffers;
  private final long[] validityAddresses;
  private final long[] dataAddresses;
  private final long[] offsetAddresses;
  /** Bytes of each VARCHAR column's data buffer. */
  private final long[] dataCapacities;
  private int directRows;
  /** Per TIMESTAMP column: its reader, which remembers the last record's minute (null for others). */
  private final Values.TimestampReader[] timestampReaders;
  /** Per TIMESTAMP column: the length of the last timestamp text the short path read (0: none yet). */
  private final int[] timestampLengths;
  /** The column the next field probably is (the one after the last), to skip the name lookup. */
  private int expected;

  RowDecoder(Format format, List<Field> fields, List<ColumnKind> kinds, TimestampTarget timestampTarget) {
    this.format = format;
    // interned like Jackson's field names, so a field in schema order matches by identity
    this.names = fields.stream().map(f -> f.getName().intern()).toArray(String[]::new);
    this.kinds = kinds.toArray(ColumnKind[]::new);
    for (int i = 0; i < names.length; i++) {
      index.put(names[i], i);
    }
    this.timestampTarget = timestampTarget;
    this.state = new byte[names.length];
    this.longs = new long[names.length];
    this.doubles = new double[names.length];
    this.strings = new byte[names.length][];
    this.stringLengths = new int[names.length];
    this.decimals = new java.math.BigDecimal[names.length];
    this.decimalTypes = new ArrowType.Decimal[names.length];
    this.vectors = new FieldVector[names.length];
    this.fixedVectors = new BaseFixedWidthVector[names.length];
    this.variableVectors = new BaseVariableWidthVector[names.length];
    this.validityBuffers = new ArrowBuf[names.length];
    this.dataBuffers = new ArrowBuf[names.length];
    this.offsetBuffers = new ArrowBuf[names.length];
    this.validityAddresses = new long[names.length];
    this.dataAddresses = new long[names.length];
    this.offsetAddresses = new long[names.length];
    this.dataCapacities = new long[names.length];
    this.timestampReaders = new Values.TimestampReader[names.length];
    this.timestampLengths = new int[names.length];
    this.nameBytes = new byte[names.length][];
    this.plainNames = new boolean[names.length];
    this.quotedNames = new byte[names.length][];
    this.nameWords = new long[names.length];
    this.nameMasks = new long[names.length];
    for (int c = 0; c < names.length; c++) {
      nameBytes[c] = names[c].getBytes(StandardCharsets.UTF_8);
      plainNames[c] = names[c].chars().allMatch(ch -> ch >= 0x20 && ch < 0x7F && ch != '"' && ch != '\\');
      byte[] quoted = Arrays.copyOf(nameBytes[c], nameBytes[c].length + 2);
      quoted[quoted.length - 2] = '"';
      quoted[quoted.length - 1] = ':';
      quotedNames[c] = quoted;
      for (int i = 0; i < Math.min(8, quoted.length); i++) {
        nameWords[c] |= (quoted[i] & 0xFFL) << 8 * i;
        nameMasks[c] |= 0xFFL << 8 * i;
      }
      if (!MemoryUtil.LITTLE_ENDIAN) { // as MemoryUtil.getLong reads the record's bytes
        nameWords[c] = Long.reverseBytes(nameWords[c]);
        nameMasks[c] = Long.reverseBytes(nameMasks[c]);
      }
    }
    for (int i = 0; i < names.length; i++) {
      if (fields.get(i).getType() instanceof ArrowType.Decimal d) {
        decimalTypes[i] = d;
      }
      if (this.kinds[i] == ColumnKind.TIMESTAMP || this.kinds[i] == ColumnKind.TIMESTAMP_MICROS) {
        timestampReaders[i] = new Values.TimestampReader();
      }
    }
  }

  /** Decodes {@code value} into the staging row; {@code recordTimestamp} is the Kafka timestamp. */
  void decode(byte[] value, long recordTimestamp) throws DecodeException {
    decode(value, 0, value == null ? 0 : value.length, recordTimestamp);
  }

  /** {@link #decode(byte[], long)} of {@code length} bytes at {@code offset} of {@code value}. */
  void decode(byte[] value, int offset, int length, long recordTimestamp) throws DecodeException {
    targetRow = -1;
    Arrays.fill(state, ABSENT);
    if (value == null) {
      throw new DecodeException("the record has no value (a tombstone)");
    }
    if (format == Format.JSON) {
      decodeJson(value, offset, length);
    } else {
      decodeCsv(value, offset, length);
    }
    fillTimestamp(recordTimestamp);
  }

  /**
   * Jackson's messages may quote a location that starts with "Source: REDACTED (…); ": the record
   * is not the source of anything the user knows, so keep just line and column.
   */
  private static String withoutSource(String message) {
    return message == null ? "" : message.replaceAll("\\[Source: [^;]*; ", "[");
  }

  /**
   * Decodes {@code value} and writes it as row {@code row} of {@code root} (whose vectors follow the
   * schema), JSON field by field as the parser reads it; see the class comment for a failure.
   */
  void decodeInto(byte[] value, long recordTimestamp, VectorSchemaRoot root, int row) throws DecodeException {
    decodeInto(value, 0, value == null ? 0 : value.length, recordTimestamp, root, row);
  }

  /**
   * {@link #decodeInto(byte[], long, VectorSchemaRoot, int)} of a record value as the consumer hands
   * it out (a view of the fetched bytes, null for a tombstone), without copying it.
   */
  void decodeInto(java.nio.ByteBuffer value, long recordTimestamp, VectorSchemaRoot root, int row)
      throws DecodeException {
    if (value == null) {
      decodeInto((byte[]) null, 0, 0, recordTimestamp, root, row);
    } else if (value.hasArray()) {
      decodeInto(value.array(), value.arrayOffset() + value.position(), value.remaining(), recordTimestamp, root, row);
    } else {
      byte[] copy = new byte[value.remaining()];
      value.duplicate().get(copy);
      decodeInto(copy, 0, copy.length, recordTimestamp, root, row);
    }
  }

  /** {@link #decodeInto(byte[], long, VectorSchemaRoot, int)} of {@code length} bytes at {@code offset}. */
  void decodeInto(byte[] value, int offset, int length, long recordTimestamp, VectorSchemaRoot root, int row)
      throws DecodeException {
    if (format != Format.JSON) {
      decode(value, offset, length, recordTimestamp);
      writeTo(root, row);
      return;
    }
    if (root != boundRoot) {
      bind(root);
    }
    Arrays.fill(state, ABSENT);
    if (value == null) {
      throw new DecodeException("the record has no value (a tombstone)");
    }
    targetRow = row;
    try {
      bindDirect(row);
      if (fastJson(value, offset, length)) {
        fillTimestamp(recordTimestamp);
        for (int c = 0; c < names.length; c++) {
          if (state[c] == ABSENT) {
            clearBit(validityAddresses[c], row);
          } else if (c == filledTimestamp) {
            putValue(c, row);
          }
        }
        return;
      }
      Arrays.fill(state, ABSENT); // what the short path wrote to the row is overwritten below
      decodeJson(value, offset, length);
      fillTimestamp(recordTimestamp);
      for (int c = 0; c < names.length; c++) {
        if (state[c] == ABSENT) {
          vectors[c].setNull(row);
        } else if (state[c] == VALUE && c == filledTimestamp) {
          writeCell(vectors[c], row, c);
        }
      }
    } finally {
      targetRow = -1;
    }
  }

  /**
   * Makes {@code root} the batch written to (once per batch: a method of its own, so the per-record
   * path the JIT compiles holds no loop that only a new batch runs).
   */
  private void bind(VectorSchemaRoot root) {
    for (int c = 0; c < vectors.length; c++) {
      FieldVector v = root.getVector(c);
      vectors[c] = v;
      fixedVectors[c] = v instanceof BaseFixedWidthVector f ? f : null;
      variableVectors[c] = v instanceof BaseVariableWidthVector w ? w : null;
    }
    boundRoot = root;
    directRows = 0;
  }

  /**
   * Makes the bound batch's vectors hold row {@code row} (growing them as {@code setSafe} would) and
   * takes their buffers' addresses for the short path, unless they are still the ones taken:
   * checked per record, since Jackson's path, {@link #writeTo} or the caller may have grown a vector.
   */
  private void bindDirect(int row) {
    if (row < directRows && buffersUnchanged()) {
      return;
    }
    int rows = Integer.MAX_VALUE;
    for (int c = 0; c < vectors.length; c++) {
      FieldVector v = vectors[c];
      while (row >= v.getValueCapacity()) {
        if (variableVectors[c] != null) {
          variableVectors[c].reallocValidityAndOffsetBuffers(); // its data buffer grows by the bytes written
        } else {
          v.reAlloc();
        }
      }
      rows = Math.min(rows, v.getValueCapacity());
      validityBuffers[c] = v.getValidityBuffer();
      dataBuffers[c] = v.getDataBuffer();
      validityAddresses[c] = validityBuffers[c].memoryAddress();
      dataAddresses[c] = dataBuffers[c].memoryAddress();
      dataCapacities[c] = dataBuffers[c].capacity();
      if (variableVectors[c] != null) {
        offsetBuffers[c] = v.getOffsetBuffer();
        offsetAddresses[c] = offsetBuffers[c].memoryAddress();
      }
    }
    directRows = rows;
  }

  /**
   * Whether the bound vectors still have the buffers taken: a fixed-width vector grows (or is
   * cleared) both its buffers at once, a variable-width one its data buffer apart from the others.
   */
  private boolean buffersUnchanged() {
    for (int c = 0; c < vectors.length; c++) {
      BaseFixedWidthVector f = fixedVectors[c];
      if (f != null) {
        if (f.getDataBuffer() != dataBuffers[c]) {
          return false;
        }
      } else {
        BaseVariableWidthVector w = variableVectors[c];
        if (w == null || w.getDataBuffer() != dataBuffers[c] || w.getOffsetBuffer() != offsetBuffers[c]) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Writes column {@code c}'s value (a fixed-width kind the short path reads) to row {@code row} by
   * address, as {@code set} would: {@link #bindDirect} made the row fit.
   */
  private void putValue(int c, int row) {
    long data = dataAddresses[c];
    switch (kinds[c]) {
      case INT, DATE -> MemoryUtil.putInt(data + 4L * row, (int) longs[c]);
      case BIGINT, TIMESTAMP, TIMESTAMP_MICROS -> MemoryUtil.putLong(data + 8L * row, longs[c]);
      case FLOAT -> MemoryUtil.putInt(data + 4L * row, Float.floatToRawIntBits((float) doubles[c]));
      case DOUBLE -> MemoryUtil.putLong(data + 8L * row, Double.doubleToRawLongBits(doubles[c]));
      case BOOLEAN -> {
        if (longs[c] != 0) {
          setBit(data, row);
        } else {
          clearBit(data, row);
        }
      }
      default -> throw new AssertionError(kinds[c]);
    }
    setBit(validityAddresses[c], row);
  }

  /**
   * Writes {@code n} bytes of {@code src} at {@code from} as column {@code c}'s string in row
   * {@code row}, straight into the VarChar vector's buffers as {@code setSafe} would: rows between
   * the last one set and this one become empty, the data buffer grows if the bytes do not fit.
   */
  private void putString(int c, int row, byte[] src, int from, int n) {
    BaseVariableWidthVector v = variableVectors[c];
    long offsets = offsetAddresses[c];
    int last = v.getLastSet();
    int start;
    if (last < row) {
      start = MemoryUtil.getInt(offsets + 4L * (last + 1));
      for (int i = last + 1; i < row; i++) {
        MemoryUtil.putInt(offsets + 4L * (i + 1), start);
      }
    } else {
      start = MemoryUtil.getInt(offsets + 4L * row); // the row again (a record that failed there)
    }
    long stop = (long) start + n;
    if (stop > dataCapacities[c]) {
      v.reallocDataBuffer(stop);
      dataBuffers[c] = v.getDataBuffer();
      dataAddresses[c] = dataBuffers[c].memoryAddress();
      dataCapacities[c] = dataBuffers[c].capacity();
    }
    long to = dataAddresses[c] + start;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      MemoryUtil.putLong(to + i, MemoryUtil.getLong(src, from + i));
    }
    for (; i < n; i++) {
      MemoryUtil.putByte(to + i, src[from + i]);
    }
    MemoryUtil.putInt(offsets + 4L * (row + 1), (int) stop);
    setBit(validityAddresses[c], row);
    v.setLastSet(row);
  }

  private static void setBit(long address, int index) {
    long at = address + (index >>> 3);
    MemoryUtil.putByte(at, (byte) (MemoryUtil.getByte(at) | 1 << (index & 7)));
  }

  private static void clearBit(long address, int index) {
    long at = address + (index >>> 3);
    MemoryUtil.putByte(at, (byte) (MemoryUtil.getByte(at) & ~(1 << (index & 7))));
  }

  /** Copies the staging row into row {@code row} of {@code root} (whose vectors follow the schema). */
  void writeTo(VectorSchemaRoot root, int row) {
    for (int c = 0; c < names.length; c++) {
      FieldVector v = root.getVector(c);
      if (state[c] != VALUE) {
        v.setNull(row);
      } else {
        writeCell(v, row, c);
      }
    }
  }

  /** Writes column {@code c}'s staged value to {@code v} at {@code row}. */
  private void writeCell(FieldVector v, int row, int c) {
    switch (kinds[c]) {
      case INT -> ((IntVector) v).setSafe(row, (int) longs[c]);
      case BIGINT -> ((BigIntVector) v).setSafe(row, longs[c]);
      case FLOAT -> ((Float4Vector) v).setSafe(row, (float) doubles[c]);
      case DOUBLE -> ((Float8Vector) v).setSafe(row, doubles[c]);
      case DECIMAL -> ((org.apache.arrow.vector.DecimalVector) v).setSafe(row, decimals[c]);
      case VARCHAR -> ((VarCharVector) v).setSafe(row, strings[c], 0, stringLengths[c]);
      case BOOLEAN -> ((BitVector) v).setSafe(row, (int) longs[c]);
      case TIMESTAMP, TIMESTAMP_MICROS -> ((org.apache.arrow.vector.TimeStampVector) v).setSafe(row, longs[c]);
      case DATE -> ((DateDayVector) v).setSafe(row, (int) longs[c]);
      default -> throw new AssertionError(kinds[c]);
    }
  }

  /** The column {@link #fillTimestamp} gave the record timestamp in the last record, or -1. */
  private int filledTimestamp = -1;

  private void fillTimestamp(long recordTimestamp) {
    filledTimestamp = -1;
    int target = -1;
    if (timestampTarget instanceof TimestampTarget.Column c) {
      target = state[c.index()] == ABSENT ? c.index() : -1;
    } else if (timestampTarget instanceof TimestampTarget.FirstAbsent) {
      for (int c = 0; c < kinds.length && target < 0; c++) {
        if ((kinds[c] == ColumnKind.TIMESTAMP || kinds[c] == ColumnKind.TIMESTAMP_MICROS) && state[c] == ABSENT) {
          target = c;
        }
      }
    }
    if (target >= 0 && recordTimestamp >= 0) {
      state[target] = VALUE;
      // the record's timestamp is in milliseconds
      longs[target] = kinds[target] == ColumnKind.TIMESTAMP_MICROS ? recordTimestamp * 1000 : recordTimestamp;
      filledTimestamp = target;
    }
  }

  /**
   * Decodes the JSON object whose START_OBJECT {@code p} is on (a Debezium {@code before} or
   * {@code after} row) into the staging row, up to its END_OBJECT.
   */
  void decodeObject(JsonParser p, long recordTimestamp) throws IOException, DecodeException {
    targetRow = -1;
    Arrays.fill(state, ABSENT);
    objectFields(p);
    fillTimestamp(recordTimestamp);
  }

  private void decodeJson(byte[] value, int offset, int length) throws DecodeException {
    try (JsonParser p = JSON.createParser(value, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DecodeException("expected a JSON object, got " + describe(p.currentToken()));
      }
      objectFields(p);
      if (p.nextToken() != null) {
        throw new DecodeException("unexpected content after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new DecodeException("unreadable JSON: " + e.getMessage());
    }
  }

  /** Per column: its name's UTF-8 bytes, which the short path compares a field name with. */
  private final byte[][] nameBytes;
  /** Per column: whether its name is printable ASCII without quote or backslash (matched as raw bytes). */
  private final boolean[] plainNames;
  /**
   * Per column: its name followed by {@code ":}, as the record has it; its first 8 bytes (or fewer)
   * as a little-endian word, and the mask of those bytes, compared with the record's at once.
   */
  private final byte[][] quotedNames;
  private final long[] nameWords;
  private final long[] nameMasks;

  /** Powers of ten up to 10^22: each and every integer below 2^53 are exact doubles (Clinger's fast path). */
  private static final double[] TENS = new double[23];

  static {
    TENS[0] = 1;
    for (int i = 1; i < TENS.length; i++) {
      TENS[i] = TENS[i - 1] * 10;
    }
  }

  /** Where {@link #fastJson} is in the record; its number results. */
  private int at;
  private int end;
  private long number;

  /**
   * The short path of {@link #decodeInto}: a flat JSON object in the common shape — ASCII field
   * names without escapes, each column once (other fields with such scalar values are skipped);
   * values that are {@code null}, numbers of at most 15 digits without exponent (a double is then
   * {@code digits / 10^k}, correctly rounded as Jackson's parser rounds it), ASCII strings without
   * escapes, {@code true}/{@code false}, ISO-8601 timestamps of {@link Values.TimestampReader}'s shape
   * — is decoded into the row without a parser.
   * False at the first thing outside that shape (any error included): the caller then decodes the
   * record with Jackson from the start, which gives every value and every error message as before
   * (the cells written so far are overwritten, since a record writes every column).
   */
  private boolean fastJson(byte[] v, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > v.length) {
      return false; // Jackson reports it; the short path's unchecked 8-byte reads stay inside the array
    }
    at = offset;
    end = offset + length;
    if (!skipSpace(v) || v[at++] != '{' || !skipSpace(v)) {
      return false;
    }
    int next = 0; // the column the next field probably is
    if (v[at] == '}') {
      at++;
    } else {
      while (true) {
        if (v[at++] != '"') {
          return false;
        }
        int c = expectedName(v, next);
        if (c < 0) {
          int nameStart = at;
          while (at < end && v[at] != '"') {
            if (v[at] == '\\' || v[at] < 0x20) {
              return false; // escapes, controls and non-ASCII names (negative bytes) go to Jackson
            }
            at++;
          }
          if (at >= end) {
            return false;
          }
          c = fastColumn(v, nameStart, at - nameStart);
          at++;
          if (!skipSpace(v) || v[at++] != ':') {
            return false;
          }
        }
        if (at >= end || v[at] <= ' ' && !skipSpace(v)) {
          return false;
        }
        if (c < 0) {
          if (!skipScalar(v)) {
            return false;
          }
        } else if (state[c] != ABSENT || !fastValue(v, c)) {
          return false;
        } else {
          next = c + 1;
        }
        if (at >= end || v[at] <= ' ' && !skipSpace(v)) {
          return false;
        }
        byte b = v[at++];
        if (b == '}') {
          break;
        }
        if (b != ',' || at >= end || v[at] <= ' ' && !skipSpace(v)) {
          return false;
        }
      }
    }
    while (at < end) {
      byte b = v[at++];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Skips JSON whitespace; false at the end of the record. */
  private boolean skipSpace(byte[] v) {
    while (at < end) {
      byte b = v[at];
      if (b > ' ' || b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return true;
      }
      at++;
    }
    return false;
  }

  /**
   * Column {@code next} if its name (plain ASCII), the closing quote and the colon are at
   * {@link #at} (then past them), else -1 with {@link #at} unmoved: records mostly list the fields
   * in schema order, without spaces around the colon. The first 8 bytes are compared at once.
   */
  private int expectedName(byte[] v, int next) {
    if (next >= nameBytes.length || !plainNames[next]) {
      return -1;
    }
    byte[] name = quotedNames[next];
    int n = name.length;
    if (end - at < Math.max(8, n + 1)) {
      return -1;
    }
    if ((MemoryUtil.getLong(v, at) & nameMasks[next]) != nameWords[next]) {
      return -1;
    }
    for (int i = 8; i < n; i++) {
      if (v[at + i] != name[i]) {
        return -1;
      }
    }
    at += n;
    return next;
  }

  /** The column named by {@code len} bytes at {@code from}; -1 for none. */
  private int fastColumn(byte[] v, int from, int len) {
    for (int c = 0; c < nameBytes.length; c++) {
      if (Arrays.equals(v, from, from + len, nameBytes[c], 0, nameBytes[c].length)) {
        return c;
      }
    }
    return -1;
  }

  /**
   * Skips the value of a field that is no column, if it is a scalar in the short path's shape (an
   * ASCII string without escapes, a number without exponent, a literal); false otherwise.
   */
  private boolean skipScalar(byte[] v) {
    byte b = v[at];
    if (b == '"') {
      at++;
      while (at < end && v[at] != '"') {
        if (v[at] < 0x20 || v[at] == '\\') {
          return false;
        }
        at++;
      }
      at++;
      return at <= end;
    }
    if (b == '-' || b >= '0' && b <= '9') {
      return fastNumber(v, true) > 0;
    }
    return literal(v, "null") || literal(v, "true") || literal(v, "false");
  }

  /**
   * One value of column {@code c} into the row (by address: {@link #bindDirect} made it fit); false
   * where Jackson is to decide.
   */
  private boolean fastValue(byte[] v, int c) {
    int row = targetRow;
    byte b = v[at];
    if (b == 'n') {
      if (!literal(v, "null")) {
        return false;
      }
      state[c] = NULL;
      clearBit(validityAddresses[c], row);
      return true;
    }
    long data = dataAddresses[c];
    switch (kinds[c]) {
      case INT -> {
        int digits = fastNumber(v, false);
        if (digits <= 0 || digits > 9) {
          return false;
        }
        MemoryUtil.putInt(data + 4L * row, (int) number);
      }
      case BIGINT -> {
        int digits = fastNumber(v, false);
        if (digits <= 0 || digits > 18) {
          return false;
        }
        MemoryUtil.putLong(data + 8L * row, number);
      }
      case FLOAT, DOUBLE -> {
        int start = at;
        int digits = fastNumber(v, true);
        if (digits <= 0 || digits > 15 || number == 0 && v[start] == '-') {
          return false; // -0 is left to Jackson, which reads an integer -0 as 0.0 but -0.0 as -0.0
        }
        double d = number < 0 ? -(-number / TENS[fraction]) : number / TENS[fraction];
        if (kinds[c] == ColumnKind.DOUBLE) {
          MemoryUtil.putLong(data + 8L * row, Double.doubleToRawLongBits(d));
        } else {
          MemoryUtil.putInt(data + 4L * row, Float.floatToRawIntBits((float) d));
        }
      }
      case VARCHAR -> {
        if (b != '"') {
          return false;
        }
        int start = ++at;
        while (at < end && v[at] != '"') {
          byte x = v[at];
          if (x < 0x20 || x == '\\') {
            return false; // escapes, controls and non-ASCII (negative bytes) go to Jackson
          }
          at++;
        }
        if (at >= end) {
          return false;
        }
        at++;
        putString(c, row, v, start, at - 1 - start); // the bytes are the UTF-8 string
        state[c] = VALUE;
        return true;
      }
      case BOOLEAN -> {
        if (literal(v, "true")) {
          setBit(data, row);
        } else if (literal(v, "false")) {
          clearBit(data, row);
        } else {
          return false;
        }
      }
      case TIMESTAMP, TIMESTAMP_MICROS -> {
        long t;
        if (b == '"') {
          t = fastTimestampText(v, c);
          if (t == Values.NOT_FAST) {
            return false;
          }
        } else {
          int digits = fastNumber(v, false);
          if (digits <= 0 || digits > 18) {
            return false;
          }
          t = number;
        }
        MemoryUtil.putLong(data + 8L * row, t);
      }
      default -> {
        return false; // DECIMAL, DATE: Jackson's path
      }
    }
    state[c] = VALUE;
    setBit(validityAddresses[c], row);
    return true;
  }

  /**
   * The timestamp string at {@link #at} (on its opening quote) of column {@code c}, then past it;
   * {@link Values#NOT_FAST} if it is not of the fast shape. The text is probably as long as the
   * column's last one: the reader accepts no quote inside, so where it reads that many bytes
   * followed by a quote, the string ends there; otherwise the end is looked for.
   */
  private long fastTimestampText(byte[] v, int c) {
    int start = ++at;
    boolean micros = kinds[c] == ColumnKind.TIMESTAMP_MICROS;
    int guess = timestampLengths[c];
    if (guess > 0 && end - start > guess && v[start + guess] == '"') {
      long t = timestampReaders[c].read(v, start, guess, micros);
      if (t != Values.NOT_FAST) {
        at = start + guess + 1;
        return t;
      }
    }
    while (at < end && v[at] != '"') {
      at++; // what is no timestamp's byte (a control, an escape) makes the reader refuse
    }
    if (at >= end) {
      return Values.NOT_FAST;
    }
    long t = timestampReaders[c].read(v, start, at - start, micros);
    timestampLengths[c] = at - start;
    at++;
    return t;
  }

  /** Digits after the point of the last {@link #fastNumber}. */
  private int fraction;

  /**
   * A JSON number at {@link #at} into {@link #number} (its digits, with the sign; with
   * {@code point}, {@link #fraction} of them after a decimal point), as JSON writes it (no leading
   * zeros, no exponent here); the count of digits, or -1 for anything else.
   */
  private int fastNumber(byte[] v, boolean point) {
    int i = at;
    int stop = end;
    boolean negative = i < stop && v[i] == '-';
    if (negative) {
      i++;
    }
    int start = i;
    long m = 0;
    int d;
    // m may overflow past 18 digits: such a number is refused below, by its count of digits
    while (i < stop && (d = v[i] - '0') >= 0 && d <= 9) {
      m = m * 10 + d;
      i++;
    }
    int digits = i - start;
    if (digits == 0 || digits > 1 && v[start] == '0') {
      return -1;
    }
    fraction = 0;
    if (i < stop && v[i] == '.') {
      if (!point) {
        return -1;
      }
      i++;
      int fractionStart = i;
      while (i < stop && (d = v[i] - '0') >= 0 && d <= 9) {
        m = m * 10 + d;
        i++;
      }
      fraction = i - fractionStart;
      if (fraction == 0) {
        return -1;
      }
      digits += fraction;
    }
    if (digits > 18) {
      return -1;
    }
    if (i < stop && (v[i] == 'e' || v[i] == 'E')) {
      return -1;
    }
    at = i;
    number = negative ? -m : m;
    return digits;
  }

  /** Whether {@code word} is at {@link #at} (then skipped), followed by no letter or digit. */
  private boolean literal(byte[] v, String word) {
    int n = word.length();
    if (end - at < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (v[at + i] != word.charAt(i)) {
        return false;
      }
    }
    if (at + n < end && Character.isLetterOrDigit(v[at + n])) {
      return false;
    }
    at += n;
    return true;
  }

  /** A malformed-JSON error with Jackson's message, without its source description. */
  static DecodeException malformed(JsonProcessingException e) {
    return new DecodeException("malformed JSON: " + withoutSource(e.getOriginalMessage())
        + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr()));
  }

  private void objectFields(JsonParser p) throws IOException, DecodeException {
    expected = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken token = p.nextToken();
      int c = column(name);
      if (c < 0) {
        p.skipChildren();
        continue;
      }
      if (state[c] != ABSENT) {
        throw new DecodeException("field '" + name + "' appears twice");
      }
      if (token == JsonToken.VALUE_NULL) {
        state[c] = NULL;
        if (targetRow >= 0) {
          vectors[c].setNull(targetRow);
        }
      } else {
        jsonValue(p, token, c);
        state[c] = VALUE;
        if (targetRow >= 0) {
          writeCell(vectors[c], targetRow, c);
        }
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new DecodeException("expected a field name, got " + describe(p.currentToken()));
    }
  }

  /** The column of a field name, or -1: fields in schema order match by identity (both interned). */
  private int column(String name) {
    int c = expected;
    if (c >= names.length || names[c] != name) {
      Integer i = index.get(name);
      if (i == null) {
        return -1;
      }
      c = i;
    }
    expected = c + 1;
    return c;
  }

  private void jsonValue(JsonParser p, JsonToken token, int c) throws IOException, DecodeException {
    ColumnKind kind = kinds[c];
    switch (kind) {
      case INT -> {
        if (token != JsonToken.VALUE_NUMBER_INT) {
          throw wrongType(c, "an integer", token);
        }
        if (p.getNumberType() != JsonParser.NumberType.INT) {
          throw outOfRange(c, p.getText());
        }
        longs[c] = p.getIntValue();
      }
      case BIGINT -> {
        if (token != JsonToken.VALUE_NUMBER_INT) {
          throw wrongType(c, "an integer", token);
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw outOfRange(c, p.getText());
        }
        longs[c] = p.getLongValue();
      }
      case FLOAT, DOUBLE -> {
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
          doubles[c] = p.getDoubleValue();
        } else if (token == JsonToken.VALUE_STRING && Values.isSpecialDouble(p.getText())) {
          doubles[c] = Double.parseDouble(p.getText());
        } else {
          throw wrongType(c, "a number", token);
        }
      }
      case DECIMAL -> {
        // a JSON number's exact digits (never through a double), or a string holding them
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
          decimals[c] = decimal(c, p.getText());
        } else if (token == JsonToken.VALUE_STRING) {
          decimals[c] = decimal(c, p.getText());
        } else {
          throw wrongType(c, "a decimal number", token);
        }
      }
      case VARCHAR -> {
        if (token != JsonToken.VALUE_STRING) {
          throw wrongType(c, "a string", token);
        }
        utf8(c, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      }
      case BOOLEAN -> {
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
          throw wrongType(c, "true or false", token);
        }
        longs[c] = token == JsonToken.VALUE_TRUE ? 1 : 0;
      }
      case TIMESTAMP -> {
        if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          longs[c] = p.getLongValue();
        } else if (token == JsonToken.VALUE_STRING) {
          long v = timestampReaders[c].read(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), false);
          longs[c] = v != Values.NOT_FAST ? v : timestamp(c, p.getText());
        } else {
          throw wrongType(c, "an ISO-8601 string or epoch milliseconds", token);
        }
      }
      case TIMESTAMP_MICROS -> {
        if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          longs[c] = p.getLongValue();
        } else if (token == JsonToken.VALUE_STRING) {
          long v = timestampReaders[c].read(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), true);
          longs[c] = v != Values.NOT_FAST ? v : timestampMicros(c, p.getText());
        } else {
          throw wrongType(c, "an ISO-8601 string or epoch microseconds", token);
        }
      }
      case DATE -> {
        if (token == JsonToken.VALUE_STRING) {
          longs[c] = date(c, p.getText());
        } else if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
          longs[c] = p.getIntValue();
        } else {
          throw wrongType(c, "an ISO-8601 date string or epoch days", token);
        }
      }
      default -> throw new AssertionError(kind);
    }
  }

  private void decodeCsv(byte[] value, int offset, int length) throws DecodeException {
    String[] fields;
    try (MappingIterator<String[]> lines = CSV.readValues(value, offset, length)) {
      fields = lines.hasNextValue() ? lines.nextValue() : new String[0];
      if (lines.hasNextValue()) {
        throw new DecodeException("the record holds more than one CSV line");
      }
    } catch (JsonProcessingException e) {
      throw new DecodeException("malformed CSV: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new DecodeException("unreadable CSV: " + e.getMessage());
    }
    if (fields.length > names.length) {
      throw new DecodeException("the CSV line has " + fields.length + " fields but the schema has "
          + names.length + " columns");
    }
    for (int c = 0; c < fields.length; c++) {
      String text = fields[c];
      if (text.isEmpty() && kinds[c] != ColumnKind.VARCHAR) {
        state[c] = NULL;
        continue;
      }
      textValue(text, c);
      state[c] = VALUE;
    }
  }

  private void textValue(String text, int c) throws DecodeException {
    try {
      switch (kinds[c]) {
        case INT -> longs[c] = Integer.parseInt(text.strip());
        case BIGINT -> longs[c] = Long.parseLong(text.strip());
        case FLOAT, DOUBLE -> doubles[c] = Double.parseDouble(text.strip());
        case DECIMAL -> decimals[c] = decimal(c, text);
        case VARCHAR -> {
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          strings[c] = bytes;
          stringLengths[c] = bytes.length;
        }
        case BOOLEAN -> longs[c] = parseBoolean(text.strip(), c);
        case TIMESTAMP -> longs[c] = isDigits(text.strip()) ? Long.parseLong(text.strip())
            : timestamp(c, text.strip());
        case TIMESTAMP_MICROS -> longs[c] = isDigits(text.strip()) ? Long.parseLong(text.strip())
            : timestampMicros(c, text.strip());
        case DATE -> longs[c] = date(c, text.strip());
        default -> throw new AssertionError(kinds[c]);
      }
    } catch (NumberFormatException e) {
      throw new DecodeException("column '" + names[c] + "' (" + kinds[c] + "): '" + text + "' is not a valid "
          + kinds[c]);
    }
  }

  /**
   * Column {@code c}'s string as UTF-8, encoded from the parser's characters into the column's
   * reused buffer; an unpaired surrogate becomes {@code '?'}, as {@code String.getBytes} does.
   */
  private void utf8(int c, char[] chars, int offset, int length) {
    byte[] out = strings[c];
    if (out == null || out.length < length * 3) {
      out = new byte[Math.max(64, length * 3)];
      strings[c] = out;
    }
    int n = 0;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      char ch = chars[i];
      if (ch < 0x80) {
        out[n++] = (byte) ch;
      } else if (ch < 0x800) {
        out[n++] = (byte) (0xC0 | ch >> 6);
        out[n++] = (byte) (0x80 | ch & 0x3F);
      } else if (Character.isHighSurrogate(ch) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
        int cp = Character.toCodePoint(ch, chars[++i]);
        out[n++] = (byte) (0xF0 | cp >> 18);
        out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | cp & 0x3F);
      } else if (Character.isSurrogate(ch)) {
        out[n++] = '?';
      } else {
        out[n++] = (byte) (0xE0 | ch >> 12);
        out[n++] = (byte) (0x80 | ch >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | ch & 0x3F);
      }
    }
    stringLengths[c] = n;
  }

  /**
   * The exact decimal of {@code text} at column {@code c}'s scale: more digits after the point, or
   * more digits in all, than the column holds are an error (never rounded silently).
   */
  private java.math.BigDecimal decimal(int c, String text) throws DecodeException {
    ArrowType.Decimal type = decimalTypes[c];
    java.math.BigDecimal v;
    try {
      v = new java.math.BigDecimal(text.strip());
    } catch (NumberFormatException e) {
      throw new DecodeException("column '" + names[c] + "' (DECIMAL(" + type.getPrecision() + ", " + type.getScale()
          + ")): '" + text + "' is not a decimal number");
    }
    try {
      v = v.setScale(type.getScale());
    } catch (ArithmeticException e) {
      throw new DecodeException("column '" + names[c] + "' (DECIMAL(" + type.getPrecision() + ", " + type.getScale()
          + ")): '" + text + "' has more than " + type.getScale() + " digits after the point");
    }
    if (v.signum() != 0 && v.precision() > type.getPrecision()) {
      throw new DecodeException("column '" + names[c] + "' (DECIMAL(" + type.getPrecision() + ", " + type.getScale()
          + ")): '" + text + "' has more than " + type.getPrecision() + " digits");
    }
    return v;
  }

  private long parseBoolean(String text, int c) throws DecodeException {
    if (text.equalsIgnoreCase("true")) {
      return 1;
    }
    if (text.equalsIgnoreCase("false")) {
      return 0;
    }
    throw new DecodeException("column '" + names[c] + "' (BOOLEAN): '" + text + "' is neither true nor false");
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = s.charAt(0) == '-' ? 1 : 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private long timestamp(int c, String text) throws DecodeException {
    try {
      return Values.parseTimestamp(text);
    } catch (DecodeException e) {
      throw new DecodeException("column '" + names[c] + "' (TIMESTAMP): " + e.getMessage());
    }
  }

  private long timestampMicros(int c, String text) throws DecodeException {
    try {
      return Values.parseTimestampMicros(text);
    } catch (DecodeException e) {
      throw new DecodeException("column '" + names[c] + "' (TIMESTAMP(6)): " + e.getMessage());
    }
  }

  private long date(int c, String text) throws DecodeException {
    try {
      return Values.parseDate(text);
    } catch (DecodeException e) {
      throw new DecodeException("column '" + names[c] + "' (DATE): " + e.getMessage());
    }
  }

  private DecodeException wrongType(int c, String expected, JsonToken got) {
    return new DecodeException("column '" + names[c] + "' (" + kinds[c] + "): expected " + expected + ", got "
        + describe(got));
  }

  private DecodeException outOfRange(int c, String text) {
    return new DecodeException("column '" + names[c] + "' (" + kinds[c] + "): " + text + " is out of range");
  }

  static String describe(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a decimal number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }
}
