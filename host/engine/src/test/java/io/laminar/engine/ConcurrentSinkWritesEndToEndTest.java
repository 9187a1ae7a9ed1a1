package io.laminar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers of one pipeline share its sinks ({@link Sink#acceptsConcurrentWrites}): a sink that
 * accepts concurrent writes is called by two workers at the same time (each one's first
 * {@code write} waits inside for the other's), and the rows each rejects meanwhile are decided by
 * the pipeline's {@code on.error} for exactly those rows; a sink that does not is never entered by
 * two workers at once.
 */
class ConcurrentSinkWritesEndToEndTest {
  @TempDir Path dir;
  private BufferAllocator allocator;
  private static final long ROWS = 20_000;
  /** How long a first write waits inside for the other worker's: generous, only a failing run waits it out. */
  private static final long MEET_SECONDS = 10;

  /** Rows (id,v) kept, by sink name. */
  static final Map<String, List<String>> KEPT = new ConcurrentHashMap<>();
  /** Both workers' first writes meet here (the {@code meeting} sink). */
  static volatile CyclicBarrier meeting;
  /** The threads whose first write met the other's. */
  static final Set<Thread> MET = ConcurrentHashMap.newKeySet();
  /** Callers inside the {@code exclusive} sink's write now, and the most at once. */
  static final AtomicInteger INSIDE = new AtomicInteger();
  static final AtomicInteger MOST_INSIDE = new AtomicInteger();
  /** The threads whose first write into the {@code exclusive} sink waited for a second caller. */
  static final Set<Thread> WAITED = ConcurrentHashMap.newKeySet();
  /** Counted down when a second caller is inside the {@code exclusive} sink's write. */
  static volatile CountDownLatch secondInside;

  /**
   * {@code meeting}: accepts concurrent writes; rejects rows with v > 100, then (first write of a
   * thread) waits for the other worker's first write, so both rejection brackets are open at once.
   * {@code exclusive}: the default; the first writes wait a little for a second caller to come in.
   */
  static final class TestSinks implements SinkFactory {
    private final boolean concurrent;

    TestSinks(boolean concurrent) {
      this.concurrent = concurrent;
    }

    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder(concurrent ? "meeting" : "exclusive", ConnectorKind.SINK)
          .description("test").build();
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
        public boolean acceptsConcurrentWrites() {
          return concurrent;
        }

        @Override
        public void open(long lastCommittedEpoch) {
        }

        @Override
        public void write(Batch batch) throws ConnectorException {
          if (concurrent) {
            rejectBadRows(batch);
            if (!MET.contains(Thread.currentThread())) {
              meet();
            }
            keep(batch);
            return;
          }
          int inside = INSIDE.incrementAndGet();
          MOST_INSIDE.accumulateAndGet(inside, Math::max);
          try {
            if (inside > 1) {
              secondInside.countDown();
            } else if (WAITED.add(Thread.currentThread())) {
              // would another worker come in meanwhile? (it must not: the engine lets one in at a time)
              await(secondInside);
            }
            keep(batch);
          } finally {
            INSIDE.decrementAndGet();
          }
        }

        private void rejectBadRows(Batch batch) throws ConnectorException {
          BigIntVector v = (BigIntVector) batch.data().getVector("v");
          for (int r = 0; r < batch.rowCount(); r++) {
            if (v.get(r) > 100) {
              context.rowRejections().reject(batch, r, "v", v.get(r) + " is more than 100");
            }
          }
        }

        private void meet() throws ConnectorException {
          try {
            meeting.await(MEET_SECONDS, TimeUnit.SECONDS);
            MET.add(Thread.currentThread());
          } catch (TimeoutException | BrokenBarrierException e) {
            throw ConnectorException.runtime("the other worker did not come into write meanwhile", e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ConnectorException.runtime("interrupted", e);
          }
        }

        private void keep(Batch batch) {
          BigIntVector id = (BigIntVector) batch.data().getVector("id");
          BigIntVector v = (BigIntVector) batch.data().getVector("v");
          for (int r = 0; r < batch.rowCount(); r++) {
            if (concurrent && v.get(r) > 100) {
              continue;
            }
            kept.add(id.get(r) + "," + v.get(r));
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

  private static void await(CountDownLatch latch) {
    try {
      latch.await(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "test", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("test", "test", List.of(), List.of(),
          List.of(new TestSinks(true), new TestSinks(false))))).registry();

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    KEPT.clear();
    MET.clear();
    WAITED.clear();
    meeting = new CyclicBarrier(2);
    INSIDE.set(0);
    MOST_INSIDE.set(0);
    secondInside = new CountDownLatch(1);
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private record Finished(Engine.Outcome outcome, PipelineStatus status) {
  }

  /** 2 workers, a generator of {@link #ROWS} rows in 2 splits (id 0.., v cycling 5,500,7,900), into {@code connector}. */
  private Finished run(String connector, String policy) throws Exception {
    Path file = dir.resolve("laminar.toml");
    Files.writeString(file, """
        [server]
        workers = 2

        [checkpoint]
        path = "%1$s/checkpoints"
        interval = "1h"

        [[source]]
        name = "nums"
        connector = "generator"
        [source.properties]
        max_rows = %2$d
        splits = 2
        start_time = "2026-01-01T00:00:00Z"
        "fields.id.kind" = "sequence"
        "fields.v.kind" = "sequence"
        "fields.v.values" = "5,500,7,900"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "v"
        type = "BIGINT"

        [[pipeline]]
        name = "p"
        sql = "SELECT id, v FROM nums"
        restart = { strategy = "none" }
        %3$s

        [[sink]]
        name = "target"
        pipeline = "p"
        connector = "%4$s"
        """.formatted(dir, ROWS, policy, connector));
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    EngineBuilder b = new EngineBuilder(loaded.config(), REGISTRY, allocator, new EngineMetrics());
    BuildReport r = b.construct();
    assertTrue(r.ok(), () -> r.errors().toString());
    Engine engine = new Engine(b, allocator, new EngineMetrics());
    engine.start();
    Engine.Outcome o = engine.awaitTermination();
    return new Finished(o, engine.pipelines().get(0));
  }

  /** The rows of the generator whose v the {@code meeting} sink keeps (v <= 100), as id,v. */
  private static List<String> smallRows() {
    long[] values = {5, 500, 7, 900};
    List<String> rows = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      if (values[(int) (id % 4)] <= 100) {
        rows.add(id + "," + values[(int) (id % 4)]);
      }
    }
    return rows;
  }

  @Test
  void aSinkThatAcceptsConcurrentWritesIsWrittenByTwoWorkersAtOnceAndEachRejectionIsItsOwn() throws Exception {
    Finished f = run("meeting", "on.error = \"dead_letter\"\ndead_letter.path = \"bad.jsonl\"");
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    assertEquals(2, MET.size(), "both workers were inside write at the same time");
    assertEquals(smallRows(), SinkRejectionEndToEndTest.sortedById(KEPT.get("target")));
    assertEquals(ROWS / 2, f.status().rowErrors());
    List<String> lines = Files.readAllLines(dir.resolve("bad.jsonl"));
    List<String> rejected = new ArrayList<>();
    for (String l : lines) {
      // each dead letter names the row that was rejected (its id and v), whichever worker reported it
      int row = l.indexOf("\"row\":{\"id\":");
      String[] cells = l.substring(row + "\"row\":{\"id\":".length(), l.length() - 2).split(",\"v\":");
      assertTrue(l.contains("\"error\":\"" + cells[1] + " is more than 100\""), l);
      rejected.add(cells[0] + "," + cells[1]);
    }
    List<String> expected = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      if (id % 2 == 1) {
        expected.add(id + "," + (id % 4 == 1 ? 500 : 900));
      }
    }
    assertEquals(expected, SinkRejectionEndToEndTest.sortedById(rejected));
  }

  @Test
  void aDefaultSinkSeesOneCallerAtATime() throws Exception {
    Finished f = run("exclusive", "");
    assertEquals(Engine.State.COMPLETED, f.outcome().state(), f.outcome().failure());
    assertEquals(1, MOST_INSIDE.get(), "callers inside write at once");
    assertFalse(KEPT.get("target").isEmpty());
    assertEquals(ROWS, KEPT.get("target").size());
  }
}
