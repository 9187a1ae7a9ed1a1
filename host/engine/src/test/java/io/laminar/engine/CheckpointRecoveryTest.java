package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints taken by a running engine, and what a restarted engine does with them. */
class CheckpointRecoveryTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  /** Extra lines for the {@code [checkpoint]} section of the next config {@link #builder} writes. */
  private String checkpointExtra = "";

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(), List.of(new CollectingSinkFactory())))).registry();

  private static final String WINDOWED = "SELECT symbol, window_start, COUNT(*) AS n, SUM(qty) AS q "
      + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end";

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    CollectingSinkFactory.clear();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private EngineBuilder builder(String name, String sql, long maxRows, long rowsPerSecond) throws Exception {
    return builder(name, sql, maxRows, rowsPerSecond, 2);
  }

  private EngineBuilder builder(String name, String sql, long maxRows, long rowsPerSecond, int workers)
      throws Exception {
    Path file = dir.resolve(name + ".toml");
    Files.writeString(file, """
        [server]
        workers = %d

        [checkpoint]
        path = "%s"
        interval = "1h"
        %s

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = %d
        rows_per_second = %d
        events_per_second = 1000
        seed = 5
        start_time = "2026-01-01T00:00:00Z"
        "fields.symbol.values" = "A,B,C"
        "fields.qty.min" = "1"
        "fields.qty.max" = "5"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "0s"

        [[pipeline]]
        name = "volume"
        sql = "%s"

        [[sink]]
        name = "%s"
        pipeline = "volume"
        connector = "collect"
        """.formatted(workers, dir.resolve("cp"), checkpointExtra, maxRows, rowsPerSecond, sql, name));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    return b;
  }

  private EngineMetrics lastMetrics;

  private Engine start(EngineBuilder b, boolean resetState) throws Exception {
    lastMetrics = new EngineMetrics();
    Engine e = new Engine(b, allocator, lastMetrics, new EngineOptions(resetState, Duration.ofSeconds(30)));
    e.start();
    return e;
  }

  private static List<String> sorted(List<String> rows) {
    return rows.stream().sorted().toList();
  }

  private List<String> uninterrupted(long rows) throws Exception {
    Engine e = start(builder("reference", WINDOWED, rows, 1_000_000), false);
    assertEquals(Engine.State.COMPLETED, e.awaitTermination().state());
    return sorted(CollectingSinkFactory.ROWS.get("reference"));
  }

  @Test
  void stoppedAndRestartedRunProducesExactlyTheUninterruptedOutput() throws Exception {
    List<String> expected = uninterrupted(30_000);
    deleteCheckpoints();
    Engine first = start(builder("out", WINDOWED, 30_000, 20_000), false);
    awaitRows("out", 1);
    CheckpointResult cp = first.checkpointNow();
    assertTrue(cp.checkpointId() >= 1 && cp.sizeBytes() > 0, cp.toString());
    assertEquals(Engine.State.STOPPED, first.shutdown(Duration.ofSeconds(10)).state());
    int beforeRestart = CollectingSinkFactory.ROWS.get("out").size();
    assertTrue(beforeRestart > 0 && beforeRestart < expected.size(), "rows before restart: " + beforeRestart);

    Engine second = start(builder("out", WINDOWED, 30_000, 1_000_000), false);
    assertEquals(Engine.State.COMPLETED, second.awaitTermination().state());
    assertEquals(expected, sorted(CollectingSinkFactory.ROWS.get("out")));
    // the restarted sink was told which epoch the final checkpoint of the first run committed
    assertEquals(List.of(0L, cp.checkpointId() + 1), CollectingSinkFactory.OPENED_AT.get("out"));
  }

  @Test
  void corruptLatestCheckpointFallsBackToThePreviousOne() throws Exception {
    Engine first = start(builder("out", WINDOWED, 1_000_000, 20_000), false);
    awaitRows("out", 1);
    long good = first.checkpointNow().checkpointId();
    long corrupt = first.checkpointNow().checkpointId();
    assertEquals(Engine.State.STOPPED, first.shutdown(Duration.ofSeconds(10)).state());
    long fin = corrupt + 1;
    // break the final checkpoint's state and the one before it: recovery must land on `good`
    for (long id : new long[] {fin, corrupt}) {
      try (Stream<Path> files = Files.list(dir.resolve("cp/checkpoints").resolve(String.format("%020d", id)))) {
        for (Path state : files.filter(f -> f.getFileName().toString().startsWith("pipeline-volume.")).toList()) {
          Files.write(state, new byte[] {1, 2, 3});
        }
      }
    }
    Engine second = start(builder("out", WINDOWED, 1_000_000, 20_000), false);
    assertEquals(Engine.State.STOPPED, second.shutdown(Duration.ofSeconds(10)).state());
    assertEquals(good, CollectingSinkFactory.OPENED_AT.get("out").get(1));
  }

  @Test
  void changedSqlWithIncompatibleStateIsRefusedUnlessResetState() throws Exception {
    Engine first = start(builder("out", WINDOWED, 1_000_000, 20_000), false);
    awaitRows("out", 1);
    assertEquals(Engine.State.STOPPED, first.shutdown(Duration.ofSeconds(10)).state());

    String changed = WINDOWED.replace("INTERVAL '1' SECOND", "INTERVAL '2' SECOND");
    StartFailure refused = assertThrows(StartFailure.class, () -> start(builder("out", changed, 1_000_000, 20_000), false));
    assertEquals(ServerError.Kind.INVALID_TOPOLOGY, refused.error().kind());
    assertTrue(refused.getMessage().contains("pipeline 'volume'"), refused.getMessage());
    assertTrue(refused.getMessage().contains("--reset-state"), refused.getMessage());

    Engine reset = start(builder("out", changed, 1_000_000, 20_000), true);
    assertEquals(Engine.State.STOPPED, reset.shutdown(Duration.ofSeconds(10)).state());
  }

  @Test
  void aCompletedRunIsNotResumedButRunsAgainFromTheStart() throws Exception {
    Engine first = start(builder("out", WINDOWED, 3_000, 1_000_000), false);
    assertEquals(Engine.State.COMPLETED, first.awaitTermination().state());
    List<String> once = sorted(CollectingSinkFactory.ROWS.get("out"));
    CollectingSinkFactory.ROWS.clear();
    Engine again = start(builder("out", WINDOWED, 3_000, 1_000_000), false);
    assertEquals(Engine.State.COMPLETED, again.awaitTermination().state());
    assertEquals(once, sorted(CollectingSinkFactory.ROWS.get("out")));
  }

  @Test
  void periodicCheckpointsAreTakenAndOldOnesPruned() throws Exception {
    EngineBuilder b = builder("out", WINDOWED, 1_000_000, 20_000);
    Path file = dir.resolve("periodic.toml");
    Files.writeString(file, Files.readString(dir.resolve("out.toml")).replace("interval = \"1h\"",
        "interval = \"100ms\"\nretain = 2"));
    b.closeCreated();
    EngineBuilder periodic = new EngineBuilder(ConfigLoader.load(List.of(file), Map.of()).config(), REGISTRY, allocator,
        new EngineMetrics());
    assertTrue(periodic.construct().ok());
    Engine e = new Engine(periodic, allocator, new EngineMetrics());
    e.start();
    await(() -> CollectingSinkFactory.COMMITS.get("out").size() >= 4, "four periodic checkpoints");
    assertEquals(Engine.State.STOPPED, e.shutdown(Duration.ofSeconds(10)).state());
    List<Long> commits = CollectingSinkFactory.COMMITS.get("out");
    assertTrue(commits.size() >= 4, "commits: " + commits);
    for (int i = 1; i < commits.size(); i++) {
      // strictly increasing; a checkpoint that fails leaves its id unused, it is never reused
      assertTrue(commits.get(i) > commits.get(i - 1), "epochs only move forward: " + commits);
    }
    try (Stream<Path> kept = Files.list(dir.resolve("cp/checkpoints"))) {
      assertEquals(2, kept.filter(p -> p.getFileName().toString().matches("\\d{20}")).count());
    }
  }

  @Test
  void keyedStateSplitAcrossWorkersGivesTheSameOutputAsOneWorker() throws Exception {
    Engine one = start(builder("single", WINDOWED, 60_000, 10_000_000, 1), false);
    assertEquals(Engine.State.COMPLETED, one.awaitTermination().state());
    deleteCheckpoints();
    EngineBuilder b = builder("parallel", WINDOWED, 60_000, 10_000_000, 3);
    Engine three = start(b, false);
    assertEquals(Engine.State.COMPLETED, three.awaitTermination().state());
    assertEquals(3.0, lastMetrics.gaugeValues().get(new EngineMetrics.Key("laminar_pipeline_workers",
        Map.of("pipeline", "volume"))));
    assertEquals(sorted(CollectingSinkFactory.ROWS.get("single")), sorted(CollectingSinkFactory.ROWS.get("parallel")));
  }

  @Test
  void aFlippedByteInTheOnlyCheckpointRefusesToStartUnlessResetState() throws Exception {
    checkpointExtra = "retain = 1";
    Engine first = start(builder("out", WINDOWED, 1_000_000, 20_000), false);
    awaitRows("out", 1);
    assertEquals(Engine.State.STOPPED, first.shutdown(Duration.ofSeconds(10)).state());
    Path only = onlyCheckpoint();
    Path state;
    try (Stream<Path> files = Files.list(only)) {
      state = files.filter(f -> f.getFileName().toString().startsWith("pipeline-volume.")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(state);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(state, bytes);

    StartFailure refused = assertThrows(StartFailure.class,
        () -> start(builder("out", WINDOWED, 1_000_000, 20_000), false));
    assertEquals(ServerError.Kind.STATE, refused.error().kind());
    assertTrue(refused.getMessage().contains(only.toString()), refused.getMessage());
    assertTrue(refused.getMessage().contains(state.getFileName().toString()), refused.getMessage());
    assertTrue(refused.getMessage().contains("--reset-state"), refused.getMessage());

    Engine reset = start(builder("out", WINDOWED, 1_000_000, 20_000), true);
    assertEquals(Engine.State.STOPPED, reset.shutdown(Duration.ofSeconds(10)).state());
    assertEquals(0L, CollectingSinkFactory.OPENED_AT.get("out").get(1), "the reset run starts from nothing");
  }

  @Test
  void aGarbledManifestOfTheOnlyCheckpointRefusesToStartUnlessResetState() throws Exception {
    checkpointExtra = "retain = 1";
    Engine first = start(builder("out", WINDOWED, 1_000_000, 20_000), false);
    assertEquals(Engine.State.STOPPED, first.shutdown(Duration.ofSeconds(10)).state());
    Path manifest = onlyCheckpoint().resolve("manifest.json");
    Files.writeString(manifest, "{\"format\": 1, \"checkpointId\": ");

    StartFailure refused = assertThrows(StartFailure.class,
        () -> start(builder("out", WINDOWED, 1_000_000, 20_000), false));
    assertEquals(ServerError.Kind.STATE, refused.error().kind());
    assertTrue(refused.getMessage().contains("manifest"), refused.getMessage());
    assertTrue(refused.getMessage().contains("--reset-state"), refused.getMessage());
    Engine reset = start(builder("out", WINDOWED, 1_000_000, 20_000), true);
    assertEquals(Engine.State.STOPPED, reset.shutdown(Duration.ofSeconds(10)).state());
  }

  @Test
  void aPipelineThatFailsWhileSourcesArePausedAbortsTheCheckpoint() throws Exception {
    CollectingSinkFactory.WriteGate gate = new CollectingSinkFactory.WriteGate();
    CollectingSinkFactory.FAILING_WRITE.put("out", gate);
    Engine engine = start(builder("out", WINDOWED, 100_000_000, 10_000_000, 1), false);
    assertTrue(gate.blocked().await(30, TimeUnit.SECONDS), "the sink's first write");
    // The pipeline hangs in its sink, so the source blocks on the pipeline's full queue: a
    // checkpoint cannot pause it until the pipeline has failed.
    await(() -> threadState("source-trades") == Thread.State.WAITING, "the source to block on the full queue");
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread checkpoint = new Thread(() -> {
      try {
        outcome.set(engine.checkpointNow());
      } catch (Exception e) {
        outcome.set(e);
      }
    }, "test-checkpoint");
    checkpoint.start();
    await(() -> checkpoint.getState() == Thread.State.TIMED_WAITING, "the checkpoint to wait for the source");
    gate.release().countDown();
    checkpoint.join(TimeUnit.SECONDS.toMillis(30));

    assertTrue(outcome.get() instanceof CheckpointCoordinator.CheckpointFailure, "checkpoint: " + outcome.get());
    assertTrue(((Exception) outcome.get()).getMessage().contains("pipeline 'volume' failed"),
        ((Exception) outcome.get()).getMessage());
    assertEquals(Engine.State.FAILED, engine.awaitTermination().state());
    assertEquals(List.of(), CollectingSinkFactory.COMMITS.get("out"), "no sink commits a checkpoint without state");
    try (Stream<Path> kept = Files.list(dir.resolve("cp/checkpoints"))) {
      assertEquals(List.of(), kept.filter(p -> p.getFileName().toString().matches("\\d{20}")).toList());
    }
  }

  @Test
  void aSinkCommitThatFailsOnceIsRetriedAndTheCheckpointCompletes() throws Exception {
    Engine engine = start(builder("out", WINDOWED, 100_000_000, 20_000), false);
    awaitRows("out", 1);
    CollectingSinkFactory.COMMIT_FAILURES.put("out", new java.util.concurrent.atomic.AtomicInteger(1));
    long id = engine.checkpointNow().checkpointId();
    assertEquals(List.of(id), CollectingSinkFactory.COMMITS.get("out"));
    assertEquals(Engine.State.STOPPED, engine.shutdown(Duration.ofSeconds(10)).state());
  }

  @Test
  void aSinkCommitThatKeepsFailingStopsThePipelineAndTheRestartCommitsTheEpoch() throws Exception {
    Engine engine = start(builder("out", WINDOWED, 100_000_000, 20_000), false);
    awaitRows("out", 1);
    CollectingSinkFactory.COMMIT_FAILURES.put("out", new java.util.concurrent.atomic.AtomicInteger(1_000));
    // the checkpoint is durable; the sink that could not commit it fails its pipeline (a run-time
    // connector error is deterministic: not restarted by default), the only one, so the run ends
    assertEquals(1L, engine.checkpointNow().checkpointId());
    await(() -> engine.state() == Engine.State.FAILED, "the run to stop after the failed commit");
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.FAILED, outcome.state());
    assertTrue(outcome.failure().contains("could not commit epoch 1"), outcome.failure());
    assertEquals(List.of(), CollectingSinkFactory.COMMITS.get("out"));

    CollectingSinkFactory.COMMIT_FAILURES.clear();
    Engine restarted = start(builder("out", WINDOWED, 100_000_000, 20_000), false);
    // the restarted sink is told epoch 1 is durable, so an exactly-once sink commits what it prepared
    assertEquals(List.of(0L, 1L), CollectingSinkFactory.OPENED_AT.get("out"));
    assertEquals(Engine.State.STOPPED, restarted.shutdown(Duration.ofSeconds(10)).state());
  }

  @Test
  void aFailedFinalCheckpointOnShutdownEndsTheRunAsFailed() throws Exception {
    Engine engine = start(builder("out", WINDOWED, 100_000_000, 20_000), false);
    awaitRows("out", 1);
    CollectingSinkFactory.COMMIT_FAILURES.put("out", new java.util.concurrent.atomic.AtomicInteger(1_000));
    Engine.Outcome outcome = engine.shutdown(Duration.ofSeconds(10));
    assertEquals(Engine.State.FAILED, outcome.state());
    assertTrue(outcome.failure().contains("failed during the shutdown") && outcome.failure().contains(
        "could not commit epoch"), outcome.failure());
  }

  @Test
  void aBoundedRunWithAOneMillisecondIntervalEndsWithoutAFailedCheckpoint() throws Exception {
    checkpointExtra = "retain = 2";
    for (int run = 0; run < 3; run++) {
      deleteCheckpoints();
      Path file = dir.resolve("fast.toml");
      EngineBuilder b = builder("out", WINDOWED, 20_000, 10_000_000);
      b.closeCreated();
      Files.writeString(file, Files.readString(dir.resolve("out.toml")).replace("interval = \"1h\"",
          "interval = \"1ms\""));
      ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
      EngineBuilder fast = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
      assertTrue(fast.construct().ok());
      Engine e = start(fast, false);
      assertEquals(Engine.State.COMPLETED, e.awaitTermination().state());
      assertEquals(0L, lastMetrics.counterValues().get(new EngineMetrics.Key("laminar_checkpoint_failures_total",
          Map.of())), "run " + run + ": no checkpoint fails at the end of a bounded run");
    }
  }

  @Test
  void aSourceThatNowReadsOtherDataIsRefusedNamingWhatChangedUnlessItsOffsetsAreReset() throws Exception {
    Engine first = start(builder("out", WINDOWED, 1_000_000, 20_000), false);
    awaitRows("out", 1);
    assertEquals(Engine.State.STOPPED, first.shutdown(Duration.ofSeconds(10)).state());

    UnaryOperator<String> otherData = toml -> toml.replace("seed = 5", "seed = 7")
        .replace("\"fields.qty.max\" = \"5\"", "\"fields.qty.max\" = \"9\"");
    StartFailure refused = assertThrows(StartFailure.class, () -> start(edited("out", otherData), false));
    assertEquals(ServerError.Kind.STATE, refused.error().kind());
    String message = refused.getMessage();
    assertTrue(message.contains("source 'trades': property 'fields.qty.max' was \"5\", now \"9\"; "
        + "property 'seed' was \"5\", now \"7\""), message);
    assertTrue(message.contains("--reset-source trades") && message.contains("--reset-state"), message);

    UnaryOperator<String> otherSchema = toml -> toml.replace("name = \"qty\"\n        type = \"INT\"",
        "name = \"qty\"\n        type = \"BIGINT\"").replace("name = \"qty\"\ntype = \"INT\"",
        "name = \"qty\"\ntype = \"BIGINT\"");
    StartFailure schema = assertThrows(StartFailure.class, () -> start(edited("out", otherSchema), false));
    assertTrue(schema.getMessage().contains("schema was (symbol VARCHAR, qty INT, ts TIMESTAMP), "
        + "now (symbol VARCHAR, qty BIGINT, ts TIMESTAMP)"), schema.getMessage());

    Engine reset = new Engine(edited("out", otherData), allocator, new EngineMetrics(),
        new EngineOptions(false, Duration.ofSeconds(30), Set.of("trades")));
    reset.start();
    assertEquals(Engine.State.STOPPED, reset.shutdown(Duration.ofSeconds(10)).state());
    // the sink resumed from the checkpoint: only the source's offsets were forgotten
    assertTrue(CollectingSinkFactory.OPENED_AT.get("out").get(1) > 0, CollectingSinkFactory.OPENED_AT.toString());
  }

  @Test
  void resetSourceMustNameAConfiguredSource() throws Exception {
    Engine e = new Engine(builder("out", WINDOWED, 1_000, 1_000_000), allocator, new EngineMetrics(),
        new EngineOptions(false, Duration.ofSeconds(30), Set.of("trade")));
    StartFailure refused = assertThrows(StartFailure.class, e::start);
    assertEquals(ServerError.Kind.CONFIG, refused.error().kind());
    assertTrue(refused.getMessage().contains("trade") && refused.getMessage().contains("sources: trades"),
        refused.getMessage());
  }

  @Test
  void aStatelessPipelineWhoseSqlChangedKeepsItsSourceOffsets() throws Exception {
    String filter = "SELECT symbol, qty FROM trades WHERE qty > 1";
    Engine first = start(builder("out", filter, 30_000, 20_000), false);
    awaitRows("out", 1);
    assertEquals(Engine.State.STOPPED, first.shutdown(Duration.ofSeconds(10)).state());

    Engine second = start(builder("out", filter.replace("qty > 1", "qty > 2"), 30_000, 1_000_000), false);
    assertEquals(Engine.State.COMPLETED, second.awaitTermination().state());
    long readAgain = lastMetrics.counterValues().get(new EngineMetrics.Key("laminar_source_rows_read_total",
        Map.of("source", "trades")));
    assertTrue(readAgain < 30_000, "the source resumed where the first run stopped; it read " + readAgain);
  }

  /** The engine for {@code <name>.toml} as {@link #builder} last wrote it, edited. */
  private EngineBuilder edited(String name, UnaryOperator<String> edit) throws Exception {
    Path file = dir.resolve(name + "-edited.toml");
    String before = Files.readString(dir.resolve(name + ".toml"));
    String after = edit.apply(before);
    assertTrue(!after.equals(before), "the edit changed nothing");
    Files.writeString(file, after);
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    return b;
  }

  @Test
  void aGracefulStopWhilePeriodicCheckpointsRunFailsNoCheckpoint() throws Exception {
    checkpointExtra = "retain = 2";
    builder("out", WINDOWED, 100_000_000, 1_000_000).closeCreated();
    EngineBuilder fast = edited("out", toml -> toml.replace("interval = \"1h\"", "interval = \"1ms\""));
    Engine e = start(fast, false);
    EngineMetrics.Key taken = new EngineMetrics.Key("laminar_checkpoints_total", Map.of());
    await(() -> lastMetrics.counterValues().getOrDefault(taken, 0L) >= 5, "five periodic checkpoints");
    assertEquals(Engine.State.STOPPED, e.shutdown(Duration.ofSeconds(10)).state());
    // on main the stop interrupted the periodic checkpoint in progress: "failed … ClosedByInterruptException"
    assertEquals(0L, lastMetrics.counterValues().get(new EngineMetrics.Key("laminar_checkpoint_failures_total",
        Map.of())));
  }

  private static Thread.State threadState(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
        .map(Thread::getState).orElse(Thread.State.TERMINATED);
  }

  private Path onlyCheckpoint() throws Exception {
    try (Stream<Path> kept = Files.list(dir.resolve("cp/checkpoints"))) {
      List<Path> ids = kept.filter(p -> p.getFileName().toString().matches("\\d{20}")).toList();
      assertEquals(1, ids.size(), ids.toString());
      return ids.get(0);
    }
  }

  /** Waits until sink {@code name} has received at least {@code rows} rows. */
  private static void awaitRows(String name, int rows) throws InterruptedException {
    await(() -> CollectingSinkFactory.ROWS.getOrDefault(name, List.of()).size() >= rows,
        "sink '" + name + "' to receive " + rows + " rows");
  }

  /** Polls {@code condition} until it holds; fails the test after 30 s. */
  static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private void deleteCheckpoints() throws Exception {
    Path cp = dir.resolve("cp");
    if (Files.exists(cp)) {
      try (Stream<Path> all = Files.walk(cp)) {
        List<Path> paths = new ArrayList<>(all.toList());
        paths.sort(java.util.Comparator.reverseOrder());
        for (Path p : paths) {
          Files.delete(p);
        }
      }
    }
  }
}
