package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.AggCall;
import io.laminar.plan.AggCall.Kind;
import io.laminar.plan.SqlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link GroupTable#addBatch} must build exactly the groups and aggregates that row-by-row grouping builds. */
class GroupTableBatchTest {
  private static final Schema INPUT = new Schema(List.of(TestTables.field("s", SqlType.VARCHAR),
      TestTables.field("i", SqlType.INT), TestTables.field("d", SqlType.DOUBLE), TestTables.field("t", SqlType.TIMESTAMP)));
  private static final String[] STRINGS = {"a", "bb", "", "exactly8", "a key longer than eight bytes", "ключ", "z"};
  private static final List<AggCall> AGGS = List.of(
      new AggCall(Kind.COUNT, -1, false, null, SqlType.BIGINT, "n"),
      new AggCall(Kind.COUNT, 2, false, SqlType.DOUBLE, SqlType.BIGINT, "nd"),
      new AggCall(Kind.SUM, 1, false, SqlType.INT, SqlType.BIGINT, "si"),
      new AggCall(Kind.AVG, 2, false, SqlType.DOUBLE, SqlType.DOUBLE, "ad"),
      new AggCall(Kind.MIN, 1, false, SqlType.INT, SqlType.INT, "mi"),
      new AggCall(Kind.MAX, 2, false, SqlType.DOUBLE, SqlType.DOUBLE, "md"),
      new AggCall(Kind.MIN, 0, false, SqlType.VARCHAR, SqlType.VARCHAR, "ms"),
      new AggCall(Kind.COUNT, 0, true, SqlType.VARCHAR, SqlType.BIGINT, "cds"));
  private final RootAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  @Test
  void batchGroupingByStringAndIntWithNullsMatchesRowByRow() {
    List<List<Object[]>> batches = List.of(rows(1, 400, 20, true), rows(2, 300, 20, false));
    assertSameGroups(new int[] {0, 1}, batches);
  }

  @Test
  void stringKeyWithConstantWindowColumnsMatchesRowByRow() {
    // t is constant within each batch but differs between them; the last batch has NULL strings
    List<List<Object[]>> batches = List.of(rows(3, 500, 0, false), rows(4, 500, 0, false), rows(5, 200, 15, false),
        rows(6, 300, 0, false));
    assertSameGroups(new int[] {3, 0}, batches);
  }

  @Test
  void onlyConstantKeysPutEveryRowInOneGroup() {
    List<List<Object[]>> batches = List.of(rows(7, 100, 0, false));
    List<List<Object>> groups = assertSameGroups(new int[] {3}, batches);
    assertEquals(1, groups.size());
    assertEquals(86L, groups.get(0).get(1), "COUNT(*) of the 86 selected rows");
  }

  /** Rows with random strings and ints ({@code nullPercent} NULL), doubles, t = seed or varying. */
  private static List<Object[]> rows(long seed, int n, int nullPercent, boolean varyingTime) {
    Random r = new Random(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      String s = r.nextInt(100) < nullPercent ? null : STRINGS[r.nextInt(STRINGS.length)];
      Integer i = r.nextInt(100) < nullPercent ? null : r.nextInt(5) - 2;
      Double d = r.nextInt(100) < nullPercent ? null : r.nextDouble() * 100;
      rows.add(new Object[] {s, i, d, varyingTime ? (long) r.nextInt(3) : seed});
    }
    return rows;
  }

  private List<List<Object>> assertSameGroups(int[] keyColumns, List<List<Object[]>> batches) {
    SqlType[] keyTypes = new SqlType[keyColumns.length];
    List<Field> outFields = new ArrayList<>();
    for (int k = 0; k < keyColumns.length; k++) {
      keyTypes[k] = SqlType.fromArrow(INPUT.getFields().get(keyColumns[k]).getType());
      outFields.add(TestTables.field("k" + k, keyTypes[k]));
    }
    for (AggCall a : AGGS) {
      outFields.add(TestTables.field(a.name(), a.resultType()));
    }
    GroupTable byRow = new GroupTable(keyTypes, AGGS, new BytesDictionary());
    GroupTable byBatch = new GroupTable(keyTypes, AGGS, new BytesDictionary());
    BatchScratch scratch = new BatchScratch();
    for (List<Object[]> rows : batches) {
      try (VectorSchemaRoot batch = TestTables.batch(INPUT, rows, allocator)) {
        ColumnReader[] keys = new ColumnReader[keyColumns.length];
        for (int k = 0; k < keys.length; k++) {
          keys[k] = ColumnReader.of(batch.getVector(keyColumns[k]), keyTypes[k]);
        }
        ColumnReader[] args = new ColumnReader[AGGS.size()];
        for (int a = 0; a < args.length; a++) {
          int c = AGGS.get(a).argument();
          args[a] = c < 0 ? null : ColumnReader.of(batch.getVector(c), AGGS.get(a).argumentType());
        }
        // every row but every seventh, as a batch with late rows would be
        int[] sel = new int[rows.size()];
        int n = 0;
        for (int r = 0; r < rows.size(); r++) {
          if (r % 7 != 3) {
            sel[n++] = r;
            byRow.accumulate(byRow.group(keys, r), args, r);
          }
        }
        byBatch.addBatch(keys, args, sel, n, scratch);
      }
    }
    List<List<Object>> expected = contents(byRow, outFields, keyColumns.length);
    assertTrue(expected.size() > 1 || keyColumns.length == 1);
    assertEquals(expected, contents(byBatch, outFields, keyColumns.length));
    return expected;
  }

  private List<List<Object>> contents(GroupTable table, List<Field> fields, int keys) {
    int[] keyColumns = new int[keys];
    int[] aggColumns = new int[AGGS.size()];
    for (int k = 0; k < keys; k++) {
      keyColumns[k] = k;
    }
    for (int a = 0; a < aggColumns.length; a++) {
      aggColumns[a] = keys + a;
    }
    List<List<Object>> rows = new ArrayList<>();
    try (VectorSchemaRoot out = VectorSchemaRoot.create(new Schema(fields), allocator)) {
      out.allocateNew();
      table.writeAll(out, keyColumns, aggColumns, 0);
      out.setRowCount(table.size());
      StreamRunner.collect(out, rows);
    }
    return rows;
  }
}
