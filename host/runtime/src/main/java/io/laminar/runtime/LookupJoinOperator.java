package io.laminar.runtime;

import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import io.laminar.plan.PlanNode;
import io.laminar.plan.SqlType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Lookup join: per input batch, the distinct keys missing from the {@link LookupCache} are fetched
 * in one {@link LookupSource#lookup} call; each input row then gets the matching lookup row (INNER
 * drops rows without one, LEFT fills nulls). Rows with a NULL key never match.
 */
final class LookupJoinOperator extends Operator {
  private final PlanNode.LookupJoin plan;
  private final LookupSource source;
  private final LookupCache cache;
  private final BufferAllocator allocator;
  private final ExecutorMetrics metrics;
  private final ExecutorMetrics.LookupCacheCounts cacheCounts;
  private long evictionsCounted;
  private final SqlType[] inputTypes;
  private final SqlType[] lookupTypes;
  private final Schema keySchema;

  LookupJoinOperator(PlanNode.LookupJoin plan, LookupSource source, LookupCache cache, BufferAllocator allocator,
      ExecutorMetrics metrics) {
    this.plan = plan;
    this.source = source;
    this.cache = cache;
    this.allocator = allocator;
    this.metrics = metrics;
    this.cacheCounts = metrics.lookupCache(plan.lookup());
    this.inputTypes = Plans.types(plan.input().schema());
    this.lookupTypes = Plans.types(plan.lookupSchema());
    List<Field> keyFields = new ArrayList<>();
    for (int k : plan.lookupKeys()) {
      keyFields.add(plan.lookupSchema().getFields().get(k));
    }
    this.keySchema = new Schema(keyFields);
  }

  @Override
  void onBatch(int input, VectorSchemaRoot batch, TinyIntVector rowKinds) {
    int rows = batch.getRowCount();
    ColumnReader[] keyReaders = new ColumnReader[plan.inputKeys().size()];
    for (int k = 0; k < keyReaders.length; k++) {
      int c = plan.inputKeys().get(k);
      keyReaders[k] = ColumnReader.of(batch.getVector(c), inputTypes[c]);
    }
    List<List<Object>> rowKeys = new ArrayList<>(rows);
    Map<List<Object>, Object[]> found = new HashMap<>();
    Set<List<Object>> missing = new LinkedHashSet<>();
    long hits = 0;
    for (int r = 0; r < rows; r++) {
      List<Object> key = key(keyReaders, r);
      rowKeys.add(key);
      if (key == null || found.containsKey(key) || missing.contains(key)) {
        continue;
      }
      LookupCache.Entry e = cache.get(key);
      if (e != null) {
        hits++;
        found.put(key, e.row());
      } else {
        missing.add(key);
      }
    }
    metrics.addCacheHits(hits);
    if (!missing.isEmpty()) {
      fetch(missing, found);
    }
    long evictions = cache.evictions();
    cacheCounts.add(hits, missing.size(), evictions - evictionsCounted);
    evictionsCounted = evictions;
    write(batch, rowKinds, rowKeys, found);
  }

  private List<Object> key(ColumnReader[] readers, int row) {
    Object[] key = new Object[readers.length];
    for (int k = 0; k < readers.length; k++) {
      if (readers[k].isNull(row)) {
        return null;
      }
      key[k] = value(readers[k], row);
    }
    return Arrays.asList(key);
  }

  /** A comparable boxed value: integers of any width as Long, so INT and BIGINT keys meet. */
  private static Object value(ColumnReader r, int row) {
    return switch (r.type.kind()) {
      case VARCHAR -> r.getString(row);
      case DECIMAL -> r.getDecimal(row);
      case FLOAT, DOUBLE -> r.getDouble(row);
      default -> r.getLong(row);
    };
  }

  private void fetch(Set<List<Object>> missing, Map<List<Object>, Object[]> found) {
    VectorSchemaRoot result;
    try (VectorSchemaRoot keys = VectorSchemaRoot.create(keySchema, allocator)) {
      keys.allocateNew();
      int row = 0;
      for (List<Object> key : missing) {
        for (int k = 0; k < key.size(); k++) {
          write(keys.getVector(k), lookupTypes[plan.lookupKeys().get(k)], row, key.get(k));
        }
        row++;
      }
      keys.setRowCount(row);
      metrics.addLookupCall();
      result = source.lookup(keys);
    } catch (ConnectorException e) {
      throw new IllegalStateException("lookup '" + plan.lookup() + "' failed: " + e.getMessage(), e);
    }
    try (VectorSchemaRoot answer = result) {
      int columns = lookupTypes.length;
      ColumnReader[] readers = new ColumnReader[columns];
      for (int c = 0; c < columns; c++) {
        readers[c] = ColumnReader.of(answer.getVector(plan.lookupSchema().getFields().get(c).getName()), lookupTypes[c]);
      }
      ColumnReader[] keyReaders = new ColumnReader[plan.lookupKeys().size()];
      for (int k = 0; k < keyReaders.length; k++) {
        keyReaders[k] = readers[plan.lookupKeys().get(k)];
      }
      for (int r = 0; r < answer.getRowCount(); r++) {
        List<Object> key = key(keyReaders, r);
        if (key == null || !missing.contains(key)) {
          continue;
        }
        Object[] values = new Object[columns];
        for (int c = 0; c < columns; c++) {
          values[c] = readers[c].isNull(r) ? null : value(readers[c], r);
        }
        found.put(key, values);
      }
    }
    for (List<Object> key : missing) {
      Object[] row = found.get(key);
      cache.put(key, row);
      if (row == null) {
        found.put(key, null);
      }
    }
  }

  private void write(VectorSchemaRoot batch, TinyIntVector rowKinds, List<List<Object>> rowKeys,
      Map<List<Object>, Object[]> found) {
    int width = inputTypes.length;
    VectorSchemaRoot out = VectorSchemaRoot.create(plan.schema(), allocator);
    // the input row behind each output row, for the row kinds
    int[] from = rowKinds == null ? null : new int[rowKeys.size()];
    TinyIntVector kinds = null;
    try {
      out.allocateNew();
      TransferPair[] copy = new TransferPair[width];
      for (int c = 0; c < width; c++) {
        copy[c] = batch.getVector(c).makeTransferPair(out.getVector(c));
      }
      int j = 0;
      for (int r = 0; r < rowKeys.size(); r++) {
        List<Object> key = rowKeys.get(r);
        Object[] match = key == null ? null : found.get(key);
        if (match == null && plan.kind() == PlanNode.JoinKind.INNER) {
          continue;
        }
        for (int c = 0; c < width; c++) {
          copy[c].copyValueSafe(r, j);
        }
        for (int c = 0; c < lookupTypes.length; c++) {
          write(out.getVector(width + c), lookupTypes[c], j, match == null ? null : match[c]);
        }
        if (from != null) {
          from[j] = r;
        }
        j++;
      }
      out.setRowCount(j);
      kinds = rowKinds == null ? null : RowKinds.gather(rowKinds, from, j, allocator);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    emit(out, kinds);
  }

  private static void write(FieldVector v, SqlType type, int row, Object value) {
    if (value == null) {
      ColumnWriter.setNull(v, row);
    } else if (value instanceof String s) {
      ColumnWriter.setString(v, row, s);
    } else if (value instanceof Double d) {
      ColumnWriter.setDouble(v, type, row, d);
    } else if (value instanceof java.math.BigDecimal d) {
      ColumnWriter.setDecimal(v, row, d);
    } else {
      ColumnWriter.setLong(v, type, row, (Long) value);
    }
  }
}
