package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowKind;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows a sink rejects ({@link io.laminar.api.RowRejections}) and aggregates whose result does not fit
 * their type, with each {@code on.error}, through the real engine: {@code skip} and
 * {@code dead_letter} leave exactly those rows out (counted in metrics and the API; dead letters as
 * JSON lines), {@code fail} fails the pipeline naming it, the sink, the column and the row's values.
 */
class SinkRejectionEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  /** Rows the {@code picky} sinks kept, by sink name. */
  static final Map<String, List<String>> KEPT = new java.util.concurrent.ConcurrentHashMap<>();
  /** Sinks that swallow the exception reject throws (a buggy plugin). */
  static final java.util.Set<String> SWALLOWING = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A sink whose target takes values of column {@code v} up to 100 only; it reports the others. */
  static final class PickySinkFactory implements SinkFactory {
    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder("picky", ConnectorKind.SINK).description("refuses v > 100").build();
    }

    @Override
    public Sink create(ConnectorContext context) {
      List<String> kept = KEPT.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>()));
      return new Sink() {
        @Override
        public DeliveryGuarantee maxGuarantee() {
          return DeliveryGuarantee.EXACTLY_ONCE;
        }

        @Override
        public ChangelogMode acceptedChangelogMode() {
          return ChangelogMode.ALL;
        }

        @Override
        public void open(long lastCommittedEpoch) {
        }

        @Override
        public void write(Batch batch) throws ConnectorException {
          BigIntVector v = (BigIntVector) batch.data().getVector("v");
          for (int r = 0; r < batch.rowCount(); r++) {
            if (!v.isNull(r) && v.get(r) > 100) {
              try {
                context.rowRejections().reject(batch, r, "v", v.get(r) + " is more than 100");
              } catch (ConnectorException e) {
                if (!SWALLOWING.contains(context.name())) {
                  throw e;
                }
              }
              continue;
            }
            List<String> cells = new ArrayList<>();
            for (FieldVector f : batch.data().getFieldVectors()) {
              cells.add(String.valueOf(f.getObject(r)));
            }
            kept.add((batch.rowKind(r) == RowKind.INSERT ? "" : batch.rowKind(r) + " ") + String.join(",", cells));
          }
        }

        @Override
        public void prepareCommit(long epoch) {
        }

        @Override
        public void close() {
        }
      };
    }
  }

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(),
          List.of(new PickySinkFactory(), CollectingSinkFactory.changes())))).registry();

  /** id 0..7; k cycles a,b; v cycles 5,500,7,9223372036854775807 (a: 5,7,5,7; b: 500,MAX,500,MAX). */
  private static final String SOURCE = """
      [server]
      workers = %2$d

      [state]
      path = "%1$s/state"

      [checkpoint]
      path = "%1$s/checkpoints"

      [[source]]
      name = "nums"
      connector = "generator"
      [source.properties]
      max_rows = 8
      start_time = "2026-01-01T00:00:00Z"
      "fields.id.kind" = "sequence"
      "fields.id.values" = "0,1,2,3,4,5,6,7"
      "fields.k.kind" = "sequence"
      "fields.k.values" = "a,b"
      "fields.v.kind" = "sequence"
      "fields.v.values" = "5,500,7,9223372036854775807"
      [[source.schema]]
      name = "id"
      type = "BIGINT"
      [[source.schema]]
      name = "k"
      type = "VARCHAR"
      [[source.schema]]
      name = "v"
      type = "BIGINT"
      [[source.schema]]
      name = "ts"
      type = "TIMESTAMP"
      """;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    KEPT.clear();
    SWALLOWING.clear();
    CollectingSinkFactory.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private record Finished(Engine.Outcome outcome, PipelineStatus status, Map<EngineMetrics.Key, Long> counters) {
  }

  private Finished run(int workers, String pipeline) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, SOURCE.replace("%1$s", dir.toString()).replace("%2$d", String.valueOf(workers))
        + pipeline);
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    b.processingClock(() -> NOW);
    BuildReport r = b.construct();
    assertTrue(r.ok(), () -> r.errors().toString());
    EngineMetrics metrics = new EngineMetrics();
    Engine engine = new Engine(b, allocator, metrics);
    engine.start();
    Engine.Outcome o = engine.awaitTermination();
    return new Finished(o, engine.pipelines().get(0), metrics.counterValues());
  }

  /** {@code file:line:col} of the first occurrence of {@code text} in the config file. */
  private String at(String text) throws Exception {
    Path file = dir.resolve("laminar.toml");
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      int c = lines.get(i).indexOf(text);
      if (c >= 0) {
        return file + ":" + (i + 1) + ":" + (c + 1);
      }
    }
    throw new AssertionError(text + " not in the config");
  }

  private static String copy(String policy) {
    return "\n[[pipeline]]\nname = \"p\"\nsql = \"SELECT id, v FROM nums\"\n" + policy
        + "\n[[sink]]\nname = \"target\"\npipeline = \"p\"\nconnector = \"picky\"\n";
  }

  /** Rows as {@code id,...} text, by id. */
  static List<String> sortedById(List<String> rows) {
    List<String> s = new ArrayList<>(rows);
    s.sort(java.util.Comparator.comparingLong(r -> Long.parseLong(r.substring(0, r.indexOf(',')))));
    return s;
  }

  private static final List<String> SMALL_ROWS = List.of("0,5", "2,7", "4,5", "6,7");

  @Test
  void skipLeavesOutTheRowsTheSinkRejectsAndCountsThem() throws Exception {
    Finished f = run(2, copy("on.error = \"skip\"\n"));
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    assertEquals(SMALL_ROWS, sortedById(KEPT.get("target")));
    assertEquals(4, f.status().rowErrors());
    assertEquals(4L, f.counters().get(new EngineMetrics.Key("laminar_row_errors_total",
        Map.of("pipeline", "p", "action", "skip"))));
    assertFalse(Files.exists(dir.resolve("bad.jsonl")));
  }

  @Test
  void deadLetterRecordsEachRejectedRowWithTheSinkAndColumn() throws Exception {
    Finished f = run(2, copy("on.error = \"dead_letter\"\ndead_letter.path = \"bad.jsonl\"\n"));
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    assertEquals(SMALL_ROWS, sortedById(KEPT.get("target")));
    assertEquals(4, f.status().rowErrors());
    assertEquals(4L, f.counters().get(new EngineMetrics.Key("laminar_row_errors_total",
        Map.of("pipeline", "p", "action", "dead_letter"))));
    String sink = at("[[sink]]");
    List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("bad.jsonl")));
    lines.sort(java.util.Comparator.comparing(l -> l.substring(l.indexOf("\"row\":"))));
    List<String> expected = new ArrayList<>();
    for (String[] row : new String[][] {{"1", "500"}, {"3", "9223372036854775807"}, {"5", "500"},
        {"7", "9223372036854775807"}}) {
      expected.add("{\"time\":\"2026-01-01T00:00:00Z\",\"pipeline\":\"p\",\"step\":\"sink 'target'\",\"expression\":null,"
          + "\"position\":\"" + sink + "\",\"column\":\"v\",\"error\":\"" + row[1] + " is more than 100\","
          + "\"row\":{\"id\":" + row[0] + ",\"v\":" + row[1] + "}}");
    }
    assertEquals(expected, lines);
  }

  @Test
  void failFailsThePipelineNamingTheSinkTheColumnAndTheRow() throws Exception {
    Finished f = run(1, copy(""));
    assertEquals(Engine.State.FAILED, f.outcome().state());
    assertEquals("pipeline 'p' failed: sink 'target' failed: cannot write a row: column 'v': 500 is more than 100; "
        + "row {\"id\":1,\"v\":500}", f.outcome().failure());
    assertEquals(List.of("0,5"), KEPT.get("target"));
  }

  @Test
  void aSinkThatSwallowsTheFailureStillFailsThePipeline() throws Exception {
    SWALLOWING.add("target");
    Finished f = run(1, copy("on.error = \"fail\"\n"));
    assertEquals(Engine.State.FAILED, f.outcome().state());
    assertTrue(f.outcome().failure().contains("cannot write a row: column 'v': 500 is more than 100"),
        f.outcome().failure());
  }

  private static String windowed(String policy) {
    return "\n[[pipeline]]\nname = \"p\"\nsql = \"SELECT k, window_start, window_end, SUM(v) AS total FROM TABLE(TUMBLE("
        + "TABLE nums, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end\"\n" + policy
        + "\n[[sink]]\nname = \"out\"\npipeline = \"p\"\nconnector = \"collect_changes\"\n";
  }

  @Test
  void aWindowedSumBeyondBigintFailsThePipelineByDefault() throws Exception {
    Finished f = run(1, windowed(""));
    assertEquals(Engine.State.FAILED, f.outcome().state());
    assertEquals("pipeline 'p' failed: " + at("SUM(v)") + ": integer overflow: the SUM of 4 values is "
        + "18446744073709552614, out of the range of BIGINT in `SUM(v)`", f.outcome().failure());
  }

  @Test
  void aWindowedSumBeyondBigintIsLeftOutWithSkip() throws Exception {
    Finished f = run(2, windowed("on.error = \"skip\"\n"));
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    assertEquals(List.of("+I a,2026-01-01T00:00,2026-01-01T00:00:01,24"), CollectingSinkFactory.ROWS.get("out"));
    assertEquals(1, f.status().rowErrors());
    assertEquals(1L, f.counters().get(new EngineMetrics.Key("laminar_row_errors_total",
        Map.of("pipeline", "p", "action", "skip"))));
  }

  @Test
  void aWindowedSumBeyondBigintIsDeadLetteredWithItsGroupAndWindow() throws Exception {
    Finished f = run(2, windowed("on.error = \"dead_letter\"\ndead_letter.path = \"bad.jsonl\"\n"));
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    assertEquals(List.of("+I a,2026-01-01T00:00,2026-01-01T00:00:01,24"), CollectingSinkFactory.ROWS.get("out"));
    assertEquals(List.of("{\"time\":\"2026-01-01T00:00:00Z\",\"pipeline\":\"p\",\"step\":\"Aggregate\","
        + "\"expression\":\"SUM(v)\",\"position\":\"" + at("SUM(v)") + "\",\"error\":\"integer overflow: the SUM of 4 "
        + "values is 18446744073709552614, out of the range of BIGINT\",\"row\":{\"k\":\"b\","
        + "\"window_start\":\"2026-01-01T00:00:00Z\",\"window_end\":\"2026-01-01T00:00:01Z\"}}"),
        Files.readAllLines(dir.resolve("bad.jsonl")));
  }

  /** The final table of a changelog of {@code key,value} rows (+I/+U set the key, -U/-D remove it). */
  private static Map<String, String> apply(List<String> changes) {
    Map<String, String> table = new HashMap<>();
    for (String c : changes) {
      String op = c.substring(0, 2);
      String[] cells = c.substring(3).split(",", 2);
      if (op.equals("+I") || op.equals("+U")) {
        table.put(cells[0], cells[1]);
      } else {
        table.remove(cells[0]);
      }
    }
    return table;
  }

  @Test
  void anUpdatingSumBeyondBigintFailsByDefaultAndIsLeftOutWithDeadLetter() throws Exception {
    String sql = "\n[[pipeline]]\nname = \"p\"\nsql = \"SELECT k, SUM(v) AS total FROM nums GROUP BY k\"\n";
    String sink = "\n[[sink]]\nname = \"out\"\npipeline = \"p\"\nconnector = \"collect_changes\"\n";
    Finished failed = run(1, sql + sink);
    assertEquals(Engine.State.FAILED, failed.outcome().state());
    assertTrue(failed.outcome().failure().startsWith("pipeline 'p' failed: " + at("SUM(v)") + ": integer overflow: the "
        + "SUM of "), failed.outcome().failure());

    CollectingSinkFactory.clear();
    Finished f = run(1, sql + "on.error = \"dead_letter\"\ndead_letter.path = \"bad.jsonl\"\n" + sink);
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    // b's total went beyond BIGINT: whatever was emitted of it before is taken back, a's stands
    assertEquals(Map.of("a", "24"), apply(CollectingSinkFactory.ROWS.get("out")));
    List<String> lines = Files.readAllLines(dir.resolve("bad.jsonl"));
    assertFalse(lines.isEmpty());
    assertEquals(f.status().rowErrors(), lines.size());
    for (String l : lines) {
      assertTrue(l.startsWith("{\"time\":\"2026-01-01T00:00:00Z\",\"pipeline\":\"p\",\"step\":\"Aggregate\","
          + "\"expression\":\"SUM(v)\",\"position\":\"" + at("SUM(v)") + "\",\"error\":\"integer overflow: the SUM of ")
          && l.endsWith(", out of the range of BIGINT\",\"row\":{\"k\":\"b\"}}"), l);
    }
  }

  @Test
  void aSessionSumBeyondBigintIsLeftOutWithSkip() throws Exception {
    Finished f = run(1, "\n[[pipeline]]\nname = \"p\"\nsql = \"SELECT k, window_start, window_end, SUM(v) AS total FROM "
        + "TABLE(SESSION(TABLE nums PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, "
        + "window_end\"\non.error = \"dead_letter\"\ndead_letter.path = \"bad.jsonl\"\n"
        + "\n[[sink]]\nname = \"out\"\npipeline = \"p\"\nconnector = \"collect_changes\"\n");
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    List<String> out = CollectingSinkFactory.ROWS.get("out");
    assertEquals(1, out.size(), out::toString);
    assertTrue(out.get(0).startsWith("+I a,2026-01-01T00:00,") && out.get(0).endsWith(",24"), out::toString);
    List<String> lines = Files.readAllLines(dir.resolve("bad.jsonl"));
    assertEquals(1, lines.size(), lines::toString);
    assertTrue(lines.get(0).contains("\"step\":\"Aggregate\",\"expression\":\"SUM(v)\"")
        && lines.get(0).contains("\"row\":{\"k\":\"b\",\"window_start\":\"2026-01-01T00:00:00.001Z\","), lines.get(0));
    assertEquals(1, f.status().rowErrors());
  }
}
