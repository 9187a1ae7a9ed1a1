package io.laminar.connectors.builtin;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
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
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Holds the whole file in memory as canonical Java values (Long for integers and times, Double,
 * String, Boolean), indexed by key. Lookups are not a hot path: the host caches in front of this.
 */
final class CsvLookupSource implements LookupSource {
  private final BufferAllocator allocator;
  private final Schema schema;
  private final List<String> primaryKey;
  private final Path path;
  private final boolean header;
  private final char delimiter;
  private final String nullValue;

  private Object[][] rows;
  private Map<Object, Integer> index;

  CsvLookupSource(ConnectorContext ctx, Path path, boolean header, char delimiter, String nullValue) {
    this.allocator = ctx.allocator();
    this.schema = ctx.schema();
    this.primaryKey = ctx.primaryKey();
    this.path = path;
    this.header = header;
    this.delimiter = delimiter;
    this.nullValue = nullValue;
  }

  @Override
  public void check() throws ConnectorException {
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw ConnectorException.connectionFailed("csv file " + path.toAbsolutePath(),
          new IOException(Files.exists(path) ? "not a readable file" : "no such file"));
    }
  }

  @Override
  public void open() throws ConnectorException {
    check();
    List<Field> fields = schema.getFields();
    int[] keyColumns = keyColumns(fields);
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setTrim(true)
        .setIgnoreEmptyLines(true).get();
    List<Object[]> loaded = new ArrayList<>();
    Map<Object, Integer> idx = new HashMap<>();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
         CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
      int[] position = null;
      for (CSVRecord record : parser) {
        if (position == null) {
          position = header ? headerPositions(record, fields) : identity(fields.size());
          if (header) {
            continue;
          }
        }
        Object[] row = new Object[fields.size()];
        for (int c = 0; c < fields.size(); c++) {
          if (position[c] >= record.size()) {
            throw bad(record.getRecordNumber(), "has " + record.size() + " fields, column '"
                + fields.get(c).getName() + "' needs field " + (position[c] + 1));
          }
          row[c] = parse(record.get(position[c]), fields.get(c), record.getRecordNumber());
        }
        Object key = key(row, keyColumns);
        Integer previous = idx.put(key, loaded.size());
        if (previous != null) {
          throw bad(record.getRecordNumber(), "repeats primary key " + key);
        }
        loaded.add(row);
      }
    } catch (IOException | IllegalStateException | java.io.UncheckedIOException e) {
      throw ConnectorException.runtime("cannot read csv file " + path + ": " + e.getMessage(), e);
    }
    this.rows = loaded.toArray(new Object[0][]);
    this.index = idx;
  }

  private int[] keyColumns(List<Field> fields) throws ConnectorException {
    int[] cols = new int[primaryKey.size()];
    for (int i = 0; i < cols.length; i++) {
      cols[i] = indexOf(fields, primaryKey.get(i));
      if (cols[i] < 0) {
        throw ConnectorException.invalidProperty("primary_key", primaryKey.get(i), "not a column of the schema");
      }
    }
    return cols;
  }

  private static int indexOf(List<Field> fields, String name) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).getName().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  private int[] headerPositions(CSVRecord headerRecord, List<Field> fields) throws ConnectorException {
    List<String> names = new ArrayList<>();
    headerRecord.forEach(names::add);
    int[] pos = new int[fields.size()];
    for (int c = 0; c < fields.size(); c++) {
      pos[c] = -1;
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).equalsIgnoreCase(fields.get(c).getName())) {
          pos[c] = i;
        }
      }
      if (pos[c] < 0) {
        throw ConnectorException.runtime("csv file " + path + " has no column '" + fields.get(c).getName()
            + "' in its header" + io.laminar.common.Suggestions.didYouMean(fields.get(c).getName(), names)
            + " Header: " + names, null);
      }
    }
    return pos;
  }

  private static int[] identity(int n) {
    int[] pos = new int[n];
    Arrays.setAll(pos, i -> i);
    return pos;
  }

  private Object parse(String text, Field field, long line) throws ConnectorException {
    if (text.equals(nullValue)) {
      if (!field.isNullable()) {
        throw bad(line, "has no value for NOT NULL column '" + field.getName() + "'");
      }
      return null;
    }
    ArrowType t = field.getType();
    try {
      switch (t.getTypeID()) {
        case Int:
          return Long.parseLong(text);
        case FloatingPoint:
          return Double.parseDouble(text);
        case Bool:
          if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
          }
          throw new IllegalArgumentException("expected true or false");
        case Timestamp:
          return ((ArrowType.Timestamp) t).getUnit() == org.apache.arrow.vector.types.TimeUnit.MICROSECOND
              ? parseTimestampMicros(text) : parseTimestamp(text);
        case Date:
          return LocalDate.parse(text).toEpochDay();
        case Decimal:
          return decimal(text, (ArrowType.Decimal) t);
        default:
          return text;
      }
    } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
      throw bad(line, "column '" + field.getName() + "': cannot read '" + text + "' as " + t);
    }
  }

  /** The exact decimal of {@code text} at the column's scale; more digits than the column holds fail. */
  static java.math.BigDecimal decimal(String text, ArrowType.Decimal type) {
    java.math.BigDecimal v = new java.math.BigDecimal(text.strip()).setScale(type.getScale());
    if (v.precision() > type.getPrecision() && v.signum() != 0) {
      throw new ArithmeticException("more than " + type.getPrecision() + " digits");
    }
    return v;
  }

  /** As {@link #parseTimestamp}, in microseconds (digits alone are epoch microseconds). */
  private static long parseTimestampMicros(String text) {
    if (text.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(text);
    }
    Instant i;
    try {
      i = Instant.parse(text);
    } catch (DateTimeParseException e) {
      i = LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    }
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  private static long parseTimestamp(String text) {
    if (text.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(text);
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
  }

  private ConnectorException bad(long line, String what) {
    return ConnectorException.runtime("csv file " + path + ", record " + line + " " + what, null);
  }

  private static Object key(Object[] row, int[] keyColumns) {
    if (keyColumns.length == 1) {
      return row[keyColumns[0]];
    }
    List<Object> k = new ArrayList<>(keyColumns.length);
    for (int c : keyColumns) {
      k.add(row[c]);
    }
    return k;
  }

  @Override
  public VectorSchemaRoot lookup(VectorSchemaRoot keys) throws ConnectorException {
    if (index == null) {
      throw ConnectorException.runtime("csv lookup used before open()", null);
    }
    FieldVector[] keyVectors = new FieldVector[primaryKey.size()];
    for (int i = 0; i < keyVectors.length; i++) {
      keyVectors[i] = keys.getVector(primaryKey.get(i));
      if (keyVectors[i] == null) {
        throw ConnectorException.runtime("lookup keys batch lacks key column '" + primaryKey.get(i) + "'", null);
      }
    }
    Set<Integer> matches = new LinkedHashSet<>();
    Object[] probe = new Object[keyVectors.length];
    for (int r = 0; r < keys.getRowCount(); r++) {
      for (int i = 0; i < keyVectors.length; i++) {
        probe[i] = canonical(keyVectors[i], r);
      }
      Integer hit = index.get(keyVectors.length == 1 ? probe[0] : Arrays.asList(probe.clone()));
      if (hit != null) {
        matches.add(hit);
      }
    }
    return materialize(matches);
  }

  private static Object canonical(FieldVector v, int row) {
    if (v.isNull(row)) {
      return null;
    }
    if (v instanceof IntVector iv) {
      return (long) iv.get(row);
    }
    if (v instanceof BigIntVector bv) {
      return bv.get(row);
    }
    if (v instanceof Float8Vector fv) {
      return fv.get(row);
    }
    if (v instanceof Float4Vector fv) {
      return (double) fv.get(row);
    }
    if (v instanceof VarCharVector sv) {
      return new String(sv.get(row), StandardCharsets.UTF_8);
    }
    if (v instanceof BitVector bv) {
      return bv.get(row) != 0;
    }
    if (v instanceof org.apache.arrow.vector.TimeStampVector tv) {
      return tv.get(row);
    }
    if (v instanceof DateDayVector dv) {
      return (long) dv.get(row);
    }
    return v.getObject(row);
  }

  private VectorSchemaRoot materialize(Set<Integer> rowIds) {
    VectorSchemaRoot out = VectorSchemaRoot.create(schema, allocator);
    try {
      out.allocateNew();
      int n = 0;
      for (int id : rowIds) {
        Object[] row = rows[id];
        for (int c = 0; c < row.length; c++) {
          setSafe(out.getVector(c), n, row[c]);
        }
        n++;
      }
      for (FieldVector v : out.getFieldVectors()) {
        v.setValueCount(n);
      }
      out.setRowCount(n);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private static void setSafe(FieldVector v, int i, Object value) {
    if (value == null) {
      if (v instanceof org.apache.arrow.vector.BaseFixedWidthVector fw) {
        fw.setNull(i);
      } else if (v instanceof org.apache.arrow.vector.BaseVariableWidthVector vw) {
        vw.setNull(i);
      }
      return;
    }
    if (v instanceof IntVector iv) {
      iv.setSafe(i, (int) (long) (Long) value);
    } else if (v instanceof BigIntVector bv) {
      bv.setSafe(i, (Long) value);
    } else if (v instanceof Float8Vector fv) {
      fv.setSafe(i, (Double) value);
    } else if (v instanceof Float4Vector fv) {
      fv.setSafe(i, (float) (double) (Double) value);
    } else if (v instanceof BitVector bv) {
      bv.setSafe(i, (Boolean) value ? 1 : 0);
    } else if (v instanceof org.apache.arrow.vector.TimeStampVector tv) {
      tv.setSafe(i, (Long) value);
    } else if (v instanceof DateDayVector dv) {
      dv.setSafe(i, (int) (long) (Long) value);
    } else if (v instanceof VarCharVector sv) {
      sv.setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof org.apache.arrow.vector.DecimalVector dv) {
      dv.setSafe(i, (java.math.BigDecimal) value);
    }
  }

  @Override
  public void close() {
    rows = null;
    index = null;
  }
}
