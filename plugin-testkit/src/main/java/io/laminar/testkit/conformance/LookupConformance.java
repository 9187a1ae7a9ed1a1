package io.laminar.testkit.conformance;

import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;
import io.laminar.plugins.IsolatedLookupFactory;
import io.laminar.testkit.TestConnectorContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for a {@link LookupFactory}. Extend it, give the factory, properties,
 * schema and key columns, and store the rows the suite hands to {@link #store(List)} in the
 * external system (a table, a hash per key, a CSV file in {@link #testDir}); the suite then looks
 * them up the way the runtime does and compares what comes back:
 *
 * <pre>{@code
 * class MyLookupConformanceTest extends LookupConformance {
 *   protected LookupFactory factory() { return new MyLookupFactory(); }
 *   protected Map<String, Object> properties() { return Map.of("table", table); }
 *   protected Schema schema() { return new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true)),
 *       Field.nullable("name", ArrowType.Utf8.INSTANCE))); }
 *   protected List<String> primaryKey() { return List.of("id"); }
 *   protected void store(List<Map<String, Object>> rows) throws Exception { ... INSERT each ... }
 * }
 * }</pre>
 *
 * <p>Row {@code i} holds {@link #value(Field, long) value(column, i)} in every column (see
 * {@link Rows#value}), {@link #storedRows()} of them. Checked: the spec and properties; stored rows
 * are found with every column right; duplicate keys in one call; keys without a row are absent;
 * a NULL key matches nothing and breaks nothing; an empty key batch; the result has the configured
 * columns; {@link #concurrentCallers()} threads calling one instance at once (the runtime shares a
 * lookup between pipelines and workers) each get their own right answer; every buffer released by
 * {@code close()} (the caller closes each result).
 */
public abstract class LookupConformance extends ConnectorConformance<LookupFactory> {

  /** For subclasses. */
  protected LookupConformance() {
  }

  /** The key columns ({@code primary_key} in the config), a subset of the schema. */
  protected abstract List<String> primaryKey();

  /**
   * Stores {@code rows} (column name → value, as {@link Rows#value} gives it) in the external
   * system; called once per test, before the instance is created.
   */
  protected abstract void store(List<Map<String, Object>> rows) throws Exception;

  /** How many rows {@link #store} gets (default 50). */
  protected int storedRows() {
    return 50;
  }

  /** The value of row {@code id} in a column (default {@link Rows#value}). */
  protected Object value(Field field, long id) {
    return Rows.value(field, id);
  }

  /** How many threads call the one instance at once in {@link #concurrentCallsEachGetTheirOwnAnswer} (default 4). */
  protected int concurrentCallers() {
    return 4;
  }

  /** How many calls each of those threads makes (default 25). */
  protected int callsPerCaller() {
    return 25;
  }

  @Override
  final ConnectorKind kind() {
    return ConnectorKind.LOOKUP;
  }

  @Override
  final ConnectorSpec specOf(LookupFactory factory) {
    return factory.spec();
  }

  private List<Object> rowValues(long id) {
    List<Object> out = new ArrayList<>();
    for (Field f : schema().getFields()) {
      out.add(value(f, id));
    }
    return out;
  }

  /** Stores the rows and opens an instance. */
  private LookupSource open(Harness h) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long id = 0; id < storedRows(); id++) {
      Map<String, Object> row = new LinkedHashMap<>();
      List<Object> values = rowValues(id);
      for (int c = 0; c < values.size(); c++) {
        row.put(schema().getFields().get(c).getName(), values.get(c));
      }
      rows.add(row);
    }
    store(rows);
    TestConnectorContext context = h.context(instanceName(), ConnectorKind.LOOKUP, hostProperties(h), schema(),
        primaryKey(), null, ChangelogMode.APPEND_ONLY);
    LookupSource lookup = h.track(new IsolatedLookupFactory(factory(), h.pluginLoader()).create(context), context);
    lookup.open();
    return lookup;
  }

  private List<Field> keyFields() {
    List<Field> out = new ArrayList<>();
    for (String k : primaryKey()) {
      out.add(schema().findField(k));
    }
    return out;
  }

  /**
   * Looks up the rows of {@code ids} (null = a NULL key) in one call, as the runtime builds a key
   * batch; checks the result and closes it.
   */
  private void lookupAndCheck(Harness h, LookupSource lookup, List<Long> ids, String what) throws Exception {
    List<Field> keys = keyFields();
    VectorSchemaRoot result;
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(new Schema(keys), h.testAllocator())) {
      batch.allocateNew();
      for (int k = 0; k < keys.size(); k++) {
        FieldVector v = batch.getVector(k);
        for (int r = 0; r < ids.size(); r++) {
          Rows.set(v, r, ids.get(r) == null ? null : value(keys.get(k), ids.get(r)));
        }
        v.setValueCount(ids.size());
      }
      batch.setRowCount(ids.size());
      result = lookup.lookup(batch);
    }
    if (result == null) {
      throw new AssertionError(what + ": lookup() returned null (an empty result is a root with 0 rows)");
    }
    try (VectorSchemaRoot answer = result) {
      List<String> problems = new ArrayList<>();
      for (Field f : schema().getFields()) {
        Field got = answer.getSchema().getFields().stream().filter(g -> g.getName().equals(f.getName())).findFirst()
            .orElse(null);
        if (got == null) {
          problems.add("the result has no column '" + f.getName() + "'");
        } else if (!got.getType().equals(f.getType())) {
          problems.add("the result's column '" + f.getName() + "' is " + got.getType() + " where the configured schema"
              + " has " + f.getType());
        }
      }
      if (!problems.isEmpty()) {
        report(problems);
      }
      Set<List<Object>> expected = new HashSet<>();
      for (Long id : ids) {
        if (id != null && id >= 0 && id < storedRows()) {
          expected.add(rowValues(id));
        }
      }
      Set<List<Object>> got = new HashSet<>();
      List<List<Object>> unexpected = new ArrayList<>();
      for (int r = 0; r < answer.getRowCount(); r++) {
        List<Object> row = new ArrayList<>();
        for (Field f : schema().getFields()) {
          row.add(Rows.get(answer.getVector(f.getName()), r));
        }
        if (expected.contains(row)) {
          got.add(row);
        } else {
          unexpected.add(row);
        }
      }
      List<List<Object>> missing = new ArrayList<>();
      for (List<Object> row : expected) {
        if (!got.contains(row)) {
          missing.add(row);
        }
      }
      if (!missing.isEmpty()) {
        problems.add(missing.size() + " stored row(s) not returned: " + Rows.show(missing, 5));
      }
      if (!unexpected.isEmpty()) {
        problems.add(unexpected.size() + " row(s) returned that are not the stored row of a requested key: "
            + Rows.show(unexpected, 5));
      }
      if (!problems.isEmpty()) {
        throw new AssertionError(what + " (keys " + Rows.show(ids, 10) + ", columns " + schema().getFields().stream()
            .map(Field::getName).toList() + "): " + String.join("; ", problems));
      }
    }
  }

  @Test
  public void findsStoredRowsWithEveryColumn() throws Exception {
    try (Harness h = harness()) {
      LookupSource lookup = open(h);
      List<Long> ids = new ArrayList<>();
      for (long id = 0; id < storedRows(); id++) {
        ids.add(id);
      }
      lookupAndCheck(h, lookup, ids, "looking up every stored key");
      lookupAndCheck(h, lookup, List.of(0L), "looking up one key");
      h.close(lookup);
    }
  }

  @Test
  public void duplicateKeysInOneCall() throws Exception {
    try (Harness h = harness()) {
      LookupSource lookup = open(h);
      long a = Math.min(3, storedRows() - 1);
      long b = Math.min(5, storedRows() - 1);
      lookupAndCheck(h, lookup, List.of(a, a, b, a, b), "looking up duplicated keys");
      h.close(lookup);
    }
  }

  @Test
  public void missingKeysAreAbsent() throws Exception {
    try (Harness h = harness()) {
      LookupSource lookup = open(h);
      long n = storedRows();
      lookupAndCheck(h, lookup, List.of(n + 7, 1L, n + 1000), "looking up keys without a row among stored ones");
      lookupAndCheck(h, lookup, List.of(n + 3, n + 4), "looking up only keys without a row");
      h.close(lookup);
    }
  }

  @Test
  public void nullKeysMatchNothing() throws Exception {
    try (Harness h = harness()) {
      LookupSource lookup = open(h);
      List<Long> ids = new ArrayList<>();
      ids.add(null);
      ids.add(2L);
      ids.add(null);
      lookupAndCheck(h, lookup, ids, "looking up NULL keys next to a stored one");
      h.close(lookup);
    }
  }

  @Test
  public void emptyKeyBatch() throws Exception {
    try (Harness h = harness()) {
      LookupSource lookup = open(h);
      lookupAndCheck(h, lookup, List.of(), "looking up no keys");
      h.close(lookup);
    }
  }

  @Test
  public void concurrentCallsEachGetTheirOwnAnswer() throws Exception {
    try (Harness h = harness()) {
      LookupSource lookup = open(h);
      ExecutorService pool = Executors.newFixedThreadPool(concurrentCallers());
      try {
        List<Future<?>> calls = new ArrayList<>();
        long base = new Random().nextLong();
        for (int t = 0; t < concurrentCallers(); t++) {
          long seed = base + t;
          calls.add(pool.submit(() -> {
            Random random = new Random(seed);
            for (int c = 0; c < callsPerCaller(); c++) {
              List<Long> ids = new ArrayList<>();
              int n = 1 + random.nextInt(Math.max(1, storedRows()));
              for (int i = 0; i < n; i++) {
                ids.add((long) random.nextInt(storedRows() + 5));
              }
              lookupAndCheck(h, lookup, ids, "concurrent call " + c + " (seed " + seed + ")");
            }
            return null;
          }));
        }
        for (Future<?> f : calls) {
          try {
            f.get(2, TimeUnit.MINUTES);
          } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
              throw a;
            }
            throw new AssertionError("a concurrent lookup() call failed: " + e.getCause(), e.getCause());
          }
        }
      } finally {
        pool.shutdownNow();
        if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
          throw new AssertionError("concurrent lookup() calls did not end");
        }
      }
      h.close(lookup);
    }
  }

  @Test
  public void closeRightAfterCreateReleasesEverything() throws Exception {
    try (Harness h = harness()) {
      TestConnectorContext context = h.context(instanceName(), ConnectorKind.LOOKUP, hostProperties(h), schema(),
          primaryKey(), null, ChangelogMode.APPEND_ONLY);
      LookupSource lookup = h.track(new IsolatedLookupFactory(factory(), h.pluginLoader()).create(context), context);
      h.close(lookup);
    }
  }
}
