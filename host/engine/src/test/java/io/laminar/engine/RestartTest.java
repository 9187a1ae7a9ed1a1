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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart strategy and failure isolation through the real engine: two pipelines on their own
 * generator sources (so two restart regions) writing to a transactional test sink whose faults are
 * injected, with real checkpoints on disk.
 */
class RestartTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  private EngineMetrics metrics;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(new FailingLookupFactory()),
          List.of(new TransactionalSinkFactory())))).registry();

  private static final String WINDOWED = "SELECT symbol, window_start, COUNT(*) AS n, SUM(qty) AS q "
      + "FROM TABLE(TUMBLE(TABLE %s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end";

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    TransactionalSinkFactory.clear();
  }

  @AfterEach
  void noLeaks() {
    TransactionalSinkFactory.clear();
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private static String source(String name, long maxRows, long rowsPerSecond) {
    return """
        [[source]]
        name = "%s"
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
        """.formatted(name, maxRows, rowsPerSecond);
  }

  private static String pipeline(String name, String sql, String sink, String extra) {
    return """
        [[pipeline]]
        name = "%s"
        sql = "%s"
        %s

        [[sink]]
        name = "%s"
        pipeline = "%s"
        connector = "txn"
        delivery = "exactly_once"
        """.formatted(name, sql, extra, sink, name);
  }

  /** Two regions: pipeline a reads source ta, pipeline b reads source tb. */
  private EngineBuilder twoPipelines(String tag, long rows, long rowsPerSecond, String checkpoint, String server)
      throws Exception {
    return build(tag, """
        [server]
        workers = 1
        %s

        [checkpoint]
        path = "%s"
        %s

        """.formatted(server, dir.resolve("cp-" + tag), checkpoint)
        + source("ta", rows, rowsPerSecond) + source("tb", rows, rowsPerSecond)
        + pipeline("a", WINDOWED.formatted("ta"), tag + "_a", "") + pipeline("b", WINDOWED.formatted("tb"), tag + "_b", ""));
  }

  private EngineBuilder build(String tag, String toml) throws Exception {
    Path file = dir.resolve(tag + ".toml");
    Files.writeString(file, toml);
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    metrics = new EngineMetrics();
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, metrics);
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    return b;
  }

  private Engine start(EngineBuilder b) throws Exception {
    Engine e = new Engine(b, allocator, metrics, new EngineOptions(false,
        b.config().checkpoint().timeout()));
    e.start();
    return e;
  }

  private static List<String> sorted(List<String> rows) {
    return rows.stream().sorted().toList();
  }

  private long restarts(String pipeline, String cause) {
    return metrics.counterValues().getOrDefault(new EngineMetrics.Key("laminar_restarts_total",
        Map.of("pipeline", pipeline, "cause", cause)), 0L);
  }

  private static PipelineStatus status(Engine e, String pipeline) {
    return e.pipelines().stream().filter(p -> p.name().equals(pipeline)).findFirst().orElseThrow();
  }

  @Test
  void aSinkThatFailsToConnectOnItsThirdPrepareCommitRestartsItsPipelineAloneWithExactlyOnceOutput()
      throws Exception {
    Engine reference = start(twoPipelines("ref", 30_000, 1_000_000, "interval = \"1h\"", ""));
    assertEquals(Engine.State.COMPLETED, reference.awaitTermination().state());
    List<String> expectedA = sorted(TransactionalSinkFactory.COMMITTED.get("ref_a"));
    List<String> expectedB = sorted(TransactionalSinkFactory.COMMITTED.get("ref_b"));
    assertTrue(expectedA.size() >= 90, "reference output: " + expectedA.size());

    TransactionalSinkFactory.FAIL_PREPARE_AT.put("run_a", 3);
    Engine engine = start(twoPipelines("run", 30_000, 15_000, "interval = \"100ms\"",
        "restart = { strategy = \"exponential\", initial = \"50ms\", max = \"1s\" }"));
    Engine.Outcome outcome = engine.awaitTermination();

    assertEquals(Engine.State.COMPLETED, outcome.state(), String.valueOf(outcome.failure()));
    assertEquals(expectedA, sorted(TransactionalSinkFactory.COMMITTED.get("run_a")),
        "pipeline a after its restart: every window exactly once");
    assertEquals(expectedB, sorted(TransactionalSinkFactory.COMMITTED.get("run_b")));
    assertEquals(1, restarts("a", "connection_failed"));
    assertEquals(0, restarts("b", "connection_failed"));
    assertEquals(1, status(engine, "a").restarts());
    assertTrue(status(engine, "a").lastError().contains("cannot connect to test-broker:9092"),
        status(engine, "a").lastError());
    assertEquals(0, status(engine, "b").restarts());
    // b's sink was opened once: its pipeline never stopped
    assertEquals(List.of(0L), TransactionalSinkFactory.OPENED_AT.get("run_b"));
    assertEquals(2, TransactionalSinkFactory.OPENED_AT.get("run_a").size(), TransactionalSinkFactory.OPENED_AT.toString());
    assertTrue(TransactionalSinkFactory.OPENED_AT.get("run_a").get(1) >= 1, "a restarted from a checkpoint");
  }

  @Test
  void aDeterministicLookupFailureMarksItsPipelineFailedWithTheCauseWhileTheOtherKeepsRunning() throws Exception {
    Engine engine = start(lookupConfig("lk", ""));
    CheckpointRecoveryTest.await(() -> status(engine, "enriched").state().equals("FAILED"), "pipeline to fail");
    PipelineStatus failed = status(engine, "enriched");
    assertTrue(failed.lastError().contains("injected: table 'instruments' has a column of the wrong type"),
        failed.lastError());
    assertEquals(0, failed.restarts(), "a deterministic failure is not restarted by default");
    assertEquals(Engine.State.RUNNING, engine.state());
    assertEquals("RUNNING", status(engine, "b").state());
    long before = status(engine, "b").rowsIn();
    CheckpointRecoveryTest.await(() -> status(engine, "b").rowsIn() > before && status(engine, "b").rowsOut() > 0,
        "pipeline b to go on reading and emit windows");
    // checkpoints go on for b; the failed pipeline's files are carried forward
    CheckpointResult cp = engine.checkpointNow();
    assertTrue(cp.checkpointId() >= 1);
    assertTrue(TransactionalSinkFactory.COMMITTED.get("lk_b").size() > 0, "b's sink committed");
    assertTrue(!engine.ready(), "not ready while a pipeline has failed");
    assertEquals(Engine.State.STOPPED, engine.shutdown(Duration.ofSeconds(10)).state());
    assertEquals(1, TransactionalSinkFactory.CLOSES.get("lk_a").get(), "the failed pipeline's sink is closed once");
    assertEquals(1, TransactionalSinkFactory.CLOSES.get("lk_b").get());
  }

  @Test
  void withAttemptsALookupFailureIsRetriedThenFailedAndOnPipelineFailureExitStopsTheServer() throws Exception {
    FailingLookupFactory.CALLS.set(0);
    Engine engine = start(lookupConfig("ex", "on_pipeline_failure = \"exit\"\n"
        + "restart = { strategy = \"fixed_delay\", attempts = 2, delay = \"10ms\" }"));
    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.FAILED, outcome.state());
    assertTrue(outcome.failure().contains("pipeline 'enriched' failed") && outcome.failure().contains(
        "on_pipeline_failure = \"exit\""), outcome.failure());
    assertEquals(2, restarts("enriched", "connector"), "two restarts, then given up");
    assertTrue(FailingLookupFactory.CALLS.get() >= 3, "the lookup was asked on every attempt");
  }

  private EngineBuilder lookupConfig(String tag, String server) throws Exception {
    return build(tag, """
        [server]
        workers = 1
        %s

        [checkpoint]
        path = "%s"
        interval = "1h"

        [[lookup]]
        name = "instruments"
        connector = "failing_lookup"
        primary_key = ["symbol"]
        [[lookup.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[lookup.schema]]
        name = "label"
        type = "VARCHAR"

        """.formatted(server, dir.resolve("cp-" + tag))
        + source("ta", 100_000_000, 5_000) + source("tb", 100_000_000, 5_000)
        + pipeline("enriched", "SELECT t.symbol, i.label FROM ta t JOIN instruments FOR SYSTEM_TIME AS OF t.ts AS i "
            + "ON t.symbol = i.symbol", tag + "_a", "")
        + pipeline("b", WINDOWED.formatted("tb"), tag + "_b", ""));
  }

  @Test
  void aHangingPrepareCommitTimesTheCheckpointOutRestartsThePipelineAndAConcurrentCheckpointIsRefused()
      throws Exception {
    CountDownLatch[] hang = TransactionalSinkFactory.hangPrepare("hg_a", 2);
    Engine engine = start(twoPipelines("hg", 100_000_000, 5_000, "interval = \"1h\"\ntimeout = \"4s\"",
        "restart = { initial = \"10ms\" }"));
    CheckpointRecoveryTest.await(() -> status(engine, "a").rowsIn() > 0, "rows");
    assertTrue(engine.checkpointNow().checkpointId() == 1);
    AtomicReference<Object> second = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        second.set(engine.checkpointNow());
      } catch (Exception e) {
        second.set(e);
      }
    }, "test-checkpoint");
    t.start();
    assertTrue(hang[0].await(30, TimeUnit.SECONDS), "prepareCommit(2) to hang");
    // while it hangs, another request is refused at once instead of waiting
    assertThrows(Engine.CheckpointInProgress.class, engine::checkpointNow);
    t.join(TimeUnit.SECONDS.toMillis(30));
    // b's part completed; a's sink did not return in time: a is carried forward and restarted
    assertTrue(second.get() instanceof CheckpointResult, String.valueOf(second.get()));
    CheckpointRecoveryTest.await(() -> restarts("a", "timeout") == 1 && status(engine, "a").state().equals("RUNNING"),
        "pipeline a to restart after the timeout");
    assertTrue(status(engine, "a").lastError().contains("sink 'hg_a' prepareCommit(2) did not return in time"),
        status(engine, "a").lastError());
    assertTrue(engine.busyComponents().contains("sink 'hg_a' prepareCommit(2)"), engine.busyComponents().toString());
    assertEquals(List.of(0L, 1L), TransactionalSinkFactory.OPENED_AT.get("hg_a"), "reopened at a's last epoch");
    assertEquals(List.of(0L), TransactionalSinkFactory.OPENED_AT.get("hg_b"));

    Engine.Outcome outcome = engine.shutdown(Duration.ofSeconds(5));
    assertEquals(Engine.State.STOPPED, outcome.state(), String.valueOf(outcome.failure()));
    assertTrue(outcome.stuck().contains("sink 'hg_a' prepareCommit(2)"), "the abandoned call is named: "
        + outcome.stuck());
    hang[1].countDown();
  }

  @Test
  void aPrepareCommitThatHangsDuringTheShutdownIsNamedAndTheShutdownEnds() throws Exception {
    CountDownLatch[] hang = TransactionalSinkFactory.hangPrepare("sd_a", 1);
    Engine engine = start(twoPipelines("sd", 100_000_000, 5_000, "interval = \"1h\"", ""));
    CheckpointRecoveryTest.await(() -> status(engine, "a").rowsIn() > 0 && status(engine, "b").rowsOut() > 0, "rows");
    Engine.Outcome outcome = engine.shutdown(Duration.ofSeconds(4));
    assertTrue(hang[0].getCount() == 0, "the final checkpoint called prepareCommit");
    List<String> named = new ArrayList<>(outcome.stuck());
    if (outcome.failure() != null) {
      named.add(outcome.failure());
    }
    assertTrue(named.stream().anyMatch(s -> s.contains("sink 'sd_a' prepareCommit(1)")), named.toString());
    assertTrue(!TransactionalSinkFactory.COMMITTED.get("sd_b").isEmpty(), "b's part of the final checkpoint committed");
    hang[1].countDown();
  }
}
