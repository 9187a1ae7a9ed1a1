package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early resume: a region whose sinks accept writes while committing reads on while its checkpoint
 * is made durable and committed, and the exactly-once output stays exact when that checkpoint or
 * its commit then fails. A generator numbers its rows ({@code id} 0, 1, …), so "exact" means every
 * id committed once.
 */
class CheckpointOverlapTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  private EngineMetrics metrics;

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(), List.of(new TransactionalSinkFactory()))))
      .registry();

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

  /** One region: generator {@code t} (ids from 0) → pipeline {@code p} → exactly-once sink {@code <tag>}. */
  private Engine start(String tag, long rows, long rowsPerSecond, int workers, String checkpoint) throws Exception {
    Path file = dir.resolve(tag + ".toml");
    Files.writeString(file, """
        [server]
        workers = %d
        restart = { initial = "10ms" }

        [checkpoint]
        path = "%s"
        %s

        [[source]]
        name = "t"
        connector = "generator"
        [source.properties]
        max_rows = %d
        rows_per_second = %d
        splits = %d
        seed = 3
        "fields.id.kind" = "sequence"
        "fields.qty.min" = "1"
        "fields.qty.max" = "5"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "qty"
        type = "INT"

        [[pipeline]]
        name = "p"
        sql = "SELECT id, qty FROM t WHERE qty > 0"

        [[sink]]
        name = "%s"
        pipeline = "p"
        connector = "txn"
        delivery = "exactly_once"
        """.formatted(workers, dir.resolve("cp-" + tag), checkpoint, rows, rowsPerSecond, workers, tag));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    metrics = new EngineMetrics();
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, metrics);
    assertTrue(b.construct().ok(), () -> b.construct().errors().toString());
    Engine e = new Engine(b, allocator, metrics, new EngineOptions(false, b.config().checkpoint().timeout()));
    e.start();
    return e;
  }

  private long rowsIn(Engine e) {
    return e.pipelines().stream().filter(p -> p.name().equals("p")).findFirst().orElseThrow().rowsIn();
  }

  private long restarts(String cause) {
    return metrics.counterValues().getOrDefault(new EngineMetrics.Key("laminar_restarts_total",
        Map.of("pipeline", "p", "cause", cause)), 0L);
  }

  /** Every id 0 … rows-1 committed exactly once. */
  private static void assertExactlyOnce(String sink, long rows) {
    List<String> committed = TransactionalSinkFactory.COMMITTED.getOrDefault(sink, List.of());
    List<Long> ids;
    synchronized (committed) {
      ids = committed.stream().map(r -> Long.parseLong(r.substring(0, r.indexOf(',')))).sorted().toList();
    }
    assertEquals(rows, ids.size(), "rows committed (each once)");
    assertEquals(rows, ids.stream().distinct().count(), "distinct ids committed");
    assertEquals(0L, ids.get(0));
    assertEquals(rows - 1, ids.get(ids.size() - 1));
  }

  @Test
  void sourcesAreReadAndRowsWrittenWhileTheSinkCommitIsBlockedThenTheOutputIsExact() throws Exception {
    sourcesReadOnDuringABlockedCommit("ov1", 1);
  }

  @Test
  void inlineWorkersReadOnWhileTheSinkCommitIsBlocked() throws Exception {
    sourcesReadOnDuringABlockedCommit("ov2", 2);
  }

  private void sourcesReadOnDuringABlockedCommit(String tag, int workers) throws Exception {
    long rows = 150_000;
    CountDownLatch[] hang = TransactionalSinkFactory.hangCommit(tag, 1);
    Engine engine = start(tag, rows, 15_000, workers, "interval = \"1h\"\ntimeout = \"60s\"");
    CheckpointRecoveryTest.await(() -> rowsIn(engine) > 0, "rows");
    AtomicReference<Object> result = new AtomicReference<>();
    Thread checkpoint = new Thread(() -> {
      try {
        result.set(engine.checkpointNow());
      } catch (Exception e) {
        result.set(e);
      }
    }, "test-checkpoint");
    checkpoint.start();
    assertTrue(hang[0].await(30, TimeUnit.SECONDS), "commit(1) to be called");
    long atCommit = rowsIn(engine);
    // the pipeline goes on while commit(1) has not returned
    CheckpointRecoveryTest.await(() -> rowsIn(engine) >= atCommit + 5_000,
        "rows to be read while the sink's commit(1) is blocked (read " + atCommit + " before it)");
    assertTrue(checkpoint.isAlive(), "checkpoint 1 is still committing");
    assertEquals(1, engine.checkpointStatus().inProgress(), "checkpoint 1 is in progress until its commit returns");
    hang[1].countDown();
    checkpoint.join(TimeUnit.SECONDS.toMillis(30));
    assertTrue(result.get() instanceof CheckpointResult r && r.checkpointId() == 1, String.valueOf(result.get()));

    Engine.Outcome outcome = engine.awaitTermination();
    assertEquals(Engine.State.COMPLETED, outcome.state(), String.valueOf(outcome.failure()));
    assertExactlyOnce(tag, rows);
    assertEquals(List.of(0L), TransactionalSinkFactory.OPENED_AT.get(tag), "never restarted");
  }

  @Test
  void aCheckpointThatCannotBeMadeDurableAfterItsRegionWentOnRestartsItFromThePreviousOneExactlyOnce()
      throws Exception {
    String tag = "wf";
    long rows = 60_000;
    Path cp = dir.resolve("cp-" + tag);
    // on the third prepareCommit, take the name checkpoint 3 is to be published under: the region
    // has been let go (its sink accepts writes while committing) when publishing it fails
    TransactionalSinkFactory.ON_PREPARE.put(tag, (call, epoch) -> {
      if (call == 3) {
        try {
          Files.createDirectories(checkpointRoot(cp).resolve(String.format("%020d", epoch)).resolve("taken"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
    Engine engine = start(tag, rows, 20_000, 1, "interval = \"200ms\"");
    Engine.Outcome outcome = engine.awaitTermination();

    assertEquals(Engine.State.COMPLETED, outcome.state(), String.valueOf(outcome.failure()));
    assertExactlyOnce(tag, rows);
    assertEquals(1, restarts("io"), metrics.counterValues().toString());
    assertEquals(List.of(0L, 2L), TransactionalSinkFactory.OPENED_AT.get(tag),
        "restarted at the last durable checkpoint, 2");
  }

  @Test
  void aCommitThatFailsAfterItsRegionWentOnRestartsItAndTheNewSinkCommitsTheSavedEpochExactlyOnce()
      throws Exception {
    String tag = "cf";
    long rows = 60_000;
    // commit(2) fails on all three attempts: checkpoint 2 is durable, so the restarted sink commits it
    TransactionalSinkFactory.FAIL_COMMITS.put(tag, Set.of(2, 3, 4));
    Engine engine = start(tag, rows, 20_000, 1, "interval = \"200ms\"");
    Engine.Outcome outcome = engine.awaitTermination();

    assertEquals(Engine.State.COMPLETED, outcome.state(), String.valueOf(outcome.failure()));
    assertExactlyOnce(tag, rows);
    assertEquals(1, restarts("connection_failed"), metrics.counterValues().toString());
    assertEquals(List.of(0L, 2L), TransactionalSinkFactory.OPENED_AT.get(tag), "reopened at epoch 2, which it commits");
  }

  /** The store's directory: the one holding the {@code latest} pointer. */
  private static Path checkpointRoot(Path cp) {
    try (Stream<Path> all = Files.walk(cp)) {
      return all.filter(p -> p.getFileName().toString().equals("latest")).findFirst().orElseThrow().getParent();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
