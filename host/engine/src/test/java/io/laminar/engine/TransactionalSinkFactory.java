package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.FieldVector;

/**
 * A test sink with the exactly-once protocol of a transactional system (type {@code txn}): rows
 * written in an epoch stay pending, {@code prepareCommit} makes them a prepared transaction kept
 * "outside" the instance (so it survives a restart, as a broker keeps it), {@code commit} makes them
 * visible in {@link #COMMITTED}, {@code abort} and {@code close} drop what is not committed, and
 * {@code open(last)} commits prepared epochs up to {@code last} and discards newer ones. Faults are
 * injected per sink name. It accepts writes while committing (its commit and abort touch only the
 * prepared transactions, which rows written meanwhile never join), unless its name is in
 * {@link #PARK_WHILE_COMMITTING}.
 */
final class TransactionalSinkFactory implements SinkFactory {
  /** Visible (committed) rows per sink name. */
  static final Map<String, List<String>> COMMITTED = new ConcurrentHashMap<>();
  /** Epochs each new instance was opened with. */
  static final Map<String, List<Long>> OPENED_AT = new ConcurrentHashMap<>();
  /** Prepared, uncommitted transactions per sink name, by epoch. */
  private static final Map<String, TreeMap<Long, List<String>>> PREPARED = new ConcurrentHashMap<>();
  /** The prepareCommit call number (1-based, counted over all instances of the sink) that throws ConnectionFailed once. */
  static final Map<String, Integer> FAIL_PREPARE_AT = new ConcurrentHashMap<>();
  /** The prepareCommit call number that blocks until the latch opens. */
  static final Map<String, Integer> HANG_PREPARE_AT = new ConcurrentHashMap<>();
  /** Opened by the test to let a blocked prepareCommit go; counted down when one blocks. */
  static final Map<String, CountDownLatch[]> HANG = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> PREPARES = new ConcurrentHashMap<>();
  /** The commit call number (1-based, over all instances) that blocks until its latch opens; see {@link #hangCommit}. */
  static final Map<String, Integer> HANG_COMMIT_AT = new ConcurrentHashMap<>();
  static final Map<String, CountDownLatch[]> HANG_COMMIT = new ConcurrentHashMap<>();
  /** Commit call numbers that throw (a commit is attempted three times). */
  static final Map<String, java.util.Set<Integer>> FAIL_COMMITS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> COMMITS = new ConcurrentHashMap<>();
  /** Run inside prepareCommit(epoch) of the sink, before it prepares: (call number, epoch). */
  static final Map<String, java.util.function.BiConsumer<Integer, Long>> ON_PREPARE = new ConcurrentHashMap<>();
  /** Sinks that keep the default: their pipeline stays parked until commit returned. */
  static final java.util.Set<String> PARK_WHILE_COMMITTING = ConcurrentHashMap.newKeySet();
  /** close() calls per sink name, over all instances. */
  static final Map<String, AtomicInteger> CLOSES = new ConcurrentHashMap<>();

  static void clear() {
    COMMITTED.clear();
    OPENED_AT.clear();
    PREPARED.clear();
    FAIL_PREPARE_AT.clear();
    HANG_PREPARE_AT.clear();
    HANG.values().forEach(l -> l[1].countDown());
    HANG.clear();
    PREPARES.clear();
    CLOSES.clear();
    HANG_COMMIT_AT.clear();
    HANG_COMMIT.values().forEach(l -> l[1].countDown());
    HANG_COMMIT.clear();
    FAIL_COMMITS.clear();
    COMMITS.clear();
    ON_PREPARE.clear();
    PARK_WHILE_COMMITTING.clear();
  }

  /** Blocks commit call number {@code call} of {@code sink} until released; returns {blocked, release}. */
  static CountDownLatch[] hangCommit(String sink, int call) {
    CountDownLatch[] latches = {new CountDownLatch(1), new CountDownLatch(1)};
    HANG_COMMIT.put(sink, latches);
    HANG_COMMIT_AT.put(sink, call);
    return latches;
  }

  /** Prepares and later blocks prepareCommit number {@code call} of {@code sink}; returns {blocked, release}. */
  static CountDownLatch[] hangPrepare(String sink, int call) {
    CountDownLatch[] latches = {new CountDownLatch(1), new CountDownLatch(1)};
    HANG.put(sink, latches);
    HANG_PREPARE_AT.put(sink, call);
    return latches;
  }

  /** Says it is blocked ({@code latches[0]}), waits for {@code latches[1]}; false if interrupted. */
  private static boolean hold(CountDownLatch[] latches) {
    latches[0].countDown();
    try {
      latches[1].await();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("txn", ConnectorKind.SINK).description("transactional test sink").build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    String name = context.name();
    List<String> committed = COMMITTED.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>()));
    TreeMap<Long, List<String>> prepared = PREPARED.computeIfAbsent(name, k -> new TreeMap<>());
    AtomicInteger prepares = PREPARES.computeIfAbsent(name, k -> new AtomicInteger());
    AtomicInteger commits = COMMITS.computeIfAbsent(name, k -> new AtomicInteger());
    return new Sink() {
      // written by the pipeline's thread, taken by prepareCommit while it is parked
      private volatile List<String> pending = new ArrayList<>();

      @Override
      public boolean acceptsWritesWhileCommitting() {
        return !PARK_WHILE_COMMITTING.contains(name);
      }

      @Override
      public DeliveryGuarantee maxGuarantee() {
        return DeliveryGuarantee.EXACTLY_ONCE;
      }

      @Override
      public void open(long lastCommittedEpoch) {
        OPENED_AT.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>())).add(lastCommittedEpoch);
        synchronized (prepared) {
          prepared.headMap(lastCommittedEpoch, true).values().forEach(committed::addAll);
          prepared.clear();
        }
      }

      @Override
      public void write(Batch batch) {
        for (int r = 0; r < batch.rowCount(); r++) {
          List<String> cells = new ArrayList<>();
          for (FieldVector v : batch.data().getFieldVectors()) {
            cells.add(String.valueOf(v.getObject(r)));
          }
          pending.add(String.join(",", cells));
        }
      }

      @Override
      public void prepareCommit(long epoch) throws ConnectorException {
        int call = prepares.incrementAndGet();
        var hook = ON_PREPARE.get(name);
        if (hook != null) {
          hook.accept(call, epoch);
        }
        if (Integer.valueOf(call).equals(FAIL_PREPARE_AT.get(name))) {
          throw ConnectorException.connectionFailed("test-broker:9092",
              new java.net.ConnectException("injected: connection refused"));
        }
        if (Integer.valueOf(call).equals(HANG_PREPARE_AT.get(name))) {
          hold(HANG.get(name));
          throw ConnectorException.runtime("released after hanging", null);
        }
        synchronized (prepared) {
          prepared.computeIfAbsent(epoch, k -> new ArrayList<>()).addAll(pending);
        }
        pending = new ArrayList<>();
      }

      @Override
      public void commit(long epoch) throws ConnectorException {
        int call = commits.incrementAndGet();
        if (FAIL_COMMITS.getOrDefault(name, java.util.Set.of()).contains(call)) {
          throw ConnectorException.connectionFailed("test-broker:9092",
              new java.net.ConnectException("injected: commit " + call + " of epoch " + epoch + " refused"));
        }
        if (Integer.valueOf(call).equals(HANG_COMMIT_AT.get(name)) && !hold(HANG_COMMIT.get(name))) {
          throw ConnectorException.runtime("interrupted while the test held commit " + call, null);
        }
        synchronized (prepared) {
          var upTo = prepared.headMap(epoch, true);
          upTo.values().forEach(committed::addAll);
          upTo.clear();
        }
      }

      @Override
      public void abort(long epoch) {
        synchronized (prepared) {
          prepared.remove(epoch);
        }
      }

      @Override
      public void close() {
        CLOSES.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        pending = new ArrayList<>();
      }
    };
  }
}
