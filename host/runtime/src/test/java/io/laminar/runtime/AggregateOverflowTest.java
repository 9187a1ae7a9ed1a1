package io.laminar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.RowKind;
import io.laminar.plan.CompiledPipeline;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An updating GROUP BY whose SUM goes beyond BIGINT: without a handler the pipeline fails; with one
 * the group is reported, its last emitted row is deleted, and once rows taken back make the result
 * fit again the group is inserted anew (never an UPDATE_BEFORE of a row that was not emitted).
 */
class AggregateOverflowTest {
  private static final long B = TestTables.BASE;
  private static final String SQL = "SELECT k, SUM(CAST(v AS BIGINT) * 1000000000000000000) AS s FROM events GROUP BY k";
  private final SqlCompiler compiler = new SqlCompiler(List.of(
      CatalogTable.source("events", TestTables.EVENTS, "ts", Duration.ofMillis(500)).asChangelog()));
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

  private final List<String> out = new ArrayList<>();

  private final OutputCallback collector = new OutputCallback() {
    @Override
    public void onOutput(VectorSchemaRoot batch) {
      add(batch, null);
    }

    @Override
    public void onOutput(VectorSchemaRoot batch, TinyIntVector rowKinds) {
      add(batch, rowKinds);
    }

    private void add(VectorSchemaRoot batch, TinyIntVector kinds) {
      for (int r = 0; r < batch.getRowCount(); r++) {
        RowKind kind = kinds == null ? RowKind.INSERT : RowKind.fromCode(kinds.get(r));
        out.add(kind.shortString() + " " + String.join(", ", RowValues.of(batch, r).values().stream()
            .map(String::valueOf).toList()));
      }
    }
  };

  private CompiledPipeline compile() {
    CompileResult r = compiler.compile("p", SQL);
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    return r.pipeline();
  }

  private void feed(PipelineExecutor e, RowKind kind, long id, String k, int v) {
    try (VectorSchemaRoot b = TestTables.batch(TestTables.EVENTS, List.<Object[]>of(new Object[] {id, k, v, 1.0, B + id}),
        allocator); TinyIntVector kinds = new TinyIntVector("kind", allocator)) {
      kinds.allocateNew(1);
      kinds.set(0, kind.code());
      kinds.setValueCount(1);
      e.onBatch("events", b, kinds);
    }
  }

  @Test
  void withoutAHandlerTheOverflowFailsThePipeline() {
    try (PipelineExecutor e = new PipelineExecutor(compile(), allocator, Map.of(), collector)) {
      feed(e, RowKind.INSERT, 1, "a", 5);
      ExpressionError error = assertThrows(ExpressionError.class, () -> feed(e, RowKind.INSERT, 2, "a", 5));
      assertEquals("integer overflow: the SUM of 2 values is 10000000000000000000, out of the range of BIGINT",
          error.problem());
    }
  }

  @Test
  void aGroupBeyondItsTypeIsDeletedAndInsertedAgainOnceItFits() {
    List<RowError> errors = new ArrayList<>();
    try (PipelineExecutor e = new PipelineExecutor(compile(), allocator, Map.of(), collector)) {
      e.onRowErrors(errors::add);
      feed(e, RowKind.INSERT, 1, "a", 5);
      feed(e, RowKind.INSERT, 3, "b", 1);
      feed(e, RowKind.INSERT, 2, "a", 5); // a: 10^19, beyond BIGINT
      feed(e, RowKind.INSERT, 4, "a", 1); // still beyond: nothing to say
      feed(e, RowKind.DELETE, 2, "a", 5); // 6 * 10^18 fits again
      feed(e, RowKind.INSERT, 5, "a", 1); // an ordinary update of a row that was emitted
      assertEquals(2, e.metrics().rowErrors());
    }
    assertEquals(List.of("+I a, 5000000000000000000", "+I b, 1000000000000000000", "-D a, 5000000000000000000",
        "+I a, 6000000000000000000", "-U a, 6000000000000000000", "+U a, 7000000000000000000"), out);
    assertEquals(2, errors.size());
    assertEquals("Aggregate", errors.get(0).step());
    assertEquals(Map.of("k", "a"), errors.get(0).row());
    assertEquals("integer overflow: the SUM of 2 values is 10000000000000000000, out of the range of BIGINT",
        errors.get(0).error().problem());
    assertEquals("integer overflow: the SUM of 3 values is 11000000000000000000, out of the range of BIGINT",
        errors.get(1).error().problem());
  }

  @Test
  void anUpdatingDecimalSumBeyondItsDigitsIsReportedAndItsRowDeleted() {
    List<RowError> errors = new ArrayList<>();
    CompileResult r = compiler.compile("p", "SELECT k, SUM(CAST(CAST(v AS BIGINT) * 100000000000000000 AS DECIMAL(18, 0)))"
        + " AS s FROM events GROUP BY k");
    assertTrue(r.isSuccess(), () -> r.errors().toString());
    try (PipelineExecutor e = new PipelineExecutor(r.pipeline(), allocator, Map.of(), collector)) {
      e.onRowErrors(errors::add);
      for (int i = 1; i <= 11; i++) {
        feed(e, RowKind.INSERT, i, "a", 9); // the 11th makes 9.9 * 10^18, beyond the 18 digits the state holds
      }
    }
    assertEquals(1, errors.size());
    assertEquals("decimal overflow: the SUM 9900000000000000000 of a GROUP BY without a window has more than the 18"
        + " digits it holds", errors.get(0).error().problem());
    assertTrue(out.get(out.size() - 1).startsWith("-D a, 9000000000000000000"), out::toString);
  }
}
