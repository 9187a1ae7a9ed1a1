package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.RowKind;
import io.laminar.plan.CompiledPipeline;
import io.laminar.plan.PlanNode;
import io.laminar.runtime.Changes.Change;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The oracle for updating aggregates: seeded random inserts, updates and deletes over a table of
 * rows, fed batch by batch through a changelog source into a GROUP BY without a window. After every
 * batch the emitted changelog, applied to a table keyed by the group key, must equal the aggregate
 * recomputed from scratch (by Calcite) over the rows the table holds at that point. Applying checks
 * the changelog itself: an UPDATE_BEFORE or DELETE must carry exactly the row last emitted for its key.
 *
 * <p>The data make the hard cases common: few values per group, so MIN and MAX lose their current
 * extreme often; deletes that empty groups (and the whole table) that later fill again; NULL keys
 * and values; updates that move a row to another group.
 */
class UpdatingAggregateOracleTest {
  private static final long B = TestTables.BASE;
  private static final String[] QUERIES = {
      "SELECT k, COUNT(*) AS c, COUNT(v) AS cv, SUM(v) AS s, AVG(v) AS av, MIN(v) AS mn, MAX(v) AS mx, "
          + "COUNT(DISTINCT v) AS dv, SUM(d) AS sd, AVG(d) AS ad, MIN(d) AS mnd, MAX(d) AS mxd FROM events GROUP BY k",
      "SELECT v, MIN(k) AS mk, MAX(k) AS xk, COUNT(DISTINCT k) AS dk, COUNT(*) AS c FROM events GROUP BY v",
      "SELECT k, v, COUNT(*) AS c, MAX(id) AS top FROM events WHERE v > -15 GROUP BY k, v",
      "SELECT k, SUM(v) AS s FROM events GROUP BY k HAVING COUNT(*) > 2",
      "SELECT COUNT(*) AS c, SUM(v) AS s, MIN(v) AS mn, MAX(k) AS mk FROM events",
  };

  private final SqlCompiler compiler = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS).asChangelog()));
  private RootAllocator allocator;

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  /** The changelog: random batches of changes over a table of at most a few hundred rows. */
  private static List<List<Change>> changelog(long seed, int events) {
    Random r = new Random(seed);
    Map<Long, Object[]> table = new LinkedHashMap<>();
    List<List<Change>> batches = new ArrayList<>();
    long nextId = 0;
    int made = 0;
    while (made < events) {
      List<Change> batch = new ArrayList<>();
      int size = 1 + r.nextInt(r.nextInt(10) == 0 ? 200 : 20);
      // phases: mostly growing, mostly shrinking (down to an empty table), mixed
      int phase = (made / 700) % 3;
      for (int i = 0; i < size; i++, made++) {
        int dice = r.nextInt(100);
        int insertBelow = phase == 0 ? 60 : phase == 1 ? 10 : 35;
        int deleteBelow = insertBelow + (phase == 1 ? 60 : 25);
        if (table.isEmpty() || dice < insertBelow) {
          Object[] row = randomRow(r, nextId++);
          table.put((Long) row[0], row);
          batch.add(new Change(RowKind.INSERT, row));
        } else {
          List<Long> ids = new ArrayList<>(table.keySet());
          long id = ids.get(r.nextInt(ids.size()));
          Object[] old = table.get(id);
          if (dice < deleteBelow) {
            table.remove(id);
            batch.add(new Change(RowKind.DELETE, old));
          } else {
            Object[] updated = randomRow(r, id);
            if (r.nextBoolean()) {
              updated[1] = old[1]; // same group, other values
            }
            table.put(id, updated);
            batch.add(new Change(RowKind.UPDATE_BEFORE, old));
            batch.add(new Change(RowKind.UPDATE_AFTER, updated));
          }
        }
      }
      batches.add(batch);
    }
    return batches;
  }

  private static Object[] randomRow(Random r, long id) {
    String k = r.nextInt(15) == 0 ? null : "k" + r.nextInt(12);
    Integer v = r.nextInt(10) == 0 ? null : r.nextInt(41) - 20;
    // quarters are exact in binary, so floating sums do not depend on the order of additions
    Double d = r.nextInt(10) == 0 ? null : (r.nextInt(801) - 400) / 4.0;
    return new Object[] {id, k, v, d, B + id};
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void everyBatchLeavesTheOutputEqualToTheAggregateOfTheCurrentTable(int query) throws Exception {
    String sql = QUERIES[query];
    CompileResult compiled = compiler.compile("p", sql);
    assertTrue(compiled.isSuccess(), () -> compiled.errors().toString());
    CompiledPipeline pipeline = compiled.pipeline();
    int keyWidth = groupAggregate(pipeline.root()).groupKeys().size();
    List<List<Change>> batches = changelog(41 + query, 4000);
    Materialized out = new Materialized(keyWidth);
    Map<Long, Object[]> table = new LinkedHashMap<>();
    PipelineExecutor executor = new PipelineExecutor(pipeline, allocator, Map.of(), out);
    try {
      for (int b = 0; b < batches.size(); b++) {
        List<Change> batch = batches.get(b);
        Changes.feed(executor, batch, allocator);
        for (Change c : batch) {
          if (c.kind() == RowKind.INSERT || c.kind() == RowKind.UPDATE_AFTER) {
            table.put((Long) c.row()[0], c.row());
          } else {
            table.remove((Long) c.row()[0]);
          }
        }
        String oracleSql = keyWidth == 0 ? sql + " HAVING COUNT(*) > 0" : sql;
        List<List<Object>> expected = CalciteOracle.query(
            Map.of("events", new CalciteOracle.RowsTable(TestTables.EVENTS, new ArrayList<>(table.values()), -1)),
            oracleSql);
        assertEquals(Changes.sorted(expected), out.rows(), "after batch " + b + " of " + sql);
        if (b == batches.size() / 2) {
          // halfway: continue in a fresh executor restored from a snapshot, as after a restart
          executor = restart(executor, pipeline, out);
        }
      }
    } finally {
      executor.close();
    }
    // the data reached the cases the test is for
    assertTrue(out.kinds.getOrDefault(RowKind.UPDATE_BEFORE, 0) > 100, out.kinds::toString);
    assertTrue(out.kinds.getOrDefault(RowKind.DELETE, 0) > 0, out.kinds::toString);
    assertTrue(out.emptiedAfterRows, "the output table was emptied and filled again");
  }

  private PipelineExecutor restart(PipelineExecutor executor, CompiledPipeline pipeline, Materialized out)
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(bytes)) {
      executor.snapshot(data);
    }
    executor.close();
    PipelineExecutor restored = new PipelineExecutor(pipeline, allocator, Map.of(), out);
    restored.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    return restored;
  }

  private static PlanNode.GroupAggregate groupAggregate(PlanNode node) {
    if (node instanceof PlanNode.GroupAggregate a) {
      return a;
    }
    return groupAggregate(node.inputs().get(0));
  }

  /** The output changelog applied to a table keyed by the first {@code keyWidth} columns. */
  private static final class Materialized implements OutputCallback {
    private final int keyWidth;
    private final Map<List<Object>, List<Object>> rows = new HashMap<>();
    private final Map<RowKind, Integer> kinds = new java.util.EnumMap<>(RowKind.class);
    private boolean emptiedAfterRows;

    Materialized(int keyWidth) {
      this.keyWidth = keyWidth;
    }

    @Override
    public void onOutput(VectorSchemaRoot batch) {
      throw new AssertionError("an updating aggregate's output must carry row kinds");
    }

    @Override
    public void onOutput(VectorSchemaRoot batch, TinyIntVector rowKinds) {
      List<List<Object>> values = new ArrayList<>();
      StreamRunner.collect(batch, values);
      for (int r = 0; r < values.size(); r++) {
        List<Object> row = values.get(r);
        List<Object> key = new ArrayList<>(row.subList(0, keyWidth));
        RowKind kind = RowKind.fromCode(rowKinds.get(r));
        kinds.merge(kind, 1, Integer::sum);
        switch (kind) {
          case INSERT, UPDATE_AFTER -> assertNull(rows.put(key, row), () -> kind + " of a key that has a row: " + row);
          case UPDATE_BEFORE, DELETE -> {
            List<Object> last = rows.remove(key);
            assertNotNull(last, () -> kind + " of a key without a row: " + row);
            assertEquals(last, row, kind + " must carry the row last emitted");
            emptiedAfterRows |= rows.isEmpty();
          }
        }
      }
    }

    List<List<Object>> rows() {
      TreeMap<List<Object>, List<Object>> byKey = new TreeMap<>(Changes.ROWS);
      byKey.putAll(rows);
      return new ArrayList<>(byKey.values());
    }
  }
}
